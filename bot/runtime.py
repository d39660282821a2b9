"""How the bot's process runs: its event loop, how the loop shares the GIL, and on which CPU.

The bot's Python runs on the event loop's thread; SQLite runs on aiosqlite's thread. A
statement sent to SQLite waits until the loop's thread lets go of the GIL, and Python only
asks it to after `sys.getswitchinterval()`, 5 ms by default, while the loop keeps working on
other updates. Meanwhile the statement's transaction holds SQLite's only connection, so every
other update waits too. A 0.5 ms interval bounds that wait: `make bench` answered 11 % more
updates per second with it (measured in turn with the default, three times each), and
intervals down to 0.1 ms gained nothing more.

The two threads take turns on the GIL, so they never run Python at the same time, yet the OS
spreads them over two CPUs, and then every hand-over (a statement sent, its result back)
wakes the other CPU. On a virtual machine that wake-up is a trip through the hypervisor.
`one_cpu` keeps them together: on this project's 2-vCPU machine the full bot on
SQLite answered 30 % more updates per second with 45 % less system time (four runs in turn,
258-273 against 185-217 updates/s). The PTB echo bot, which has no second thread, gains
nothing from it, so `python -m bot` does it only for SQLite (setting `SQLITE_SAME_CPU`).
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import uvloop

SWITCH_INTERVAL_SECONDS = 0.0005


def new_event_loop() -> asyncio.AbstractEventLoop:
    """Return a new uvloop event loop and set the GIL switch interval the bot runs best with."""
    sys.setswitchinterval(SWITCH_INTERVAL_SECONDS)
    return uvloop.new_event_loop()


@contextmanager
def one_cpu() -> Iterator[None]:
    """Keep the calling thread, and the threads and processes it starts, on its current CPU.

    The thread's CPUs are given back when the block ends. Nothing changes where there is
    nothing to choose from: one CPU allowed, or an OS without CPU affinity.
    """
    allowed = os.sched_getaffinity(0) if hasattr(os, "sched_setaffinity") else set()
    if len(allowed) < 2:
        yield
        return
    cpu = _current_cpu()
    os.sched_setaffinity(0, {cpu if cpu in allowed else min(allowed)})
    try:
        yield
    finally:
        os.sched_setaffinity(0, allowed)


def _current_cpu() -> int:
    """Return the CPU the calling thread last ran on (field 39 of its /proc stat), or -1."""
    try:
        with open("/proc/thread-self/stat", encoding="ascii") as stat:
            # Fields after the command name (which may contain anything but ends with ")"),
            # counted from field 3 (state); "processor" is field 39.
            return int(stat.read().rsplit(")", 1)[1].split()[36])
    except (OSError, IndexError, ValueError):
        return -1
