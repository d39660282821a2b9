"""The dispatcher's edge: claim due reminders, send them through Telegram, record the outcome.

One repeating PTB job (`register`) runs `Dispatcher.tick`; the database is the source of
truth, so there are no per-runner jobs to rebuild at start-up. The logic of what is due and
what happens after a send lives in `bot.services.reminders`; this module renders the
messages, paces the sends and turns Telegram's answers into `Delivery` outcomes.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from aiolimiter import AsyncLimiter
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError
from telegram.ext import Application, CallbackContext, ExtBot

from bot import metrics
from bot.clock import Clock
from bot.config import Settings
from bot.content.loader import Knowledge
from bot.db.models import ReminderKind
from bot.db.uow import unit_of_work
from bot.retries import SEND_ONCE
from bot.services import checkins, reminders
from bot.services.context import Context
from bot.services.reminders import Claim, Delivery, DispatchLimits, Outgoing, Result
from bot.ui import schedule_screens
from bot.ui.screens import Screen

log = logging.getLogger(__name__)

JOB_NAME = "dispatch_due"


@dataclass(frozen=True, slots=True)
class Batch:
    """A claimed batch and the message rendered for each of its reminders."""

    claim: Claim
    messages: dict[int, Screen]


class Dispatcher:
    """Sends due reminders in fixed-size batches; one tick at a time per process."""

    def __init__(
        self,
        settings: Settings,
        knowledge: Knowledge,
        sessionmaker: async_sessionmaker[AsyncSession],
        clock: Clock,
    ) -> None:
        self._settings = settings
        self._knowledge = knowledge
        self._sessionmaker = sessionmaker
        self._clock = clock
        self._limits = DispatchLimits(
            batch_size=settings.dispatch_batch_size,
            lease=timedelta(seconds=settings.dispatch_lease_seconds),
            max_attempts=settings.dispatch_max_attempts,
        )
        self._pace = AsyncLimiter(settings.dispatch_send_rate, 1)
        self._lock = asyncio.Lock()
        self._pokes: set[asyncio.Task[int]] = set()

    async def tick(self, bot: ExtBot[Any]) -> int:
        """Send every reminder due now, batch by batch; return how many were sent."""
        async with self._lock:
            sent = 0
            cursor: tuple[datetime, int] | None = None
            while True:
                batch = await self.claim(cursor)
                results = await self.deliver(bot, batch)
                await self.settle(results)
                metrics.reminders_settled(r.delivery for r in results)
                sent += sum(r.delivery is Delivery.SENT for r in results)
                if any(r.delivery is Delivery.FLOOD for r in results):
                    break  # Telegram asked to slow down: the rest waits for a later tick
                if batch.claim.scanned < self._limits.batch_size:
                    break
                cursor = batch.claim.cursor
            if sent:
                log.info("sent %d reminder(s)", sent)
            return sent

    def poke(self, bot: ExtBot[Any]) -> None:
        """Run a tick now, in the background (the playground, after its clock moved)."""
        task = asyncio.get_running_loop().create_task(self.tick(bot))
        self._pokes.add(task)
        task.add_done_callback(self._poked)

    def register(self, app: Application[Any, Any, Any, Any, Any, Any]) -> None:
        """Add the one repeating job that ticks (replacing any earlier one of the same id)."""
        if app.job_queue is None:
            raise RuntimeError("the job queue is missing: install python-telegram-bot[job-queue]")
        interval = self._settings.dispatch_interval_seconds
        app.job_queue.run_repeating(
            self._run_job,
            interval=interval,
            first=1,
            name=JOB_NAME,
            job_kwargs={
                "id": JOB_NAME,
                "replace_existing": True,
                "coalesce": True,
                "max_instances": 1,
                "misfire_grace_time": int(interval),
            },
        )

    async def _run_job(self, context: CallbackContext[Any, Any, Any, Any]) -> None:
        await self.tick(context.bot)

    def _poked(self, task: asyncio.Task[int]) -> None:
        self._pokes.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("a dispatcher tick failed", exc_info=task.exception())

    async def claim(self, cursor: tuple[datetime, int] | None = None) -> Batch:
        """Claim one batch and render its messages; committed before anything is sent."""
        ctx = Context(self._knowledge, self._settings.default_timezone, self._clock.now())
        async with unit_of_work(self._sessionmaker) as repos:
            claim = await reminders.claim_due(
                repos, ctx.knowledge, ctx.default_zone, self._limits, ctx.now, cursor
            )
            messages: dict[int, Screen] = {}
            for outgoing in claim.outgoing:
                t = self._knowledge.catalog.texts(outgoing.language)
                if outgoing.kind == ReminderKind.TIP:
                    messages[outgoing.reminder_id] = schedule_screens.tip_message(t, outgoing)
                    continue
                question = await checkins.current(repos, ctx, outgoing.checkin_id or 0)
                if question is not None:
                    messages[outgoing.reminder_id] = schedule_screens.checkin_message(t, question)
        return Batch(claim, messages)

    async def deliver(self, bot: ExtBot[Any], batch: Batch) -> list[Result]:
        """Send a claimed batch, paced; return what happened to each message."""
        sends = [
            self._send(bot, outgoing, batch.messages[outgoing.reminder_id])
            for outgoing in batch.claim.outgoing
            if outgoing.reminder_id in batch.messages
        ]
        nothing = [
            Result(outgoing, Delivery.NOTHING)
            for outgoing in batch.claim.outgoing
            if outgoing.reminder_id not in batch.messages
        ]
        return [*await asyncio.gather(*sends), *nothing]

    async def settle(self, results: Sequence[Result]) -> None:
        """Record the outcomes: next occurrences, retries, blocked runners."""
        if not results:
            return
        async with unit_of_work(self._sessionmaker) as repos:
            given_up = await reminders.settle(
                repos,
                results,
                self._knowledge,
                self._settings.default_timezone,
                self._limits,
                self._clock.now(),
            )
        for result in given_up:
            log.warning(
                "gave up on the %s reminder %d for this run (%s)",
                result.outgoing.kind,
                result.outgoing.reminder_id,
                result.delivery,
            )

    async def _send(self, bot: ExtBot[Any], outgoing: Outgoing, message: Screen) -> Result:
        async with self._pace:
            try:
                await bot.send_message(
                    outgoing.user_id,
                    message.text,
                    reply_markup=message.keyboard,
                    rate_limit_args=SEND_ONCE,
                )
            except RetryAfter as exc:
                wait = exc.retry_after
                delay = wait if isinstance(wait, timedelta) else timedelta(seconds=wait)
                log.warning("flood control on reminders: waiting %s", delay)
                return Result(outgoing, Delivery.FLOOD, delay)
            except Forbidden:
                log.info("user %s blocked the bot; their reminders stop", outgoing.user_id)
                return Result(outgoing, Delivery.BLOCKED)
            except BadRequest as exc:
                log.error("Telegram refused a %s reminder: %s", outgoing.kind, exc)
                return Result(outgoing, Delivery.REJECTED)
            except TelegramError as exc:
                log.warning("a %s reminder was not sent (%r); retrying later", outgoing.kind, exc)
                return Result(outgoing, Delivery.FAILED)
        return Result(outgoing, Delivery.SENT)
