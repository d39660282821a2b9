"""Repositories and the unit of work on real SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models import Shoe, SymptomReport, TriageSession
from bot.db.repositories import TriageState
from bot.db.uow import Repositories, unit_of_work

NOW = datetime(2026, 11, 23, 7, 30, tzinfo=UTC)
BIG_TELEGRAM_ID = 7_123_456_789  # above 2**31: needs BIGINT


async def test_user_created_once_and_refreshed(
    rollback_sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with unit_of_work(rollback_sessionmaker) as repos:
        await repos.users.seen(BIG_TELEGRAM_ID, "en-GB", NOW)
    async with unit_of_work(rollback_sessionmaker) as repos:
        user = await repos.users.seen(BIG_TELEGRAM_ID, "de", NOW + timedelta(hours=1))
    async with unit_of_work(rollback_sessionmaker) as repos:
        stored = await repos.users.get(BIG_TELEGRAM_ID)
    assert stored is not None
    assert stored.language_code == "de" == user.language_code
    assert stored.created_at == NOW
    assert stored.updated_at == NOW + timedelta(hours=1)
    assert stored.updated_at.tzinfo is not None


async def test_timestamps_come_back_as_utc(
    rollback_sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    paris_time = datetime(2026, 11, 23, 8, 30, tzinfo=timezone(timedelta(hours=1)))
    async with unit_of_work(rollback_sessionmaker) as repos:
        await repos.users.seen(1, None, paris_time)
    async with unit_of_work(rollback_sessionmaker) as repos:
        user = await repos.users.get(1)
    assert user is not None
    assert user.created_at == NOW
    assert user.created_at.utcoffset() == timedelta(0)


async def test_naive_timestamps_are_refused(
    rollback_sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async def store_naive() -> None:
        async with unit_of_work(rollback_sessionmaker) as repos:
            await repos.users.seen(1, None, NOW.replace(tzinfo=None))

    with pytest.raises(StatementError, match="naive datetimes"):
        await store_naive()


async def test_failed_unit_of_work_rolls_back(
    rollback_sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async def failing_update() -> None:
        async with unit_of_work(rollback_sessionmaker) as repos:
            await repos.users.seen(2, None, NOW)
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        await failing_update()
    async with unit_of_work(rollback_sessionmaker) as repos:
        assert await repos.users.get(2) is None


async def test_open_session_lifecycle(
    rollback_sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with unit_of_work(rollback_sessionmaker) as repos:
        await repos.users.seen(3, None, NOW)
        first = await repos.triage.add(
            TriageSession(user_id=3, status="open", path=[], created_at=NOW, updated_at=NOW)
        )
    async with unit_of_work(rollback_sessionmaker) as repos:
        found = await repos.triage.open_for(3)
        assert found is not None
        assert found.id == first.id
        assert await repos.triage.close_open(3, "abandoned", NOW) == 1
    async with unit_of_work(rollback_sessionmaker) as repos:
        assert await repos.triage.open_for(3) is None
        closed = await repos.triage.get(first.id)
        assert closed is not None
        assert closed.status == "abandoned"


async def test_deleting_a_user_deletes_everything(
    rollback_sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with unit_of_work(rollback_sessionmaker) as repos:
        await repos.users.seen(4, None, NOW)
        triage = await repos.triage.add(
            TriageSession(
                user_id=4, status="finished", path=[["a", "b"]], created_at=NOW, updated_at=NOW
            )
        )
        repos.reports.add(
            SymptomReport(
                user_id=4,
                triage_session_id=triage.id,
                source="triage",
                tier="self_care",
                stop_outcome=None,
                red_flag=False,
                causes=["toe_box"],
                answers=[["a", "b"]],
                created_at=NOW,
            )
        )
    async with unit_of_work(rollback_sessionmaker) as repos:
        assert len(await repos.reports.for_user(4)) == 1
        assert await repos.users.delete(4) is True
    async with unit_of_work(rollback_sessionmaker) as repos:
        assert await repos.reports.for_user(4) == []
        assert await repos.triage.get(triage.id) is None
        assert await repos.users.delete(4) is False


async def test_deactivate_and_reactivate(
    rollback_sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with unit_of_work(rollback_sessionmaker) as repos:
        await repos.users.seen(5, "en", NOW)
    async with unit_of_work(rollback_sessionmaker) as repos:
        await repos.users.deactivate(5, NOW)
    async with unit_of_work(rollback_sessionmaker) as repos:
        user = await repos.users.get(5)
        assert user is not None
        assert user.is_active is False
        await repos.users.seen(5, "en", NOW)
    async with unit_of_work(rollback_sessionmaker) as repos:
        user = await repos.users.get(5)
        assert user is not None
        assert user.is_active is True


def _shoe(user_id: int, name: str, *, default: bool = False, **settings: str) -> Shoe:
    return Shoe(
        user_id=user_id,
        name=name,
        is_default=default,
        settings=settings,
        created_at=NOW,
        updated_at=NOW,
    )


async def _add_shoes(repos: Repositories, user_id: int, *names: str) -> list[Shoe]:
    await repos.users.seen(user_id, None, NOW)
    return [
        await repos.shoes.add(_shoe(user_id, name, default=number == 0))
        for number, name in enumerate(names)
    ]


async def test_shoes_are_stored_with_their_settings_oldest_first(
    rollback_sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with unit_of_work(rollback_sessionmaker) as repos:
        await repos.users.seen(BIG_TELEGRAM_ID, None, NOW)
        await repos.shoes.add(_shoe(BIG_TELEGRAM_ID, "Pegasus 40", default=True, fit="snug"))
        await repos.shoes.add(_shoe(BIG_TELEGRAM_ID, "Trail ⛰️", lacing="heel_lock"))
    async with unit_of_work(rollback_sessionmaker) as repos:
        stored = await repos.shoes.for_user(BIG_TELEGRAM_ID)
        default = await repos.shoes.default_for(BIG_TELEGRAM_ID)
    assert [(s.name, s.settings, s.is_default) for s in stored] == [
        ("Pegasus 40", {"fit": "snug"}, True),
        ("Trail ⛰️", {"lacing": "heel_lock"}, False),
    ]
    assert default is not None
    assert default.name == "Pegasus 40"
    assert stored[0].created_at == NOW


async def test_a_shoe_is_found_only_for_its_runner(
    rollback_sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with unit_of_work(rollback_sessionmaker) as repos:
        [shoe] = await _add_shoes(repos, 10, "Pegasus 40")
        await repos.users.seen(11, None, NOW)
    async with unit_of_work(rollback_sessionmaker) as repos:
        assert await repos.shoes.get(10, shoe.id) is not None
        assert await repos.shoes.get(11, shoe.id) is None
        assert await repos.shoes.get(10, shoe.id + 1000) is None
        assert await repos.shoes.default_for(11) is None


async def test_one_default_shoe_per_runner_is_enforced_by_the_database(
    rollback_sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with unit_of_work(rollback_sessionmaker) as repos:
        await _add_shoes(repos, 12, "Pegasus 40")

    async def second_default() -> None:
        async with unit_of_work(rollback_sessionmaker) as repos:
            await repos.shoes.add(_shoe(12, "Trail shoes", default=True))

    with pytest.raises(IntegrityError):
        await second_default()


async def test_shoe_names_are_unique_per_runner(
    rollback_sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with unit_of_work(rollback_sessionmaker) as repos:
        await _add_shoes(repos, 13, "Pegasus 40")
        await _add_shoes(repos, 14, "Pegasus 40")  # another runner may use the name

    async def same_name() -> None:
        async with unit_of_work(rollback_sessionmaker) as repos:
            await repos.shoes.add(_shoe(13, "Pegasus 40"))

    with pytest.raises(IntegrityError):
        await same_name()


@pytest.mark.parametrize("chosen", [0, 2])
async def test_make_default_moves_the_default_whatever_the_row_order(
    rollback_sessionmaker: async_sessionmaker[AsyncSession], chosen: int
) -> None:
    async with unit_of_work(rollback_sessionmaker) as repos:
        shoes = await _add_shoes(repos, 15, "A", "B", "C")
    async with unit_of_work(rollback_sessionmaker) as repos:
        shoes = await repos.shoes.for_user(15)
        await repos.shoes.make_default(shoes, shoes[1])
    async with unit_of_work(rollback_sessionmaker) as repos:
        shoes = await repos.shoes.for_user(15)
        await repos.shoes.make_default(shoes, shoes[chosen])
    async with unit_of_work(rollback_sessionmaker) as repos:
        flags = [s.is_default for s in await repos.shoes.for_user(15)]
    assert flags == [number == chosen for number in range(3)]


async def test_waiting_for_typed_text_is_stored_replaced_and_cleared(
    rollback_sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    hour = timedelta(hours=1)
    async with unit_of_work(rollback_sessionmaker) as repos:
        [shoe] = await _add_shoes(repos, 16, "Pegasus 40")
        await repos.pending.wait_for(16, "add_shoe", None, NOW, NOW + hour)
    async with unit_of_work(rollback_sessionmaker) as repos:
        later = NOW + timedelta(minutes=5)
        await repos.pending.wait_for(16, "rename_shoe", shoe.id, later, later + hour)
    async with unit_of_work(rollback_sessionmaker) as repos:
        pending = await repos.pending.get(16)
        assert pending is not None
        assert (pending.kind, pending.ref_id, pending.created_at, pending.expires_at) == (
            "rename_shoe",
            shoe.id,
            NOW + timedelta(minutes=5),
            NOW + timedelta(minutes=5) + hour,
        )
        await repos.pending.clear(16, {"timezone", "run_time"})
        assert await repos.pending.get(16) is pending, "not one of those kinds: still awaited"
        await repos.pending.clear(16)
        assert await repos.pending.get(16) is None
        await repos.pending.clear(16)  # nothing awaited: nothing happens
        await repos.pending.wait_for(16, "timezone", 1, NOW, NOW + hour)
    async with unit_of_work(rollback_sessionmaker) as repos:
        pending = await repos.pending.get(16)
        assert pending is not None
        assert (pending.kind, pending.ref_id) == ("timezone", 1)
        await repos.pending.clear(16, {"timezone", "run_time"})
    async with unit_of_work(rollback_sessionmaker) as repos:
        assert await repos.pending.get(16) is None


async def test_a_pending_kind_must_be_known(
    rollback_sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async def wait_for_nonsense() -> None:
        async with unit_of_work(rollback_sessionmaker) as repos:
            await repos.users.seen(20, None, NOW)
            await repos.pending.wait_for(20, "favourite_colour", None, NOW, NOW)

    with pytest.raises(IntegrityError):
        await wait_for_nonsense()


async def test_deleting_a_user_deletes_their_shoes_and_pending_input(
    rollback_sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with unit_of_work(rollback_sessionmaker) as repos:
        await _add_shoes(repos, 18, "Pegasus 40", "Trail shoes")
        await _add_shoes(repos, 19, "Kept")
        await repos.pending.wait_for(18, "add_shoe", None, NOW, NOW + timedelta(hours=1))
    async with unit_of_work(rollback_sessionmaker) as repos:
        assert await repos.users.delete(18) is True
    async with unit_of_work(rollback_sessionmaker) as repos:
        assert await repos.shoes.for_user(18) == []
        assert await repos.pending.get(18) is None
        assert [s.name for s in await repos.shoes.for_user(19)] == ["Kept"]


async def test_a_triage_read_brings_its_runners_chosen_language(
    rollback_sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    """A press reads the runner's language with the session, for its reply's texts."""
    async with unit_of_work(rollback_sessionmaker) as repos:
        runner = await repos.users.seen(21, "en", NOW)
        runner.language = "de"
        added = await repos.triage.add(
            TriageSession(user_id=21, status="open", path=[], created_at=NOW, updated_at=NOW)
        )
    async with unit_of_work(rollback_sessionmaker) as repos:
        assert await repos.triage.get(added.id) == TriageState(added.id, 21, "open", [], "de")
        assert await repos.triage.open_for(21) == TriageState(added.id, 21, "open", [], "de")
        assert await repos.users.chosen_language(21) == "de"
        runner = await repos.users.seen(21, "en", NOW)
        runner.language = None
        assert await repos.users.chosen_language(21) is None
