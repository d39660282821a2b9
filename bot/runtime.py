"""How the bot's process runs: its event loop, and two process-wide tunings, off by default.

The event loop is uvloop's (`make bench`: it roughly halves the loop's own share of each
update). The two tunings below change how the whole process shares the GIL and the CPUs, so
they are off unless a setting turns them on; `make bench` runs the full bot with both on, as
a deployment that wants the most from one process on SQLite would.

`GIL_SWITCH_INTERVAL_MS`: the bot's Python runs on the event loop's thread, SQLite on
aiosqlite's thread. A statement sent to SQLite waits until the loop's thread lets go of the
GIL, and Python only asks it to after `sys.getswitchinterval()`, 5 ms by default, while the
loop keeps working on other updates and the statement's transaction holds SQLite's only
connection. A 0.5 ms interval bounds that wait (`make bench`: 11 % more updates per second;
intervals down to 0.1 ms gained nothing more).

`SQLITE_SAME_CPU`: the two threads take turns on the GIL, so they never run Python at the
same time, yet the OS spreads them over two CPUs, and every hand-over then wakes the other
CPU; on a virtual machine that goes through the hypervisor. `one_cpu` keeps them together
(on this project's 2-vCPU machine, 30 % more updates per second with 45 % less system time).
The PTB echo bot, with no second thread, gains nothing from it, so it applies to SQLite only.

The measurements behind these figures are in docs/performance.md.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import uvloop


def new_event_loop() -> asyncio.AbstractEventLoop:
    """Return a new uvloop event loop."""
    return uvloop.new_event_loop()


@contextmanager
def tuned(*, switch_interval_ms: float | None, same_cpu: bool) -> Iterator[None]:
    """Apply the tunings that are on for the block, and undo them when it ends.

    Enter it before any thread starts, so aiosqlite's threads share the loop's CPU.
    """
    default_interval = sys.getswitchinterval()
    if switch_interval_ms is not None:
        sys.setswitchinterval(switch_interval_ms / 1000)
    try:
        if same_cpu:
            with one_cpu():
                yield
        else:
            yield
    finally:
        sys.setswitchinterval(default_interval)


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
