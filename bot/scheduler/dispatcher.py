"""The dispatcher's edge: claim due reminders, send them through Telegram, record the outcome.

One repeating PTB job (`register`) runs `Dispatcher.tick`; the database is the source of
truth, so there are no per-runner jobs to rebuild at start-up. The logic of what is due and
what happens after a send lives in `bot.services.reminders`; this module renders the
messages, paces the sends and turns Telegram's answers into `Delivery` outcomes.

**Pacing.** Sends are spaced evenly, one every 1/`DISPATCH_SEND_RATE` seconds (an aiolimiter
bucket that holds one send, so there is no burst at the start of a batch, and a rate below 1
works). Flood control (429) pauses every send of this dispatcher until its `retry_after` has
passed; the reminder that got it was not delivered, so it is sent again after the pause, in
the same tick.

**The lease.** A claimed batch is this process's until its lease (`DISPATCH_LEASE_SECONDS`)
runs out; after that another process may claim the same rows. So a batch must be settled
before then, and the time is split up front (as shares of the lease, from the claim):

- sending the batch at the send rate fits in the first half (`DISPATCH_SENDING_SHARE`; the
  settings refuse a batch size and rate that don't);
- no send starts after three quarters (`START_BY`): up to then, the rest is headroom for
  flood-control pauses. What has not started by then is handed back unsent
  (`Delivery.RELEASED`: due again at once, for this or another process), and so is what a
  pause past that point would hold up;
- an answer that has not come back by `ANSWER_BY` is given up on (a failed delivery, retried
  with backoff: it may have arrived), and the last part of the lease is left for settling.

Results are settled as they come in, a few at a time in short transactions, so a process that
dies mid-batch leaves only its in-flight sends unsettled: those, and only those, are sent
again once its lease runs out. Any exception in one send is that send's failed delivery
(logged once, with its traceback); it never keeps the rest of the batch from being settled.
A settle the database fails is logged the same way and the batch goes on; its reminders stay
claimed and come again after the lease.

**Retention.** After its sends, a tick deletes data older than `RETENTION_DAYS`
(`bot.services.retention`): a batch at a time, each in its own short transaction, at most
`retention.BATCHES_PER_TICK` batches per tick. While batches come back full it goes on at
the next tick; once none is, it looks again after `retention.EVERY`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from aiolimiter import AsyncLimiter
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError
from telegram.ext import Application, CallbackContext, ExtBot

from bot import metrics
from bot.clock import Clock
from bot.config import DISPATCH_SENDING_SHARE, Settings
from bot.content.loader import Knowledge
from bot.db.models import ReminderKind
from bot.db.uow import unit_of_work
from bot.log_setup import UPDATE_LOG
from bot.retries import SEND_ONCE
from bot.services import checkins, reminders, retention
from bot.services.reminders import Claim, Delivery, DispatchLimits, Outgoing, Result
from bot.ui import schedule_screens
from bot.ui.screens import Screen

log = logging.getLogger(__name__)

JOB_NAME = "dispatch_due"
START_BY = 0.75
"""No send of a batch starts later than this share of its lease after the claim."""
ANSWER_BY = 0.85
"""An answer later than this share of the lease is given up on; the rest is for settling."""
assert DISPATCH_SENDING_SHARE < START_BY < ANSWER_BY < 1


@dataclass(frozen=True, slots=True)
class Batch:
    """A claimed batch and the message rendered for each of its reminders."""

    claim: Claim
    messages: dict[int, Screen]


@dataclass(frozen=True, slots=True)
class TickReport:
    """What one tick did (for the log, the tests, and metrics)."""

    sent: int = 0
    failed: int = 0
    """Deliveries that failed: timeouts, server errors, refusals, and any other exception."""
    skipped_late: int = 0
    """Reminders passed over because they were too late to be useful (not paused ones)."""
    flood_waits: int = 0
    """Flood-control answers (429) received; each paused every send until its retry_after."""
    released: int = 0
    """Claimed reminders handed back unsent before their lease ran out (due again at once)."""

    def __add__(self, other: TickReport) -> TickReport:
        return TickReport(
            self.sent + other.sent,
            self.failed + other.failed,
            self.skipped_late + other.skipped_late,
            self.flood_waits + other.flood_waits,
            self.released + other.released,
        )


@dataclass(slots=True)
class _Window:
    """The deadlines of one batch, on the dispatcher's clock."""

    start_by: datetime
    answer_by: datetime
    flood_waits: int = 0
    results: list[Result] = field(default_factory=list)


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
            send_rate=settings.dispatch_send_rate,
            tip_early=timedelta(minutes=settings.dispatch_tip_early_minutes),
        )
        # One send at a time, one every 1/rate seconds: the bucket never holds a burst.
        self._pace = AsyncLimiter(1, 1 / settings.dispatch_send_rate)
        self._paused_until: datetime | None = None
        """Flood control: no send of this dispatcher starts before this time."""
        self._pause_changed = asyncio.Event()
        self._resumer: asyncio.Task[None] | None = None
        self._stopping = False
        """The one task that sleeps through a pause (one, so a fake clock is moved once)."""
        self._resume_by = datetime.min.replace(tzinfo=UTC)
        """The start_by of the batch the pause is slept through for."""
        self._lock = asyncio.Lock()
        self._pokes: set[asyncio.Task[TickReport]] = set()
        self._retain_at = datetime.min.replace(tzinfo=UTC)
        """When the next tick looks for data older than RETENTION_DAYS (the first one does)."""

    async def tick(self, bot: ExtBot[Any]) -> TickReport:
        """Send every reminder due now, batch by batch; return what was done."""
        async with self._lock:
            report = TickReport()
            if self._stopping:
                return report
            if self._paused():
                log.info("flood control: reminders wait until %s", self._paused_until)
                return report
            cursor: tuple[datetime, int] | None = None
            tips_until: datetime | None = None
            while True:
                batch = await self.claim(cursor, tips_until)
                tips_until = batch.claim.tips_until
                window = self._window(batch.claim)
                results = await self._deliver_and_settle(bot, batch, window)
                report += _report(batch.claim, results, window.flood_waits)
                metrics.reminders_settled(
                    (r.delivery for r in results), skipped_late=batch.claim.skipped_late
                )
                if any(r.delivery in (Delivery.RELEASED, Delivery.FLOOD) for r in results):
                    break  # out of lease time or paused past it: the rest waits for a later tick
                if batch.claim.scanned < self._limits.batch_size or self._stopping:
                    break
                cursor = batch.claim.cursor
            _log(report)
            if self._clock.now() >= self._retain_at and not self._stopping:
                await self.retain()
            return report

    async def retain(self) -> retention.Purged:
        """Delete data older than RETENTION_DAYS, batch by batch; return what went.

        Each batch is its own unit of work. A failing batch is logged and ends this round;
        the next round is `retention.EVERY` later, so a lasting fault logs once an hour.
        """
        purged = retention.Purged()
        more = False
        try:
            for _ in range(retention.BATCHES_PER_TICK):
                now = self._clock.now()
                before = retention.cutoff(now, self._settings.retention_days)
                async with unit_of_work(self._sessionmaker) as repos:
                    batch = await retention.purge_batch(repos, before, retention.BATCH_SIZE)
                purged += batch
                more = batch.full(retention.BATCH_SIZE)
                if not more or self._stopping:
                    break
        except Exception:
            log.exception("could not delete old data; trying again in %s", retention.EVERY)
            more = False
        self._retain_at = self._clock.now() + (timedelta(0) if more else retention.EVERY)
        if purged.total:
            log.info(
                "deleted data older than %d days: %d check-in(s), %d check result(s), %d check(s)",
                self._settings.retention_days,
                purged.checkins,
                purged.reports,
                purged.sessions,
            )
            metrics.retention_deleted(
                {
                    "checkins": purged.checkins,
                    "symptom_reports": purged.reports,
                    "triage_sessions": purged.sessions,
                }
            )
        return purged

    def stop(self) -> None:
        """Stop sending for good: sends in flight finish, the rest of the batch is handed back.

        The process calls this when it is asked to stop, so a SIGTERM leaves no reminder
        claimed by a process that is gone (another dispatcher sends them at once).
        """
        self._stopping = True
        self._notify()  # sends waiting out a pause look again, and give their reminders back

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

    def _poked(self, task: asyncio.Task[TickReport]) -> None:
        self._pokes.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("a dispatcher tick failed", exc_info=task.exception())

    async def claim(
        self, cursor: tuple[datetime, int] | None = None, tips_until: datetime | None = None
    ) -> Batch:
        """Claim one batch and render its messages; committed before anything is sent.

        `tips_until` is how far ahead tips may be claimed (`reminders.tip_horizon`); the first
        batch of a tick works it out, and the batch carries it for the next ones.
        """
        now = self._clock.now()
        async with unit_of_work(self._sessionmaker) as repos:
            if tips_until is None:
                tips_until = await reminders.tip_horizon(repos, self._limits, now)
            claim = await reminders.claim_due(
                repos,
                self._knowledge,
                self._settings.default_timezone,
                self._limits,
                now,
                cursor,
                tips_until,
            )
            asked = [
                (claim.checkins[o.checkin_id], o.zone)
                for o in claim.outgoing
                if o.checkin_id is not None
            ]
            questions = await checkins.questions(repos, self._knowledge, asked)
        messages: dict[int, Screen] = {}
        for outgoing in claim.outgoing:
            t = self._knowledge.catalog.texts(outgoing.language)
            if outgoing.kind == ReminderKind.TIP:
                messages[outgoing.reminder_id] = schedule_screens.tip_message(
                    t, self._knowledge, outgoing
                )
            elif (question := questions.get(outgoing.checkin_id or 0)) is not None:
                messages[outgoing.reminder_id] = schedule_screens.checkin_message(t, question)
        return Batch(claim, messages)

    async def deliver(self, bot: ExtBot[Any], batch: Batch) -> list[Result]:
        """Send a claimed batch without settling it (what a crash before settling leaves)."""
        window = self._window(batch.claim)
        await self._send_all(bot, batch, window, window.results.append)
        return window.results

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

    def _window(self, claim: Claim) -> _Window:
        lease = self._limits.lease
        claimed_at = (claim.lease or self._clock.now() + lease) - lease
        return _Window(claimed_at + lease * START_BY, claimed_at + lease * ANSWER_BY)

    async def _deliver_and_settle(
        self, bot: ExtBot[Any], batch: Batch, window: _Window
    ) -> list[Result]:
        """Send a batch and settle each outcome soon after it comes in; return them all."""
        outcomes: asyncio.Queue[Result | None] = asyncio.Queue()
        async with asyncio.TaskGroup() as group:
            settling = group.create_task(self._settle_as_they_come(outcomes))
            try:
                await self._send_all(bot, batch, window, outcomes.put_nowait)
            finally:
                outcomes.put_nowait(None)
        return settling.result()

    async def _settle_as_they_come(self, outcomes: asyncio.Queue[Result | None]) -> list[Result]:
        """Settle results in groups: whatever came in while the last group was being written."""
        settled: list[Result] = []
        while True:
            group = [await outcomes.get()]
            while not outcomes.empty():
                group.append(outcomes.get_nowait())
            results = [result for result in group if result is not None]
            try:
                await self.settle(results)
            except Exception:  # the database failed us: these come again after the lease
                log.exception("could not record what happened to %d reminder(s)", len(results))
            settled += results
            if None in group:
                return settled

    async def _send_all(
        self,
        bot: ExtBot[Any],
        batch: Batch,
        window: _Window,
        record: Callable[[Result], None],
    ) -> None:
        """Send every message of a batch, paced, and `record` each outcome as it comes."""
        for outgoing in batch.claim.outgoing:
            if outgoing.reminder_id not in batch.messages:
                record(Result(outgoing, Delivery.NOTHING))

        async def one(outgoing: Outgoing, message: Screen) -> None:
            record(await self._deliver_one(bot, outgoing, message, window))

        async with asyncio.TaskGroup() as group:
            for outgoing in batch.claim.outgoing:
                message = batch.messages.get(outgoing.reminder_id)
                if message is not None:
                    group.create_task(one(outgoing, message))

    async def _deliver_one(
        self, bot: ExtBot[Any], outgoing: Outgoing, message: Screen, window: _Window
    ) -> Result:
        """Send one message when its turn comes; wait out flood control and send it again."""
        while True:
            if not await self._turn(window):
                return Result(outgoing, Delivery.RELEASED)
            left = (window.answer_by - self._clock.now()).total_seconds()
            try:
                async with asyncio.timeout(max(left, 0.0)):
                    result = await self._send(bot, outgoing, message)
            except TimeoutError:
                log.warning(
                    "no answer to a %s reminder before its lease's end; retrying later",
                    outgoing.kind,
                )
                return Result(outgoing, Delivery.FAILED)
            except Exception:
                log.exception("a %s reminder could not be sent", outgoing.kind)
                return Result(outgoing, Delivery.FAILED)
            if result.delivery is not Delivery.FLOOD:
                return result
            window.flood_waits += 1
            if not self._pause(result.retry_after, window):
                return result  # the pause outlasts the batch's time: due after retry_after

    async def _turn(self, window: _Window) -> bool:
        """Wait for this send's turn (pauses, then the pace); False if it is too late to start."""
        while True:
            if self._stopping or self._clock.now() > window.start_by:
                return False
            if self._paused():
                if self._paused_until is not None and self._paused_until > window.start_by:
                    return False
                await self._pause_changed.wait()
                continue
            await self._pace.acquire()
            if self._stopping:
                return False
            if not self._paused():  # a 429 may have come back while this one waited
                return self._clock.now() <= window.start_by

    def _paused(self) -> bool:
        return self._paused_until is not None and self._paused_until > self._clock.now()

    def _pause(self, wait: timedelta, window: _Window) -> bool:
        """Pause every send for `wait`; return False when that outlasts the batch's start_by."""
        until = self._clock.now() + wait
        if self._paused_until is None or until > self._paused_until:
            log.warning("flood control on reminders: every send waits %s", wait)
            self._paused_until = until
        self._notify()  # sends waiting on a pause look again: it may be too long for them now
        if until > window.start_by:
            return False
        self._resume_by = window.start_by
        if self._resumer is None:
            self._resumer = asyncio.get_running_loop().create_task(self._resume_after_pause())
        return True

    async def _resume_after_pause(self) -> None:
        """Sleep (on the dispatcher's clock) until the pause is over, then wake the sends.

        A pause that grew past the batch's start_by meanwhile is not slept through: the sends
        waiting on it hand their reminders back instead, and the next tick waits for it.
        """
        while self._paused_until is not None and self._paused_until <= self._resume_by:
            left = (self._paused_until - self._clock.now()).total_seconds()
            if left <= 0:
                break
            await self._clock.sleep(left)
        self._resumer = None  # no await since the last check: a new pause starts a new one
        self._notify()

    def _notify(self) -> None:
        self._pause_changed.set()
        self._pause_changed = asyncio.Event()

    async def _send(self, bot: ExtBot[Any], outgoing: Outgoing, message: Screen) -> Result:
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
            return Result(outgoing, Delivery.FLOOD, delay)
        except Forbidden:
            runner = UPDATE_LOG.runner_id(outgoing.user_id)
            log.info("runner %s blocked the bot; their reminders stop", runner)
            return Result(outgoing, Delivery.BLOCKED)
        except BadRequest as exc:
            log.error("Telegram refused a %s reminder: %s", outgoing.kind, exc)
            return Result(outgoing, Delivery.REJECTED)
        except TelegramError as exc:
            log.warning("a %s reminder was not sent (%r); retrying later", outgoing.kind, exc)
            return Result(outgoing, Delivery.FAILED)
        return Result(outgoing, Delivery.SENT)


def _report(claim: Claim, results: Sequence[Result], flood_waits: int) -> TickReport:
    def count(*kinds: Delivery) -> int:
        return sum(result.delivery in kinds for result in results)

    return TickReport(
        sent=count(Delivery.SENT),
        failed=count(Delivery.FAILED, Delivery.REJECTED),
        skipped_late=claim.skipped_late,
        flood_waits=flood_waits,
        released=count(Delivery.RELEASED),
    )


def _log(report: TickReport) -> None:
    if report.sent:
        log.info("sent %d reminder(s)", report.sent)
    if report.skipped_late:
        log.warning(
            "skipped %d reminder(s) too late to be useful (a tip after its run started, a "
            "check-in hours late); if tips, consider DISPATCH_SEND_RATE or "
            "DISPATCH_TIP_EARLY_MINUTES",
            report.skipped_late,
        )
    if report.released:
        log.warning(
            "handed back %d unsent reminder(s) before their lease ran out; they are due again",
            report.released,
        )
