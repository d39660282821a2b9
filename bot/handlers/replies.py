"""How handlers talk back: send, edit in place, answer button presses, pick the language.

The one place that knows which Telegram refusals are normal (an unchanged edit, a deleted
message, a query answered too late) and turns them into the right fallback.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from telegram import CallbackQuery, Message, Update
from telegram.error import BadRequest

from bot.content.catalog import Texts
from bot.context import Context
from bot.db.uow import Repositories, unit_of_work
from bot.services import users
from bot.services.context import Context as ServiceContext
from bot.ui.screens import Screen

log = logging.getLogger(__name__)


def service_context(context: Context) -> ServiceContext:
    """Return what the use cases need besides the repositories: knowledge, default zone, time."""
    data = context.bot_data
    return ServiceContext(data.knowledge, data.settings.default_timezone, data.clock.now())


async def texts_for(repos: Repositories, context: Context, update: Update) -> Texts:
    """Return the texts in the language of the runner behind `update`."""
    user = update.effective_user
    chosen = await users.chosen_language(repos, user.id) if user else None
    return texts_in(context, update, chosen)


def texts_in(context: Context, update: object, chosen: str | None) -> Texts:
    """Return the texts in the runner's `chosen` language, else in the one Telegram reports."""
    if chosen is not None:
        return context.bot_data.knowledge.catalog.texts(chosen)
    return telegram_texts(context, update)


def telegram_texts(context: Context, update: object) -> Texts:
    """Return texts in the language Telegram reports, without touching the database."""
    user = update.effective_user if isinstance(update, Update) else None
    return context.bot_data.knowledge.catalog.texts(user.language_code if user else None)


async def reply_with(update: Update, context: Context, render: Callable[[Texts], Screen]) -> None:
    """Reply to `update` with a screen that depends only on the runner's language."""
    if update.effective_message is None:
        return
    async with unit_of_work(context.bot_data.sessionmaker) as repos:
        t = await texts_for(repos, context, update)
    await send(update.effective_message, render(t))


async def send(message: Message, screen: Screen) -> None:
    """Send `screen` as a new message in the chat of `message`."""
    await message.reply_text(screen.text, reply_markup=screen.keyboard)


async def answer(query: CallbackQuery, text: str | None = None, *, alert: bool = False) -> None:
    """Answer a button press (always required), optionally with a toast or an alert."""
    try:
        await query.answer(text, show_alert=alert)
    except BadRequest as exc:
        # Too late (e.g. pressed before a restart): the press itself is still handled.
        log.info("callback query not answered: %s", exc)


async def show(
    query: CallbackQuery, screen: Screen, note: str | None = None, *, alert: bool = False
) -> None:
    """Answer the press (with an optional note) and edit its message into `screen`, at once."""
    await _answered_with(query, note, alert, _edit(query, screen))


async def _edit(query: CallbackQuery, screen: Screen) -> None:
    """Edit the pressed message into `screen`; send it anew if it can't be edited."""
    message = query.message
    if not isinstance(message, Message):  # inaccessible (too old) or an inline message
        if query.message is not None:
            await query.get_bot().send_message(
                query.message.chat.id, screen.text, reply_markup=screen.keyboard
            )
        return
    try:
        await message.edit_text(screen.text, reply_markup=screen.keyboard)
    except BadRequest as exc:
        reason = str(exc).lower()
        if "not modified" in reason:
            return
        if "not found" in reason or "can't be edited" in reason:
            await send(message, screen)
            return
        raise


async def drop_buttons(query: CallbackQuery, note: str | None = None) -> None:
    """Answer the press (with an optional note) and remove its message's keyboard, at once."""
    await _answered_with(query, note, False, _remove_keyboard(query))


async def _remove_keyboard(query: CallbackQuery) -> None:
    """Remove the keyboard from a message whose buttons no longer mean anything."""
    if isinstance(query.message, Message) and query.message.reply_markup is not None:
        try:
            await query.message.edit_reply_markup(reply_markup=None)
        except BadRequest as exc:
            log.info("stale keyboard not removed: %s", exc)


async def _answered_with(
    query: CallbackQuery, note: str | None, alert: bool, change: Awaitable[None]
) -> None:
    """Answer the press while its message changes, then raise what either raised.

    Telegram needs both calls and neither waits for the other, so the new screen arrives one
    Bot API round trip sooner than if the answer went first. Both always run to the end: an
    edit that failed must not cut the answer short, or the runner's button would keep spinning.
    """
    outcomes = await asyncio.gather(
        answer(query, note, alert=alert), change, return_exceptions=True
    )
    for outcome in outcomes:
        if isinstance(outcome, BaseException):
            raise outcome
