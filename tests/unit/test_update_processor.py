"""The per-runner update processor: concurrency across runners, order within one."""

from __future__ import annotations

import asyncio

from telegram import Chat, Message, Update, User

from bot.updates import PerRunnerUpdateProcessor


def _update(update_id: int, user_id: int) -> Update:
    user = User(user_id, "R", is_bot=False)
    chat = Chat(user_id, Chat.PRIVATE)
    message = Message(update_id, date=None, chat=chat, from_user=user, text="x")  # type: ignore[arg-type]
    return Update(update_id, message=message)


async def test_one_runner_in_order_others_in_parallel() -> None:
    processor = PerRunnerUpdateProcessor(8)
    log: list[str] = []
    release, other_done = asyncio.Event(), asyncio.Event()

    async def work(name: str, wait: bool) -> None:
        log.append(f"start {name}")
        if wait:
            await release.wait()
        log.append(f"end {name}")
        if name == "b1":
            other_done.set()

    tasks = [
        asyncio.create_task(processor.process_update(_update(1, 1), work("a1", True))),
        asyncio.create_task(processor.process_update(_update(2, 1), work("a2", False))),
        asyncio.create_task(processor.process_update(_update(3, 2), work("b1", False))),
    ]
    await other_done.wait()
    assert log == ["start a1", "start b1", "end b1"], "runner 2 is not held up by runner 1"
    release.set()
    await asyncio.gather(*tasks)
    assert log[3:] == ["end a1", "start a2", "end a2"], "runner 1's second update waited"
    assert processor._locks == {}, "no lock is kept for runners with nothing in flight"
