"""The callback data codec: round trips, the 64-byte limit, and forged data."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.services.schedules import RunsAction
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


def test_gear_round_trips() -> None:
    assert callback_data.decode_gear(callback_data.gear(callback_data.GEAR_ADD)) == (
        callback_data.GearPress("n")
    )
    shoe = callback_data.gear_shoe(callback_data.GEAR_DELETE_CONFIRMED, 42)
    assert shoe == "g1:y:42"
    assert callback_data.decode_gear(shoe) == callback_data.ShoePress("y", 42)
    ask = callback_data.gear_ask(42, "lacing", wizard=False)
    assert callback_data.decode_gear(ask) == callback_data.SettingPress(
        42, "lacing", wizard=False, store=False
    )
    chosen = callback_data.gear_set(42, "lacing", True, "heel_lock")
    assert chosen == "g1:s:42:lacing:w:heel_lock"
    assert callback_data.decode_gear(chosen) == callback_data.SettingPress(
        42, "lacing", wizard=True, store=True, option="heel_lock"
    )
    not_sure = callback_data.decode_gear(callback_data.gear_set(42, "lacing", True, None))
    assert not_sure == callback_data.SettingPress(42, "lacing", wizard=True, store=True)


def test_the_longest_gear_data_fits() -> None:
    data = callback_data.gear_set(999_999_999_999, "s" * 16, True, "o" * 24)
    assert len(data.encode()) <= callback_data.MAX_BYTES
    assert callback_data.decode_gear(data) is not None


@pytest.mark.parametrize(
    "forged",
    [
        "g1:",
        "g1:z",
        "g1:l:1",
        "g1:o:",
        "g1:o:-1",
        "g1:o:1234567890123",
        "g1:q:1:fit",
        "g1:q:1:fit:w:snug",
        "g1:s:1:fit:w",
        "g1:s:1:Fit:w:snug",
        "g1:s:1:fit:x:snug",
        "g1:s:1:fit:w:--",
        "g1:s:1:" + "s" * 17 + ":w:snug",
        "g1:l\n",
        "g2:l",
        "",
        None,
    ],
)
def test_forged_gear_data_is_rejected(forged: str | None) -> None:
    assert callback_data.decode_gear(forged) is None


@pytest.mark.parametrize(
    ("decode", "valid"),
    [
        (callback_data.decode_triage, callback_data.triage(12, 3, "toes")),
        (callback_data.decode_language, callback_data.language("en")),
        (callback_data.decode_delete, callback_data.delete(True)),
        (callback_data.decode_gear, callback_data.gear_shoe(callback_data.GEAR_OPEN, 7)),
        (callback_data.decode_runs, callback_data.RUNS_LIST),
        (callback_data.decode_runs, callback_data.plan(5, RunsAction.SET_TIME, "0615")),
        (callback_data.decode_checkin, "c1:9:1:yes"),
    ],
)
def test_a_trailing_newline_is_forged_data(decode: Callable[[str], object], valid: str) -> None:
    """`$` alone would match before a final newline; every decoder wants the exact string."""
    assert decode(valid) is not None
    assert decode(valid + "\n") is None
