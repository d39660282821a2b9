"""Bad input gets a clear answer, loses nothing, and leaves no ERROR in the log."""

from __future__ import annotations

import pytest

from bot.app import BotApplication
from bot.content.catalog import Texts
from bot.content.loader import Knowledge
from bot.db.models import SymptomReport, TriageSession, User
from bot.localapi import LocalBotApi
from bot.telegram_html import parse_html
from tests.e2e.conftest import Runner, errors_logged, rows


def visible(markup: str) -> str:
    return parse_html(markup).text


@pytest.fixture
def t(knowledge: Knowledge):
    return knowledge.catalog.texts("en")


@pytest.fixture(autouse=True)
def no_errors_logged(caplog: pytest.LogCaptureFixture):
    yield
    assert errors_logged(caplog) == []


async def test_unknown_command(runner: Runner, t) -> None:
    await runner.send("/frobnicate now")
    assert runner.last.text == visible(t("fallback.unknown_command", command="frobnicate"))
    assert "//" not in runner.last.text


async def test_command_with_bot_suffix_and_capitals(runner: Runner, t) -> None:
    await runner.send("/help@numb_feet_test_bot")
    assert "/triage" in runner.last.text


async def test_free_text_outside_a_check(runner: Runner, t) -> None:
    await runner.send("my toes went numb at km 12")
    assert runner.last.text == visible(t("fallback.free_text"))


async def test_huge_text_gets_the_short_answer(runner: Runner, t) -> None:
    await runner.send("ä" * 4096)
    assert runner.last.text == visible(t("fallback.free_text"))


async def test_markup_in_a_command_is_escaped_when_echoed(runner: Runner) -> None:
    await runner.send("/x<b>y</b>")
    sent = runner.api.calls_to("sendMessage")[-1].params["text"]
    assert isinstance(sent, str)
    assert "&lt;b&gt;" in sent
    assert "/x<b>y</b>" in runner.last.text


async def test_sticker_and_photo(runner: Runner, t) -> None:
    await runner.sticker()
    assert runner.last.text == visible(t("fallback.not_text"))
    await runner.photo()
    assert runner.last.text == visible(t("fallback.not_text"))


async def test_free_text_during_a_check_repeats_the_question(
    runner: Runner,
    app: BotApplication,
    t,
) -> None:
    await runner.send("/triage")
    await runner.choose("none")
    question = runner.last.text
    await runner.send("my left foot, I think")
    copy = runner.last
    assert copy.text.startswith(visible(t("fallback.free_text_in_triage")))
    assert copy.text.endswith(question)
    await runner.choose("unsure")  # the repeated copy's buttons work
    [session] = await rows(app, TriageSession)
    assert len(session["path"]) == 2


async def test_sticker_during_a_check_loses_nothing(runner: Runner, app: BotApplication) -> None:
    await runner.send("/triage")
    await runner.choose("none")
    await runner.sticker()
    [session] = await rows(app, TriageSession)
    assert session["path"] == [["q_red_flags", "none"]]
    assert session["status"] == "open"


async def test_same_button_twice_fast_counts_once(
    runner: Runner,
    app: BotApplication,
    t,
) -> None:
    await runner.send("/triage")
    message = runner.keyboard_message
    data = next(d for _, d in runner.api.buttons(message) if d.endswith(":none"))
    await runner.press_data(data, message.message_id, forge=False)
    await runner.press_data(data, message.message_id, forge=True)  # the stale copy of the tap
    assert runner.toasts()[-1] == t("triage_flow.already_noted")
    [session] = await rows(app, TriageSession)
    assert session["path"] == [["q_red_flags", "none"]]


async def test_button_from_an_old_check(runner: Runner, app: BotApplication, t) -> None:
    await runner.send("/triage")
    old = runner.keyboard_message
    old_data = runner.api.buttons(old)[0][1]
    await runner.send("/triage")
    await runner.press_data(old_data, old.message_id)
    assert runner.toasts()[-1] == t("triage_flow.finished")
    assert runner.api.buttons(runner.api.chat(runner.user_id).history[old.message_id]) == []
    statuses = sorted(s["status"] for s in await rows(app, TriageSession))
    assert statuses == ["abandoned", "open"]


@pytest.mark.parametrize(
    "forged",
    ["t1:../../x", "t1:2:0:none", "t1:999999:0:none", "t9:1:0:none", "zz", "s1:lang:xx-evil"],
)
async def test_forged_buttons_get_a_polite_alert(
    runner: Runner,
    app: BotApplication,
    t,
    forged: str,
) -> None:
    await runner.send("/triage")
    await runner.press_data(forged, forge=True)
    assert runner.toasts()[-1] == t("triage_flow.invalid_button")
    assert await rows(app, SymptomReport) == []


async def test_forged_answer_id_on_a_real_session(runner: Runner, app: BotApplication, t) -> None:
    await runner.send("/triage")
    real = runner.api.buttons(runner.last)[0][1]
    session_id = real.split(":")[1]
    await runner.press_data(f"t1:{session_id}:0:no_such_answer", forge=True)
    assert runner.toasts()[-1] == t("triage_flow.invalid_button")


async def test_someone_elses_session(app: BotApplication, api: LocalBotApi, t) -> None:
    owner, intruder = Runner(app, api, 1), Runner(app, api, 2)
    await owner.send("/triage")
    data = api.buttons(owner.last)[0][1]
    await intruder.send("/start")
    await intruder.press_data(data, forge=True)
    assert intruder.toasts()[-1] == t("triage_flow.invalid_button")
    [session] = await rows(app, TriageSession)
    assert session["path"] == []


@pytest.mark.parametrize("language_code", [None, "xx-YY", "pt-BR", "zh-hant", "EN-gb", ""])
async def test_unusual_language_codes_fall_back_to_english(
    app: BotApplication,
    api: LocalBotApi,
    t,
    language_code: str | None,
) -> None:
    runner = Runner(app, api, 3, language_code=language_code)
    await runner.send("/help")
    assert "/triage" in runner.last.text
    await runner.send("/triage")
    assert runner.api.buttons(runner.last)


async def test_deleted_message_gets_a_fresh_copy(runner: Runner, api: LocalBotApi) -> None:
    await runner.send("/triage")
    api.faults.fail_next(
        "editMessageText", status=400, description="Bad Request: message to edit not found"
    )
    await runner.choose("none")
    assert runner.api.buttons(runner.last)
    assert runner.api.calls_to("sendMessage")[-1].status == 200


async def test_blocked_user_is_deactivated(
    runner: Runner, api: LocalBotApi, app: BotApplication
) -> None:
    await runner.send("/start")
    update = api.send_text(runner.user_id, "/help")
    api.block(runner.user_id)
    await runner.feed(update)
    [user] = await rows(app, User)
    assert user["is_active"] is False


async def test_a_refused_reply_is_logged_with_its_reason_and_the_runner_hears(
    runner: Runner,
    api: LocalBotApi,
    caplog: pytest.LogCaptureFixture,
    t: Texts,
) -> None:
    api.faults.fail_next(
        "sendMessage", status=400, description="Bad Request: message text is empty"
    )
    await runner.send("/privacy")
    assert errors_logged(caplog) == [
        "Telegram refused a request from the bot: Message text is empty"
    ]
    assert runner.last.text == visible(t("error.generic"))
    caplog.clear()  # the ERROR above was the point of this test
