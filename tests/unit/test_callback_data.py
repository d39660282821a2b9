"""The callback data codec: round trips, the 64-byte limit, and forged data."""

from __future__ import annotations

import pytest

from bot.ui import callback_data


def test_triage_round_trip() -> None:
    data = callback_data.triage(123456789012, 7, "ball_of_foot")
    assert data == "t1:123456789012:7:ball_of_foot"
    press = callback_data.decode_triage(data)
    assert press == callback_data.TriagePress(123456789012, 7, "ball_of_foot")


@pytest.mark.parametrize("action", [callback_data.BACK, callback_data.CANCEL])
def test_navigation_actions(action: str) -> None:
    press = callback_data.decode_triage(callback_data.triage(1, 2, action))
    assert press is not None
    assert press.action == action


@pytest.mark.parametrize(
    "forged",
    [
        "t1:../../x",
        "t1:1:2:",
        "t1:1:2:DROP TABLE",
        "t1:-1:2:none",
        "t2:1:2:none",
        "t1:1:2:none:extra",
        "t1:1:2:-delete",
        "",
        None,
        "t1:" + "9" * 40 + ":1:a",
    ],
)
def test_forged_triage_data_is_rejected(forged: str | None) -> None:
    assert callback_data.decode_triage(forged) is None


def test_over_64_bytes_is_refused_when_encoding() -> None:
    with pytest.raises(ValueError, match="64 bytes"):
        callback_data.triage(1, 1, "a" * 70)


def test_settings_data() -> None:
    assert callback_data.decode_language(callback_data.language("en")) == "en"
    assert callback_data.decode_language("s1:lang:auto") == "auto"
    assert callback_data.decode_language("s1:lang:../x") is None
    assert callback_data.decode_delete(callback_data.delete(True)) is True
    assert callback_data.decode_delete(callback_data.delete(False)) is False
    assert callback_data.decode_delete("s1:del:maybe") is None
