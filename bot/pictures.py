"""Pictures drawn off the event loop: one worker process runs the drawing functions.

The worker is started the first time a picture is needed and stopped with the application
(`shutdown`, from `bot.app`), so the bot's own process never imports a plotting library:
start-up time and memory stay as they are for runners who never ask for a picture. The worker
is spawned, not forked, so it shares no threads, sockets or event loop with the bot.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

T = TypeVar("T")

_worker: ProcessPoolExecutor | None = None


async def render(draw: Callable[[T], bytes], spec: T) -> bytes:
    """Run draw(spec) in the picture worker and return the PNG bytes."""
    global _worker
    if _worker is None:
        _worker = ProcessPoolExecutor(
            max_workers=1, mp_context=multiprocessing.get_context("spawn")
        )
    try:
        return await asyncio.get_running_loop().run_in_executor(_worker, draw, spec)
    except BrokenProcessPool:
        # The worker died (killed, out of memory): the next picture starts a new one.
        shutdown()
        raise


def shutdown() -> None:
    """Stop the picture worker, if one was started; the next `render` starts a new one."""
    global _worker
    if _worker is not None:
        _worker.shutdown(wait=True, cancel_futures=True)
        _worker = None
