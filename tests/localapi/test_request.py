import asyncio
import datetime as dtm
from types import SimpleNamespace

import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllPrivateChats,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    LinkPreviewOptions,
    MenuButtonCommands,
    ReplyParameters,
    Update,
)
from telegram.constants import ChatAction, ParseMode
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, RetryAfter, TimedOut
from telegram.ext import (
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    ExtBot,
)

from bot.localapi import LocalBotApi, LocalRequest, Upload, faults
from bot.retries import NothingSentError

KEYBOARD = InlineKeyboardMarkup(
    [
        [InlineKeyboardButton("Left", callback_data="foot:left")],
        [InlineKeyboardButton("Right", callback_data="foot:right")],
    ]
)


async def test_get_me(bot: Bot) -> None:
    me = await bot.get_me()
    assert (me.id, me.username, me.is_bot) == (123456, "numb_feet_test_bot", True)


async def test_wrong_token_is_rejected(api: LocalBotApi) -> None:
    bot = Bot("999:wrong", request=LocalRequest(api), get_updates_request=LocalRequest(api))
    with pytest.raises(InvalidToken, match="was rejected by the server"):
        await bot.initialize()


async def test_send_edit_answer_round_trip(api: LocalBotApi, bot: Bot) -> None:
    api.user(5, first_name="Ana")
    sent = await bot.send_message(
        5, "Which foot is <b>numb</b>?", parse_mode=ParseMode.HTML, reply_markup=KEYBOARD
    )
    assert sent.text == "Which foot is numb?"
    assert sent.entities[0].type == "bold"
    assert sent.reply_markup == KEYBOARD
    assert api.buttons(api.last_bot_message(5)) == [("Left", "foot:left"), ("Right", "foot:right")]

    api.press(5, sent.message_id, "foot:right")
    [update] = await bot.get_updates()
    query = update.callback_query
    assert query is not None
    assert query.data == "foot:right"
    assert query.message == sent
    assert await bot.answer_callback_query(query.id, text="Right it is", show_alert=True)

    edited = await bot.edit_message_text(
        "Right foot noted", chat_id=5, message_id=sent.message_id, reply_markup=None
    )
    assert isinstance(edited, type(sent))
    assert edited.edit_date is not None
    assert api.messages(5)[-1].text == "Right foot noted"
    [answered] = api.answered_callback_queries
    assert answered.answer is not None
    assert (answered.answer.text, answered.answer.show_alert) == ("Right it is", True)
    assert api.problems() == []


async def test_ptb_errors_map_from_telegram_answers(api: LocalBotApi, bot: Bot) -> None:
    api.user(5)
    with pytest.raises(BadRequest, match="Can't parse entities: can't find end tag"):
        await bot.send_message(5, "<b>oops", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(6, "hi")
    sent = await bot.send_message(5, "same")
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_text("same", chat_id=5, message_id=sent.message_id)
    api.block(5)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(5, "hello?")


async def test_injected_failures_surface_as_ptb_errors(
    api: LocalBotApi, bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    api.user(5)
    api.faults.fail_next("sendMessage", status=429, retry_after=2)
    with pytest.raises(RetryAfter) as flood:
        await bot.send_message(5, "hi")
    assert flood.value.retry_after == dtm.timedelta(seconds=2)
    api.faults.fail_next("sendMessage", status=502)
    with pytest.raises(NetworkError, match="Bad Gateway"):
        await bot.send_message(5, "hi")
    await bot.send_message(5, "hi")


async def test_slow_answer_times_out_but_the_message_lands(api: LocalBotApi) -> None:
    api.user(5)
    api.faults.delay_next("sendMessage", 0.2)
    async with Bot(api.token, request=LocalRequest(api, read_timeout=0.05)) as bot:
        with pytest.raises(TimedOut, match="did not answer sendMessage"):
            await bot.send_message(5, "slow")
        api.faults.delay_next("sendMessage", 0.1)
        await bot.send_message(5, "patient", read_timeout=None)
    assert [message.text for message in api.messages(5)] == ["slow", "patient"]


async def test_standing_latency_slows_every_answer_until_set_back(api: LocalBotApi) -> None:
    api.user(5)
    api.faults.set_latency("sendMessage", 0.2)
    async with Bot(api.token, request=LocalRequest(api, read_timeout=0.05)) as bot:
        for text in ("one", "two"):
            with pytest.raises(TimedOut):
                await bot.send_message(5, text)
        api.faults.set_latency("sendMessage", 0)
        await bot.send_message(5, "three")
    assert [message.text for message in api.messages(5)] == ["one", "two", "three"]


async def test_a_rate_limit_answers_429_past_its_calls_a_second(
    api: LocalBotApi, bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    api.user(5)
    api.faults.limit_rate("sendMessage", 3, retry_after=2)
    for n in range(3):
        await bot.send_message(5, f"within the limit {n}")
    with pytest.raises(RetryAfter) as flood:
        await bot.send_message(5, "one too many")
    assert flood.value.retry_after == dtm.timedelta(seconds=2)
    api.faults.limit_rate("sendMessage", None)
    await bot.send_message(5, "no limit")
    assert len(api.messages(5)) == 4, "the refused one never arrived"


def test_the_rate_limit_is_a_sliding_second_not_a_calendar_one(
    api: LocalBotApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = [10.0]
    monkeypatch.setattr(faults, "time", SimpleNamespace(monotonic=lambda: now[0]))
    api.faults.limit_rate("sendMessage", 3)

    def answer_at(moment: float) -> int:
        now[0] = moment
        refusal = api.faults.take_failure("sendMessage")
        return 200 if refusal is None else refusal.status

    assert [answer_at(t) for t in (10.0, 10.5, 10.9)] == [200, 200, 200]
    # 11.2 is a new calendar second, but 10.5 and 10.9 are still within the last second.
    assert [answer_at(t) for t in (11.2, 11.3)] == [200, 429]
    assert answer_at(11.51) == 200, "10.5 has left the window"


async def test_a_lost_answer_is_a_timeout_after_the_message_lands(
    api: LocalBotApi, bot: Bot
) -> None:
    api.user(5)
    api.faults.lose_answer_next("sendMessage")
    with pytest.raises(TimedOut, match="was lost on the way"):
        await bot.send_message(5, "landed")
    assert [message.text for message in api.messages(5)] == ["landed"]


async def test_a_refused_connection_sends_nothing(api: LocalBotApi, bot: Bot) -> None:
    api.user(5)
    api.faults.refuse_connection_next("sendMessage")
    with pytest.raises(NothingSentError, match="could not connect"):
        await bot.send_message(5, "never")
    assert api.messages(5) == []
    assert api.calls_to("sendMessage") == []


async def test_a_held_call_answers_once_released(api: LocalBotApi, bot: Bot) -> None:
    api.user(5)
    release = api.faults.hold_next("sendMessage")
    sending = asyncio.create_task(bot.send_message(5, "held"))
    await api.wait_until(lambda: api.calls_to("sendMessage"))
    assert not sending.done()
    release.set()
    assert (await sending).text == "held"


async def test_commands_and_menu(api: LocalBotApi, bot: Bot) -> None:
    commands = [BotCommand("start", "Start over"), BotCommand("help", "How it works")]
    assert await bot.set_my_commands(commands)
    assert await bot.set_my_commands(
        commands[:1], scope=BotCommandScopeAllPrivateChats(), language_code="ru"
    )
    assert await bot.get_my_commands() == tuple(commands)
    assert api.commands() == [("start", "Start over"), ("help", "How it works")]
    assert api.commands("ru", scope={"type": "all_private_chats"}) == [("start", "Start over")]
    assert await bot.delete_my_commands()
    assert api.commands() == []
    assert await bot.set_chat_menu_button(menu_button=MenuButtonCommands())
    assert api.menu_button() == {"type": "commands"}


async def test_uploads_and_downloads(api: LocalBotApi, bot: Bot) -> None:
    api.user(5)
    photo = await bot.send_photo(
        5, b"\x89PNG fake", caption="<i>left</i>", parse_mode="HTML", filename="foot.png"
    )
    assert photo.caption == "left"
    upload = api.calls_to("sendPhoto")[0].params["photo"]
    assert isinstance(upload, Upload)
    assert (upload.filename, upload.size, upload.mime_type) == ("foot.png", 9, "image/png")
    file = await bot.get_file(photo.photo[-1].file_id)
    assert await file.download_as_bytearray() == bytearray(b"\x89PNG fake")

    document = await bot.send_document(5, InputFile(b"a,b\n1,2\n", filename="log.csv"))
    assert document.document is not None
    assert (document.document.file_name, document.document.file_size) == ("log.csv", 8)
    again = await bot.send_document(5, document.document.file_id)
    assert again.document == document.document
    await bot.send_chat_action(5, ChatAction.UPLOAD_DOCUMENT)
    assert api.chat(5).chat_action == "upload_document"
    assert api.problems() == []


async def test_every_optional_ptb_argument_is_a_known_parameter(
    api: LocalBotApi, bot: Bot
) -> None:
    api.user(5)
    first = await bot.send_message(5, "first")
    await bot.send_message(
        5,
        "*all* options",
        parse_mode=ParseMode.MARKDOWN_V2,
        disable_notification=True,
        protect_content=True,
        reply_markup=KEYBOARD,
        message_thread_id=None,
        link_preview_options=LinkPreviewOptions(is_disabled=True),
        reply_parameters=ReplyParameters(first.message_id),
        message_effect_id="5104841245755180586",
        allow_paid_broadcast=False,
    )
    await bot.send_photo(5, b"x", caption="c", has_spoiler=True, show_caption_above_media=True)
    await bot.send_document(5, b"x", filename="a.txt", disable_content_type_detection=True)
    await bot.get_updates(offset=1, limit=10, timeout=0, allowed_updates=["message"])
    await bot.delete_webhook(drop_pending_updates=True)
    await bot.get_webhook_info()
    await bot.delete_message(5, first.message_id)
    assert api.problems() == []


async def test_ext_bot_defaults_do_not_count_as_problems(api: LocalBotApi) -> None:
    defaults = Defaults(parse_mode=ParseMode.HTML, disable_notification=True, protect_content=True)
    async with ExtBot(api.token, request=LocalRequest(api), defaults=defaults) as bot:
        api.user(5)
        sent = await bot.send_message(5, "<b>hi</b>", reply_markup=KEYBOARD)
        await bot.edit_message_reply_markup(5, sent.message_id, reply_markup=None)
        await bot.edit_message_text("<i>bye</i>", 5, sent.message_id)
    assert api.last_bot_message(5).text == "bye"
    assert "parse_mode" in api.calls_to("editMessageReplyMarkup")[0].params
    assert api.problems() == []


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None
    topic = " ".join(context.args or [])
    await update.message.reply_text(
        f"Triage: <b>{topic}</b>", parse_mode="HTML", reply_markup=KEYBOARD
    )


async def choose(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer("Saved")
    await query.edit_message_text(f"You chose {query.data}")


async def test_application_polls_the_fake(api: LocalBotApi) -> None:
    app = (
        ApplicationBuilder()
        .token(api.token)
        .request(LocalRequest(api))
        .get_updates_request(LocalRequest(api))
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(choose))
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(timeout=1)
        api.send_text(9, "/start numb toes")
        async with asyncio.timeout(2):
            await api.wait_until(lambda: api.chat(9).messages[-1].from_bot)
        reply = api.last_bot_message(9)
        assert reply.text == "Triage: numb toes"
        api.press(9, reply.message_id, "foot:left")
        async with asyncio.timeout(2):
            await api.wait_until(lambda: api.last_bot_message(9).text == "You chose foot:left")
        assert api.unanswered_callback_queries == []
        await app.updater.stop()
        await app.stop()
    startup = [call.method for call in api.calls[:3]]
    assert startup == ["getMe", "deleteWebhook", "getUpdates"]
    assert api.calls[2].params == {"timeout": 1, "offset": 0}
    assert api.calls[-1].method == "getUpdates"
    assert api.updates.pending == []
    assert api.unanswered_callback_queries == []
    assert api.problems() == []
