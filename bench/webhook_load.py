"""The load side of the scale benchmark: a local Bot API 50 ms away that posts to webhooks.

Runs in its own process (`run_webhook_load`), started by `bench.scale`. Simulated runners follow
`bench.loadgen`'s script; each action becomes an update POSTed, with the secret header, to the
webhook of the process that serves that runner (runner by runner, as a sticky proxy would), on
at most `MAX_CONNECTIONS` connections at once, as Telegram does. A runner has at most one
action in flight, so its updates arrive in order. Every Bot API call is answered `latency`
seconds after it arrives. An action is answered when a sendMessage or editMessageText for the
runner's chat arrives; its latency runs from the moment the update is posted to that arrival.

Closed loop: a runner acts again as soon as its answer is back. Open loop: actions are issued
at a fixed rate, each by the runner idle the longest (a tick with nobody idle is counted).
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import statistics
import time
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from multiprocessing.connection import Connection

import aiohttp
import psutil

from bench.loadgen import ANSWERING_METHODS, TOKEN, SimulatedRunner
from bot.localapi import LocalBotApi, serve
from bot.localapi.errors import JsonDict, encode_json

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_CONNECTIONS = 40
"""Telegram's default webhook max_connections, the bot's WEBHOOK_MAX_CONNECTIONS default."""
DRAIN_SECONDS = 30.0
"""How long the actions in flight may take to be answered once a run stops issuing."""
ENDLESS_ROUNDS = 10**9
"""Runs here end by time, not by rounds."""


@dataclass(frozen=True)
class LoadResult:
    """What one measured window saw, and what was lost once the run drained."""

    answered: int
    seconds: float
    latencies_ms: list[float]
    cpu_seconds: dict[str, float]
    posted: int
    lost: int
    refused: int
    extra_answers: int
    skipped: int
    problems: list[str] = field(default_factory=list)

    @property
    def per_second(self) -> float:
        """Return actions answered per second in the window."""
        return self.answered / self.seconds

    def percentile_ms(self, percent: int) -> float:
        """Return a latency percentile in milliseconds (nan without answers)."""
        if len(self.latencies_ms) < 2:
            return self.latencies_ms[0] if self.latencies_ms else float("nan")
        return statistics.quantiles(self.latencies_ms, n=100, method="inclusive")[percent - 1]

    def cpu_percent(self, label: str) -> float:
        """Return a process's CPU use in the window in % of one core ("postgres": its backends)."""
        used = sum(
            seconds
            for name, seconds in self.cpu_seconds.items()
            if name == label or name.startswith(f"{label}:")
        )
        return 100 * used / self.seconds


class WebhookLoad(LocalBotApi):
    """The local Bot API whose runners' actions are POSTed to the bot's webhooks."""

    def __init__(
        self, *, runners: int, webhooks: list[str], secret: str, echo_only: bool, latency: float
    ) -> None:
        super().__init__(token=TOKEN, history_limit=2_000)
        self.runners = {
            uid: SimulatedRunner(uid, random.Random(uid), ENDLESS_ROUNDS)
            for uid in range(1_000_001, 1_000_001 + runners)
        }
        self._webhooks = webhooks
        self._headers = {"Content-Type": "application/json", SECRET_HEADER: secret}
        self._echo_only = echo_only
        self._latency = latency
        self._session: aiohttp.ClientSession | None = None
        self._posts: set[asyncio.Task[None]] = set()
        self._posted_at: dict[int, float] = {}
        """Runner id -> when its action in flight was posted."""
        self._nothing_in_flight = asyncio.Event()
        self._idle: deque[int] = deque()
        self._closed_loop = False
        self._window: list[float] | None = None
        self.posted = self.refused = self.extra_answers = self.skipped = 0
        """This run's counts, from its start to the end of its drain."""
        for uid in self.runners:
            self.user(uid, first_name=f"Runner{uid}")

    async def handle(self, method: str, params: Mapping[str, object]) -> tuple[int, JsonDict]:
        """Serve the call; note an answer at once, then reply (and free the runner) late."""
        arrived = time.perf_counter()
        status, body = await super().handle(method, params)
        if method == "setWebhook":
            self.webhook.delete()  # this load posts the updates itself, many at once
        runner = None
        if status == 200 and method in ANSWERING_METHODS:
            runner = self._answered(int(str(params["chat_id"])), body["result"], arrived)
        await asyncio.sleep(self._latency)
        if runner is not None:
            if self._closed_loop:
                self._act(runner)
            else:
                self._idle.append(runner.user_id)
        return status, body

    def _answered(self, chat_id: int, result: object, arrived: float) -> SimulatedRunner | None:
        runner = self.runners.get(chat_id)
        posted = self._posted_at.pop(chat_id, None)
        if runner is None or posted is None:
            self.extra_answers += 1
            return None
        if not self._posted_at:
            self._nothing_in_flight.set()
        assert isinstance(result, dict)
        runner.last_message_id = int(str(result["message_id"]))
        runner.buttons = [data for _, data in self.buttons(result)]
        if self._window is not None:
            self._window.append(1000 * (arrived - posted))
        return runner

    def _act(self, runner: SimulatedRunner) -> None:
        action = runner.next_action(echo_only=self._echo_only)
        assert action is not None, "runs end by time, long before the rounds run out"
        kind, value = action
        if kind == "text":
            update = self.send_text(runner.user_id, value)
        else:
            assert runner.last_message_id is not None
            update = self.press(runner.user_id, runner.last_message_id, value)
        self.updates.confirm(update)  # posted here, so nothing is left for getUpdates
        self._posted_at[runner.user_id] = time.perf_counter()
        self._nothing_in_flight.clear()
        self.posted += 1
        webhook = self._webhooks[runner.user_id % len(self._webhooks)]
        task = asyncio.create_task(self._deliver(webhook, update))
        self._posts.add(task)
        task.add_done_callback(self._posts.discard)

    async def _deliver(self, webhook: str, update: JsonDict) -> None:
        if self._session is None:
            connector = aiohttp.TCPConnector(limit=MAX_CONNECTIONS)
            self._session = aiohttp.ClientSession(connector=connector)
        try:
            async with self._session.post(
                webhook, data=encode_json(update), headers=self._headers
            ) as response:
                if response.status != 200:
                    self.refused += 1
        except aiohttp.ClientError:
            self.refused += 1

    async def closed_loop(
        self, warmup: float, seconds: float, watched: dict[str, int], database: str
    ) -> LoadResult:
        """Let every runner act again as soon as it is answered; measure after `warmup`."""
        self._closed_loop = True
        self._new_run()
        for uid in self.runners:
            if uid not in self._posted_at:
                self._act(self.runners[uid])
        await asyncio.sleep(warmup)
        window = await self._measure(seconds, watched, database)
        self._closed_loop = False
        return await self._drained(*window)

    async def open_loop(
        self, rate: float, warmup: float, seconds: float, watched: dict[str, int], database: str
    ) -> LoadResult:
        """Issue `rate` actions a second by idle runners; measure after `warmup`."""
        self._idle = deque(uid for uid in self.runners if uid not in self._posted_at)
        self._new_run()
        ticker = asyncio.create_task(self._issue(rate))
        try:
            await asyncio.sleep(warmup)
            window = await self._measure(seconds, watched, database)
        finally:
            ticker.cancel()
        return await self._drained(*window)

    def _new_run(self) -> None:
        self.posted = self.refused = self.extra_answers = self.skipped = 0

    async def _issue(self, rate: float) -> None:
        # Due actions are counted from the start, so a late wake-up catches up, never drifts.
        start, issued = time.perf_counter(), 0
        while True:
            due = int((time.perf_counter() - start) * rate) - issued
            for _ in range(due):
                issued += 1
                if self._idle:
                    self._act(self.runners[self._idle.popleft()])
                else:
                    self.skipped += 1
            await asyncio.sleep(1 / rate)

    async def _measure(
        self, seconds: float, watched: dict[str, int], database: str
    ) -> tuple[list[float], float, dict[str, float]]:
        latencies: list[float] = []
        self._window = latencies
        cpu_before, started = cpu_seconds(watched, database), time.perf_counter()
        await asyncio.sleep(seconds)
        self._window = None
        elapsed = time.perf_counter() - started
        cpu_after = cpu_seconds(watched, database)
        used = {
            label: cpu_after[label] - cpu_before[label]
            for label in cpu_after
            if label in cpu_before
        }
        return latencies, elapsed, used

    async def _drained(
        self, latencies: list[float], elapsed: float, cpu: dict[str, float]
    ) -> LoadResult:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(DRAIN_SECONDS):
                await self._nothing_in_flight.wait()
        lost = len(self._posted_at)
        self._posted_at.clear()
        problems = self.problems()
        return LoadResult(
            answered=len(latencies),
            seconds=elapsed,
            latencies_ms=latencies,
            cpu_seconds=cpu,
            posted=self.posted,
            lost=lost,
            refused=self.refused,
            extra_answers=self.extra_answers,
            skipped=self.skipped,
            problems=problems[:3] + ([f"... {len(problems)} in all"] if problems else []),
        )

    async def close(self) -> None:
        """Close the webhook client session."""
        if self._session is not None:
            await self._session.close()


def cpu_seconds(watched: Mapping[str, int], database: str) -> dict[str, float]:
    """Return user+system CPU seconds so far: each watched pid, this process, the database's.

    The PostgreSQL backends serving `database` (named in their process titles) are listed one
    by one ("postgres:<pid>"), so a backend that ends between two samples drops out of the
    difference instead of making it negative; other databases' backends are other work.
    """
    used = {label: _cpu(psutil.Process(pid)) for label, pid in watched.items()}
    used["load"] = _cpu(psutil.Process())
    if database:
        for process in psutil.process_iter(["name", "cmdline"]):
            title = " ".join(process.info["cmdline"] or ())
            if process.info["name"] == "postgres" and f" {database} " in title:
                with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
                    used[f"postgres:{process.pid}"] = _cpu(process)
    machine = psutil.cpu_times()
    used["machine"] = (
        sum(machine) - machine.idle - machine.iowait - machine.guest - machine.guest_nice
    )
    return used


def _cpu(process: psutil.Process) -> float:
    times = process.cpu_times()
    return float(times.user + times.system)


def run_webhook_load(
    connection: Connection,
    runners: int,
    webhooks: list[str],
    secret: str,
    echo_only: bool,
    latency: float,
) -> None:
    """Child-process entry: serve the Bot API on a free port, then run what the parent asks.

    Commands: ("closed", warmup, seconds, watched pids, database), ("open", rate, warmup,
    seconds, watched pids, database), each answered with a `LoadResult`, and ("stop",).
    """
    asyncio.run(_serve(connection, runners, webhooks, secret, echo_only, latency))


async def _serve(
    connection: Connection,
    runners: int,
    webhooks: list[str],
    secret: str,
    echo_only: bool,
    latency: float,
) -> None:
    api = WebhookLoad(
        runners=runners, webhooks=webhooks, secret=secret, echo_only=echo_only, latency=latency
    )
    server = asyncio.create_task(
        serve(api, port=0, on_ready=lambda host, port: connection.send(("ready", port)))
    )
    loop = asyncio.get_running_loop()
    try:
        while True:
            command = await loop.run_in_executor(None, connection.recv)
            if command[0] == "closed":
                connection.send(await api.closed_loop(*command[1:]))
            elif command[0] == "open":
                connection.send(await api.open_loop(*command[1:]))
            else:
                break
    finally:
        await api.close()
        server.cancel()
