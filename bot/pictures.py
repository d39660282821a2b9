"""The picture worker: drawings run in a small process pool, never on the bot's event loop.

Drawing a chart takes a CPU for a good part of a second, which would hold up every other
runner's updates if it ran on the event loop, and a thread would still share the GIL. So the
one `ProcessPoolExecutor` here runs them: created on the first picture (the bot's start-up
and memory stay as they were until someone asks for one), with `PICTURE_WORKERS` processes,
and shut down with the app (`shutdown`). Workers are started fresh (`spawn`), not forked from
the bot with its threads and open connections, and they import only the drawing modules.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

T = TypeVar("T")

_workers = 1
_pool: ProcessPoolExecutor | None = None


def configure(workers: int) -> None:
    """Set how many worker processes the pool will have (before its first picture)."""
    global _workers
    _workers = workers


async def render(draw: Callable[[T], bytes], spec: T) -> bytes:
    """Run draw(spec) in the picture worker and return the PNG bytes."""
    global _pool
    if _pool is None:
        _pool = ProcessPoolExecutor(_workers, mp_context=multiprocessing.get_context("spawn"))
    try:
        return await asyncio.get_running_loop().run_in_executor(_pool, draw, spec)
    except BrokenProcessPool:
        shutdown()  # a worker died (killed, out of memory): the next picture starts a new pool
        raise


def shutdown() -> None:
    """Stop the worker processes, if any were started; the next picture starts new ones."""
    global _pool
    if _pool is not None:
        _pool.shutdown(wait=True, cancel_futures=True)
        _pool = None
