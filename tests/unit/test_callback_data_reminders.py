"""The r1: and c1: callback data (shoe answers included): round trips, 64 bytes, forged data."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.services import checkins
from bot.services.schedules import RunsAction
from bot.ui import callback_data


def test_plan_buttons_round_trip() -> None:
    data = callback_data.plan(123456789012345, RunsAction.SET_TIME, "0730")
    assert callback_data.decode_runs(data) == callback_data.PlanPress(
        123456789012345, RunsAction.SET_TIME, "0730"
    )


def test_every_plan_action_round_trips() -> None:
    for action in RunsAction:
        argument = {"wd": "3", "day": "20261224", "t": "0615", "d": "45"}.get(action)
        data = callback_data.plan(7, action, argument)
        assert callback_data.decode_runs(data) == callback_data.PlanPress(7, action, argument)


def test_longest_zone_fits_in_64_bytes() -> None:
    data = callback_data.zone("America/Argentina/ComodRivadavia", then_add=True)
    assert len(data.encode()) <= callback_data.MAX_BYTES
    assert callback_data.decode_runs(data) == callback_data.ZonePress(
        "America/Argentina/ComodRivadavia", then_add=True
    )


def test_skip_carries_the_run_start() -> None:
    run_at = datetime(2026, 11, 25, 6, 0, tzinfo=UTC)
    press = callback_data.decode_runs(callback_data.skip(42, run_at))
    assert press == callback_data.SkipPress(42, run_at)


def test_checkin_buttons() -> None:
    assert callback_data.decode_checkin(callback_data.checkin(9, 2, "lasting")) == (
        callback_data.CheckinPress(9, 2, "lasting")
    )
    assert callback_data.decode_checkin(callback_data.checkin(9, 0, "snooze")) == (
        callback_data.CheckinPress(9, None, "snooze")
    )


def test_a_shoe_answer_with_the_largest_ids_fits_the_c1_codec() -> None:
    biggest = 10**15 - 1
    shoe = checkins.ShoeChoice(biggest, "x" * 40, is_default=True)
    data = callback_data.checkin(biggest, 99, shoe.answer_id)
    assert len(data.encode()) <= callback_data.MAX_BYTES
    assert callback_data.decode_checkin(data) == callback_data.CheckinPress(
        biggest, 99, f"s{biggest}"
    )


@pytest.mark.parametrize(
    "forged",
    [
        "r1:p:1:t:2561",
        "r1:p:1:t",
        "r1:p:1:wd:7",
        "r1:p:1:day:20261340",
        "r1:p:1:open:5",
        "r1:p:1:drop",
        "r1:p:1:dayss",
        "r1:p:1:t:0615:1",
        "r1:tz:../../etc",
        "r1:skip:1:x",
        "r2:list",
        "r1:list:x",
        "",
        None,
    ],
)
def test_forged_runs_data_is_rejected(forged: str | None) -> None:
    assert callback_data.decode_runs(forged) is None


@pytest.mark.parametrize("forged", ["c1:1:0:DROP", "c1:x:0:no", "c2:1:0:no", "c1:1:snoozes", None])
def test_forged_checkin_data_is_rejected(forged: str | None) -> None:
    assert callback_data.decode_checkin(forged) is None
