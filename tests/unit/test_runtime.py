"""The bot's runtime: its two process-wide tunings, off unless set."""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable

import pytest

from bot import runtime
from bot.config import Settings

pytestmark = pytest.mark.skipif(
    not hasattr(os, "sched_getaffinity") or len(os.sched_getaffinity(0)) < 2,
    reason="needs an OS with CPU affinity and at least two CPUs to choose from",
)


def _in_a_thread_of_its_own(work: Callable[[], None]) -> None:
    """Run `work` in a fresh thread, so the test process's own CPUs are never narrowed."""
    failures: list[BaseException] = []

    def run() -> None:
        try:
            work()
        except BaseException as exc:  # handed to the test's thread below
            failures.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if failures:
        raise failures[0]


def test_the_thread_and_the_threads_it_starts_share_one_cpu() -> None:
    """A thread started in the block (as aiosqlite's is) lands on the same CPU."""

    def work() -> None:
        before = os.sched_getaffinity(0)
        with runtime.one_cpu():
            kept = os.sched_getaffinity(0)
            assert len(kept) == 1
            assert kept <= before
            seen_by_child: list[set[int]] = []
            child = threading.Thread(target=lambda: seen_by_child.append(os.sched_getaffinity(0)))
            child.start()
            child.join()
            assert seen_by_child == [kept]
        assert os.sched_getaffinity(0) == before

    _in_a_thread_of_its_own(work)


def test_a_thread_held_to_one_cpu_is_left_alone() -> None:
    """Nothing to choose from: the block changes nothing."""

    def work() -> None:
        only = {min(os.sched_getaffinity(0))}
        os.sched_setaffinity(0, only)
        with runtime.one_cpu():
            assert os.sched_getaffinity(0) == only
        assert os.sched_getaffinity(0) == only

    _in_a_thread_of_its_own(work)


def test_the_tunings_are_applied_only_when_on_and_undone_after() -> None:
    """Off by default: the process keeps Python's interval and all its CPUs."""

    def work() -> None:
        interval, cpus = sys.getswitchinterval(), os.sched_getaffinity(0)
        with runtime.tuned(switch_interval_ms=None, same_cpu=False):
            assert (sys.getswitchinterval(), os.sched_getaffinity(0)) == (interval, cpus)
        with runtime.tuned(switch_interval_ms=0.5, same_cpu=True):
            assert sys.getswitchinterval() == pytest.approx(0.0005)
            assert len(os.sched_getaffinity(0)) == 1
        assert (sys.getswitchinterval(), os.sched_getaffinity(0)) == (interval, cpus)

    _in_a_thread_of_its_own(work)


def test_both_tunings_are_off_unless_set() -> None:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.sqlite_same_cpu is False
    assert settings.gil_switch_interval_ms is None
