"""The "Show me how" button: a lacing fix's diagram, sent as a photo replying to the result."""

from __future__ import annotations

import pytest

from bot.app import BotApplication
from bot.content import keys
from bot.content.loader import Knowledge
from bot.telegram_html import parse_html
from bot.ui import callback_data
from tests.e2e.conftest import Runner

SELF_CARE_TOP_OF_FOOT = (
    "none",
    "none",
    "top",
    "one",
    "early",
    "minutes",
    "none",
    "no",
    "no",
    "no",
    "none",
    "once",
    "lacing",
)
"""A self-care check: numb on top of the foot after a lacing change, gone in minutes."""
PNG = b"\x89PNG\r\n\x1a\n"


async def finish_triage(runner: Runner) -> None:
    await runner.send("/triage")
    for answer_id in SELF_CARE_TOP_OF_FOOT:
        await runner.choose(answer_id)


async def test_show_me_how_sends_the_diagram_as_a_reply(
    runner: Runner, app: BotApplication, knowledge: Knowledge
) -> None:
    t = knowledge.catalog.texts("en")
    await finish_triage(runner)
    result = runner.last
    buttons = runner.api.buttons(result)
    assert buttons, "a result with lacing fixes offers their diagrams"
    label, data = buttons[0]
    technique = callback_data.decode_lacing(data)
    assert technique is not None
    assert label == t("lacing_flow.button", name=t(keys.lacing_name(technique)))

    await runner.press(label, result)
    photo = runner.last
    assert photo.media is not None
    assert photo.media.kind == "photo"
    assert photo.media.file.content is not None
    assert photo.media.file.content.startswith(PNG)
    assert photo.media.file.mime_type == "image/png"  # uploaded under a .png name
    assert photo.reply_to_message_id == result.message_id
    assert photo.text == parse_html(t(keys.lacing_caption(technique))).text
    assert runner.toasts()[-1] is None, "the press is answered without a note"

    # Pressed again: the same picture, drawn only once.
    await runner.press(label, result)
    again = runner.last
    assert again.message_id != photo.message_id
    assert again.media is not None
    assert again.media.file.content == photo.media.file.content
    assert list(app.bot_data.diagrams) == [(technique, "en")]


@pytest.mark.parametrize("forged", ["l1:no_such_lacing", "l1:", "l1:Window", "l9:window"])
async def test_a_stale_or_forged_diagram_button_gets_an_alert(
    runner: Runner, app: BotApplication, knowledge: Knowledge, forged: str
) -> None:
    t = knowledge.catalog.texts("en")
    await finish_triage(runner)
    sent = len(runner.api.bot_messages(runner.user_id))
    await runner.press_data(forged, runner.last.message_id, forge=True)
    expected = (
        "lacing_flow.invalid_button" if forged.startswith("l1:") else "triage_flow.invalid_button"
    )
    assert runner.toasts()[-1] == t(expected)
    assert runner.api.answered_callback_queries[-1].answer.show_alert
    assert len(runner.api.bot_messages(runner.user_id)) == sent, "nothing is sent"
    assert app.bot_data.diagrams == {}
