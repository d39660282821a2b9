"""Triage use cases: start, answer, go back, cancel. State lives in the database.

Every function takes the repositories of the caller's unit of work and plain values, and
returns view-models; nothing here knows about Telegram.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.content.triage_engine import InvalidPathError, Question, Result, Step, TriageEngine
from bot.db.models import SymptomReport, TriageSession, TriageStatus
from bot.db.repositories import TriageState
from bot.db.uow import Repositories
from bot.services import gear


@dataclass(frozen=True, slots=True)
class TriageView:
    """What to show for a triage session: its next question or its result."""

    session_id: int
    view: Question | Result
    restarted: bool = False
    shoe_name: str | None = None
    """The runner's default shoe that the result's fixes were fitted to, if any."""
    invite_to_gear: bool = False
    """True when the result's causes concern gear and the runner has not added a shoe yet."""
    language: str | None = None
    """The language the runner chose in /settings (None: Telegram's), read with the session."""


class StaleReason(StrEnum):
    """Why a button press could not be applied."""

    UNKNOWN = "unknown"
    """No such session for this runner, or an answer the question doesn't have (forged)."""
    CLOSED = "closed"
    """The session was finished, cancelled or replaced by a newer one."""
    OUT_OF_DATE = "out_of_date"
    """The press answers an earlier question (a double tap or an old copy of the message)."""


@dataclass(frozen=True, slots=True)
class Stale:
    """A press that was not applied, with the session's current view when it is still open."""

    reason: StaleReason
    current: TriageView | None = None
    language: str | None = None
    """The runner's chosen language, when the session was found."""


@dataclass(frozen=True, slots=True)
class Cancelled:
    """The session was cancelled by its Cancel button."""

    language: str | None = None
    """The runner's chosen language, read with the session."""


Outcome = TriageView | Stale | Cancelled
"""What a triage press leads to."""


@dataclass(frozen=True, slots=True)
class Press:
    """A runner's press on a button of triage `session_id`, shown at question number `step`."""

    user_id: int
    session_id: int
    step: int


async def start(
    repos: Repositories,
    engine: TriageEngine,
    user_id: int,
    language_code: str | None,
    now: datetime,
) -> TriageView:
    """Open a new triage, abandoning any unfinished one and any typed answer awaited."""
    runner = await repos.users.seen(user_id, language_code, now)
    await repos.triage.abandon_open(user_id, now)
    # Typed text during a check repeats its question, so nothing else may be waiting for it.
    await repos.pending.clear(user_id)
    triage = await repos.triage.add(
        TriageSession(
            user_id=user_id, status=TriageStatus.OPEN, path=[], created_at=now, updated_at=now
        )
    )
    return TriageView(triage.id, engine.first(), language=runner.language)


async def current(repos: Repositories, engine: TriageEngine, user_id: int) -> TriageView | None:
    """Return the runner's open triage at its current question, if one is open."""
    triage = await repos.triage.open_for(user_id)
    if triage is None:
        return None
    try:
        view = engine.walk(_steps(triage.path))
    except InvalidPathError:
        return None
    return TriageView(triage.id, view, language=triage.language)


async def answer(
    repos: Repositories, engine: TriageEngine, press: Press, answer_id: str, now: datetime
) -> TriageView | Stale:
    """Record an answer to the question pressed; finish with a symptom report at the end.

    A finished triage also keeps what its answers said about the runner's health notes.
    """
    user_id = press.user_id
    loaded = await _open_session(repos, engine, press, now)
    if not isinstance(loaded, _Loaded):
        return loaded
    triage = loaded.triage
    try:
        path, view = engine.answer(loaded.path, answer_id)
    except InvalidPathError:
        return Stale(StaleReason.UNKNOWN, language=triage.language)
    shoe: gear.DefaultShoe | None = None
    if isinstance(view, Result) and view.stop is None:
        # Only a finished assessment reads the runner's shoe, never a red-flag stop.
        shoe = await gear.default_shoe(repos, user_id)
        if shoe is not None:
            view = engine.walk(path, shoe.settings)
    finished = isinstance(view, Result)
    answers = _stored(path)
    await repos.triage.save(
        triage.id, answers, TriageStatus.FINISHED if finished else TriageStatus.OPEN, now
    )
    if isinstance(view, Result):
        if view.health:
            await repos.health.update(user_id, view.health, now)
        repos.reports.add(
            SymptomReport(
                user_id=user_id,
                triage_session_id=triage.id,
                source="triage",
                tier=view.tier.value,
                stop_outcome=view.stop,
                red_flag=view.red_flag,
                causes=list(view.causes),
                answers=answers,
                created_at=now,
            )
        )
        return TriageView(
            triage.id,
            view,
            shoe_name=None if shoe is None else shoe.name,
            invite_to_gear=shoe is None and view.gear_matters,
            language=triage.language,
        )
    return TriageView(triage.id, view, language=triage.language)


async def back(
    repos: Repositories, engine: TriageEngine, press: Press, now: datetime
) -> TriageView | Stale:
    """Undo the last answer and return to the question before the one pressed."""
    session_id = press.session_id
    loaded = await _open_session(repos, engine, press, now)
    if not isinstance(loaded, _Loaded):
        return loaded
    language = loaded.triage.language
    if not loaded.path:
        first = TriageView(session_id, engine.first(), language=language)
        return Stale(StaleReason.OUT_OF_DATE, first, language)
    path, view = engine.back(loaded.path)
    await repos.triage.save(loaded.triage.id, _stored(path), TriageStatus.OPEN, now)
    return TriageView(session_id, view, language=language)


async def cancel(
    repos: Repositories, user_id: int, session_id: int, now: datetime
) -> Cancelled | Stale:
    """Cancel the triage whose Cancel button was pressed."""
    triage = await repos.triage.get(session_id)
    if triage is None or triage.user_id != user_id:
        return Stale(StaleReason.UNKNOWN)
    if triage.status != TriageStatus.OPEN:
        return Stale(StaleReason.CLOSED, language=triage.language)
    await repos.triage.save(triage.id, triage.path, TriageStatus.CANCELLED, now)
    return Cancelled(triage.language)


async def cancel_open(repos: Repositories, user_id: int, now: datetime) -> bool:
    """Cancel the runner's open triage (/cancel); return False if none was open."""
    return await repos.triage.close_open(user_id, TriageStatus.CANCELLED, now) > 0


@dataclass(frozen=True, slots=True)
class _Loaded:
    triage: TriageState
    path: list[Step]


async def _open_session(
    repos: Repositories, engine: TriageEngine, press: Press, now: datetime
) -> _Loaded | TriageView | Stale:
    """Load an open session that is waiting for the question pressed, or say why not."""
    triage = await repos.triage.get(press.session_id)
    if triage is None or triage.user_id != press.user_id:
        return Stale(StaleReason.UNKNOWN)
    language = triage.language
    if triage.status != TriageStatus.OPEN:
        return Stale(StaleReason.CLOSED, language=language)
    path = _steps(triage.path)
    try:
        view = engine.walk(path)
    except InvalidPathError:
        # The triage content changed under this session: start it again, politely.
        await repos.triage.save(triage.id, [], TriageStatus.OPEN, now)
        return TriageView(triage.id, engine.first(), restarted=True, language=language)
    if press.step != len(path) or not isinstance(view, Question):
        return Stale(StaleReason.OUT_OF_DATE, TriageView(triage.id, view), language)
    return _Loaded(triage, path)


def _stored(path: Sequence[Step]) -> list[list[str]]:
    """Return a path as the database stores it: a list of `[node id, answer id]` pairs."""
    return [list(step) for step in path]


def _steps(stored: Sequence[Sequence[str]]) -> list[Step]:
    return [(str(node), str(answer_id)) for node, answer_id in stored]
