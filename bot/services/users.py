"""Runner use cases that are not about triage: language choice, blocking, deleting data."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from bot.db.uow import Repositories


async def seen(
    repos: Repositories, user_id: int, telegram_language: str | None, now: datetime
) -> str | None:
    """Note the runner's visit; return the language chosen in /settings (None: Telegram's)."""
    user = await repos.users.seen(user_id, telegram_language, now)
    return user.language


async def chosen_language(repos: Repositories, user_id: int) -> str | None:
    """Return the language chosen in /settings; None when the runner follows Telegram's."""
    return await repos.users.chosen_language(user_id)


async def choose_language(
    repos: Repositories,
    user_id: int,
    telegram_language: str | None,
    language: str | None,
    available: Collection[str],
    now: datetime,
) -> str | None:
    """Store the runner's choice (None, or one not `available`: follow Telegram); return it."""
    user = await repos.users.seen(user_id, telegram_language, now)
    user.language = language if language in available else None
    user.updated_at = now
    return user.language


async def blocked_by(repos: Repositories, user_id: int, now: datetime) -> None:
    """Record that the runner blocked the bot, so nothing more is sent to them."""
    await repos.users.deactivate(user_id, now)
    await repos.reminders.stop_for_user(user_id)


async def delete_everything(repos: Repositories, user_id: int) -> bool:
    """Delete the runner and everything stored about them; return False if nothing was stored."""
    return await repos.users.delete(user_id)
