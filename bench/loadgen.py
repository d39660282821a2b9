"""The load side of the benchmark: the local Bot API, in its own process, with busy runners.

Each simulated runner acts again as soon as the bot has answered its last action, so the
bot always has about one update per runner waiting: /start, /triage, a button press for
every question until the result, then a typed message. For the echo baseline the runners
only type. Started by `bench.throughput` through `run_load_process`.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from multiprocessing.connection import Connection

import psutil

from bot.localapi import LocalBotApi, serve
from bot.localapi.errors import JsonDict

TOKEN = "123456:BENCH-token"
ANSWERING_METHODS = frozenset({"sendMessage", "editMessageText"})


@dataclass(slots=True)
class SimulatedRunner:
    """One runner's place in its script."""

    user_id: int
    rng: random.Random
    rounds_left: int
    step: str = "start"
    last_message_id: int | None = None
    buttons: list[str] = field(default_factory=list)

    def next_action(self, *, echo_only: bool) -> tuple[str, str] | None:
        """Return the next action, ("text", words) or ("press", callback data); None when done.

        The full script: /start, /triage, a button press for every question until the
        result, then a typed message; the echo script only types.
        """
        if echo_only:
            if self.rounds_left == 0:
                return None
            self.rounds_left -= 1
            return "text", f"Hello from {self.user_id}, message {self.rounds_left}"
        if self.step == "start":
            self.step = "triage"
            return "text", "/start"
        if self.step == "triage":
            self.step = "press"
            return "text", "/triage"
        if self.step == "press" and any(d.startswith("t1:") for d in self.buttons):
            return "press", self._choose_answer()
        if self.step == "press":
            self.step = "end"
            return "text", "My toes went numb around km 8, is that bad?"
        self.rounds_left -= 1
        self.step = "start"
        return self.next_action(echo_only=False) if self.rounds_left > 0 else None

    def _choose_answer(self) -> str:
        answers = [d for d in self.buttons if d.startswith("t1:") and not d.endswith("-cancel")]
        root = not any(d.endswith("-back") for d in answers)
        if root:  # mostly no red flags, so the walk goes deep, as most real checks do
            choice = next(d for d in answers if d.endswith(":none"))
            if self.rng.random() < 0.1:
                choice = self.rng.choice(answers)
            return choice
        return self.rng.choice(answers)


class LoadApi(LocalBotApi):
    """The local Bot API whose users act again as soon as the bot answers them."""

    def __init__(self, *, runners: int, rounds: int, echo_only: bool) -> None:
        super().__init__(token=TOKEN, history_limit=2_000)
        self.echo_only = echo_only
        self.runners = {
            uid: SimulatedRunner(uid, random.Random(uid), rounds)
            for uid in range(1_000_001, 1_000_001 + runners)
        }
        self.sent = 0
        self.answered = 0
        self.finished = asyncio.Event()
        self._active = len(self.runners)

    def go(self) -> None:
        """Release every runner's first action."""
        for runner in self.runners.values():
            self.user(runner.user_id, first_name=f"Runner{runner.user_id}")
            self._act(runner)

    async def handle(self, method: str, params: Mapping[str, object]) -> tuple[int, JsonDict]:
        """Serve the call, then let the runner it answered take the next action."""
        status, body = await super().handle(method, params)
        if status == 200 and method in ANSWERING_METHODS:
            runner = self.runners.get(int(str(params["chat_id"])))
            if runner is not None:
                result = body["result"]
                assert isinstance(result, dict)
                runner.last_message_id = int(str(result["message_id"]))
                runner.buttons = [data for _, data in self.buttons(result)]
                self.answered += 1
                self._act(runner)
        return status, body

    def _act(self, runner: SimulatedRunner) -> None:
        action = runner.next_action(echo_only=self.echo_only)
        if action is None:
            self._done()
            return
        self.sent += 1
        kind, value = action
        if kind == "text":
            self.send_text(runner.user_id, value)
        else:
            assert runner.last_message_id is not None
            self.press(runner.user_id, runner.last_message_id, value)

    def _done(self) -> None:
        self._active -= 1
        if self._active == 0:
            self.finished.set()


def run_load_process(connection: Connection, runners: int, rounds: int, echo_only: bool) -> None:
    """Child-process entry: serve on a free loopback port, run one load, report the counts."""
    # Telegram is not on the bot's machine: leave the CPU the bot may have kept for itself.
    psutil.Process().cpu_affinity([])
    asyncio.run(_serve_load(connection, runners, rounds, echo_only))


async def _serve_load(connection: Connection, runners: int, rounds: int, echo_only: bool) -> None:
    api = LoadApi(runners=runners, rounds=rounds, echo_only=echo_only)
    server = asyncio.create_task(
        serve(api, port=0, on_ready=lambda host, port: connection.send(("ready", port)))
    )
    loop = asyncio.get_running_loop()
    command = await loop.run_in_executor(None, connection.recv)
    assert command == "go"
    api.go()
    await api.finished.wait()
    connection.send(("done", api.sent, api.answered, len(api.problems()), api.problems()[:3]))
    await loop.run_in_executor(None, connection.recv)  # "stop"
    server.cancel()
