"""Typed text: which question a runner's message answers, and stopping the wait for one.

A runner has at most one awaited answer, their `PendingInput` row: /gear asks for shoe names,
/runs for time zones and start times, and each new question replaces the one before, so the
latest question asked is the one the next typed message answers. Each feature stops waiting
only for its own questions; /cancel and a new check stop whatever is awaited. A question lapses
at its `expires_at`. Typed text that answers nothing may repeat an open check's question.
"""

from __future__ import annotations

from datetime import datetime

from bot.content.triage_engine import TriageEngine
from bot.db.models import PendingInput, PendingKind
from bot.db.uow import Repositories
from bot.services import gear, schedules, triage
from bot.services.context import Context

TypedReply = gear.GearView | schedules.RunsView | triage.TriageView | None
"""What typed text leads to: a gear or /runs screen, the open check's question, or nothing."""


async def awaited(repos: Repositories, user_id: int, now: datetime) -> PendingInput | None:
    """Return the answer the bot waits for from the runner; one that has lapsed is dropped."""
    pending = await repos.pending.get(user_id)
    if pending is not None and pending.expires_at < now:
        await repos.pending.clear(user_id)
        return None
    return pending


async def receive(
    repos: Repositories,
    engine: TriageEngine,
    ctx: Context,
    user_id: int,
    language_code: str | None,
    text: str,
) -> TypedReply:
    """Take typed text as the awaited answer, else find the open check to repeat its question."""
    pending = await awaited(repos, user_id, ctx.now)
    if pending is not None and pending.kind in gear.NAMING:
        return await gear.receive_name(repos, ctx.knowledge.gear, user_id, pending, text, ctx.now)
    if pending is not None:
        view = await schedules.receive_typed(repos, user_id, language_code, pending, text, ctx)
        if view is not None:
            return view
    return await triage.current(repos, engine, user_id)


async def stop(repos: Repositories, user_id: int, now: datetime) -> PendingKind | None:
    """Stop waiting for typed text (/cancel); return the kind that was awaited, if any."""
    pending = await awaited(repos, user_id, now)
    if pending is None:
        return None
    kind = PendingKind(pending.kind)
    await repos.pending.clear(user_id)
    return kind
