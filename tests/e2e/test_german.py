"""A German runner end to end: menu, checks, runs, reminders, settings, /ran, /export, diagrams.

Telegram reports `language_code` "de" (or "de-AT"); every reply must then come from the German
catalogue, including the reminders the dispatcher sends without any incoming update. The clock
starts on Monday 23 Nov 2026 at 07:30 UTC (08:30 in Berlin).
"""

from __future__ import annotations

from datetime import UTC, datetime

from bot.app import BotApplication
from bot.content import keys
from bot.content.catalog import Texts
from bot.content.keys import COMMANDS
from bot.content.loader import Knowledge
from bot.content.models import Tier
from bot.db.models import User
from bot.localapi import LocalBotApi
from bot.telegram_html import parse_html
from bot.ui import callback_data
from tests.conftest import FakeClock
from tests.e2e.conftest import Runner, rows
from tests.e2e.test_export import documents, the_export
from tests.e2e.test_lacing import SELF_CARE_TOP_OF_FOOT

WED_TIP = datetime(2026, 11, 25, 5, 30, tzinfo=UTC)
WED_CHECKIN = datetime(2026, 11, 25, 7, 30, tzinfo=UTC)
SELF_CARE = (
    "q_red_flags.none",
    "q_urgent.none",
    "q_where.toes",
    "q_side.one",
    "q_when.late",
    "q_duration.minutes",
    "q_pain.none",
    "q_back.no",
    "q_colour.no",
    "q_diabetes.no",
    "q_conditions.none",
    "q_history.weeks",
    "q_course.not_tried",
    "q_change.new_shoes",
)
"""Answers that end in self-care: toes going numb late in long runs, back within minutes."""
NUMB_TOES = ("Ja", "Zehen", "Innerhalb von 5 Minuten", "Nichts davon")
"""A check-in: numb toes, back within 5 minutes, no warning sign."""


def visible(markup: str) -> str:
    return parse_html(markup).text


def german(knowledge: Knowledge) -> Texts:
    return knowledge.catalog.texts("de")


def lena(app: BotApplication, api: LocalBotApi, language_code: str = "de") -> Runner:
    return Runner(app, api, 7_000_000_049, first_name="Lena", language_code=language_code)


async def test_the_command_menu_is_published_in_english_and_in_german(
    api: LocalBotApi, app: BotApplication, knowledge: Knowledge
) -> None:
    en, de = knowledge.catalog.texts("en"), german(knowledge)
    assert api.commands() == [(c, en(keys.command_description(c))) for c in COMMANDS]
    assert api.commands("de") == [(c, de(keys.command_description(c))) for c in COMMANDS]
    assert api.commands("de") != api.commands()


async def test_a_german_runner_gets_a_german_check_and_a_german_emergency(
    app: BotApplication, api: LocalBotApi, knowledge: Knowledge
) -> None:
    t, runner = german(knowledge), lena(app, api)
    await runner.send("/start")
    assert runner.last.text.startswith("👋 Hallo Lena!")
    assert visible(t("disclaimer.not_emergency")) in runner.last.text
    assert runner.labels == [t("start.button_triage")]
    await runner.send("/triage")
    assert visible(t("disclaimer.not_emergency")) in runner.last.text
    for step in SELF_CARE:
        node, answer = step.split(".")
        assert visible(t(keys.question(node))) in runner.last.text
        assert t(keys.answer(node, "unsure")) in runner.labels
        await runner.choose(answer)
    result = runner.last.text
    assert visible(t(keys.tier_heading(Tier.SELF_CARE))) in result
    assert visible(t("tier.self_care.instruction")) in result
    assert visible(t("disclaimer.not_diagnosis")) in result
    assert visible(t(keys.cause_name("toe_box"))) in result
    assert visible(t(keys.fix("fix_roomy_shoes"))) in result
    assert "Not sure" not in result
    assert "Likely causes" not in result

    await runner.send("/triage")
    await runner.choose("stroke")
    emergency = runner.last.text
    heading = visible(t(keys.tier_heading(Tier.EMERGENCY)))
    assert emergency.startswith(f"{heading}\n\n{visible(t('action.call_now'))}")
    assert emergency.endswith(visible(t("outcome.stroke")))
    assert "Ruf jetzt 112" in emergency


async def test_a_german_runner_plans_a_run_and_gets_german_reminders(
    app: BotApplication, api: LocalBotApi, knowledge: Knowledge, clock: FakeClock
) -> None:
    t, runner = german(knowledge), lena(app, api, "de-AT")
    await runner.send("/runs")
    assert "Noch keine Läufe geplant" in runner.last.text
    await runner.press("➕ Lauf hinzufügen")
    assert "Zuerst deine Zeitzone" in runner.last.text
    await runner.press("Europe/Berlin")
    for day in ("Mo", "Mi", "Fr"):
        await runner.press(day)
    await runner.press("Weiter ›")
    await runner.press("07:00")
    await runner.press("60 Min.")
    assert "Mo, Mi, Fr um 07:00 Uhr · 60 Min." in runner.last.text
    await runner.press("✅ Speichern")
    assert "1. Mo, Mi, Fr um 07:00 Uhr · 60 Min.\nTipp vorher: an · Check-in danach: an" in (
        runner.last.text
    )

    clock.current = WED_TIP
    assert (await app.bot_data.dispatcher.tick(app.bot)).sent == 1
    tip = runner.last.text
    assert tip.startswith("💡 Dein Lauf um 07:00 Uhr steht an")
    assert visible(t(keys.tip(knowledge.tips[0]))) in tip
    assert runner.labels == [t("tip_flow.skip"), t("tip_flow.pause")]

    clock.current = WED_CHECKIN
    assert (await app.bot_data.dispatcher.tick(app.bot)).sent == 1
    assert runner.last.text == "📝 Wie war dein Lauf um 07:00 Uhr?\n\n" + visible(
        t(keys.checkin_question("numb"))
    )
    for label in ("Ja", "Zehen", "Innerhalb von 5 Minuten", "Nichts davon"):
        await runner.press(label)
    done = runner.last.text
    assert t("checkin_flow.thanks_numb") in done
    assert visible(t(keys.fix("fix_roomy_shoes"))) in done


async def test_a_one_off_run_and_a_pause_show_german_dates(
    app: BotApplication, api: LocalBotApi, knowledge: Knowledge
) -> None:
    runner = lena(app, api)
    await runner.send("/runs")
    await runner.press("➕ Lauf hinzufügen")
    await runner.press("Europe/Berlin")
    await runner.press("📅 Nur einmal")
    assert runner.labels[:2] == ["Heute, Mo, 23. Nov.", "Morgen, Di, 24. Nov."]
    await runner.press("Morgen, Di, 24. Nov.")
    await runner.press("18:00")
    await runner.press("45 Min.")
    assert "Di, 24. Nov. um 18:00 Uhr · 45 Min." in runner.last.text
    await runner.send("/pause")
    await runner.press("⏸ Für 7 Tage")
    assert "pausiert bis Mo, 30. Nov., 08:30 Uhr" in runner.last.text


async def test_settings_switch_a_german_runner_to_english_and_back(
    app: BotApplication, api: LocalBotApi, knowledge: Knowledge
) -> None:
    de, en = german(knowledge), knowledge.catalog.texts("en")
    runner = lena(app, api)
    await runner.send("/settings")
    assert runner.last.text.startswith("Einstellungen\n\nSprache: Deutsch")
    assert runner.labels[:3] == ["✓ Automatisch (aus Telegram: Deutsch)", "Deutsch", "English"]
    await runner.press("English")
    assert runner.toasts()[-1] == en("settings.saved", language="English")
    assert runner.last.text.startswith("Settings\n\nLanguage: English")
    [user] = await rows(app, User)
    assert (user["language"], user["language_code"]) == ("en", "de")
    await runner.send("/help")
    assert runner.last.text.startswith("How Numb Feet Bot works")
    await runner.send("/settings")
    await runner.press("Deutsch")
    assert runner.toasts()[-1] == de("settings.saved", language="Deutsch")
    await runner.send("/help")
    assert runner.last.text.startswith("So funktioniert der Numb Feet Bot")


async def test_an_english_choice_beats_a_german_telegram_in_reminders(
    app: BotApplication, api: LocalBotApi, clock: FakeClock
) -> None:
    runner = lena(app, api, "de-CH")
    await runner.send("/settings")
    await runner.press("English")
    await runner.send("/runs")
    await runner.press("➕ Add a run")
    await runner.press("Europe/Berlin")
    await runner.press("Wed")
    await runner.press("Next ›")
    await runner.press("07:00")
    await runner.press("60 min")
    await runner.press("✅ Save")
    clock.current = WED_TIP
    await app.bot_data.dispatcher.tick(app.bot)
    assert runner.last.text.startswith("💡 Your run at 07:00 is coming up")


async def test_an_apology_comes_in_the_chosen_language(
    app: BotApplication, api: LocalBotApi, knowledge: Knowledge
) -> None:
    runner = Runner(app, api, 7_000_000_050, first_name="Ana", language_code="en")
    await runner.send("/settings")
    await runner.press("Deutsch")
    api.faults.fail_next("sendMessage", status=500, description="Internal Server Error")
    await runner.send("/privacy")
    assert runner.last.text == visible(german(knowledge)("error.telegram_busy"))


async def test_a_german_runner_checks_in_with_ran(
    app: BotApplication, api: LocalBotApi, knowledge: Knowledge
) -> None:
    t, runner = german(knowledge), lena(app, api)
    await runner.send("/ran")
    assert runner.last.text == "📝 Wie war der Lauf, den du gerade beendet hast?\n\n" + visible(
        t(keys.checkin_question("numb"))
    )
    assert runner.labels == ["Nein", "Ja", "Ich bin nicht gelaufen"]
    for label in NUMB_TOES:
        await runner.press(label)
    assert t("checkin_flow.thanks_numb") in runner.last.text
    await runner.send("/ran")
    assert runner.last.text == t("ran_flow.already_noted")


async def test_a_german_export_has_german_headings_and_answers(
    app: BotApplication, api: LocalBotApi, knowledge: Knowledge
) -> None:
    t, runner = german(knowledge), lena(app, api)
    await runner.send("/ran")
    for label in NUMB_TOES:
        await runner.press(label)
    await runner.send("/privacy")
    assert "Deine Kopie" in runner.last.text
    await runner.press("📦 Meine Daten exportieren")

    captions = sorted(caption for _, caption in documents(api, runner.user_id).values())
    assert captions == sorted(visible(t(f"export.{file}_caption")) for file in ("json", "csv"))
    _, csv_rows = the_export(api, runner.user_id)
    assert csv_rows == [
        [
            "Datum",
            "Startzeit (UTC)",
            "Check-in",
            "Taubheit oder Kribbeln",
            "Wo",
            "Wie lange es anhielt",
            "Warnzeichen",
            "Neu an einem der Füße",
            "Schuhe",
        ],
        ["2026-11-23", "07:30", "Beantwortet", *NUMB_TOES, "", ""],
    ]


async def test_show_me_how_sends_a_german_diagram_and_caption(
    app: BotApplication, api: LocalBotApi, knowledge: Knowledge
) -> None:
    t, runner = german(knowledge), lena(app, api)
    await runner.send("/triage")
    for answer_id in SELF_CARE_TOP_OF_FOOT:
        await runner.choose(answer_id)
    result = runner.last
    label, data = api.buttons(result)[0]
    technique = callback_data.decode_lacing(data)
    assert technique is not None
    assert label == t("lacing_flow.button", name=t(keys.lacing_name(technique)))
    assert label.startswith("📐 Zeig mir, wie: ")
    await runner.press(label, result)
    photo = runner.last
    assert photo.media is not None
    assert photo.media.kind == "photo"
    assert photo.reply_to_message_id == result.message_id
    assert photo.text == visible(t(keys.lacing_caption(technique)))
    assert list(app.bot_data.diagrams) == [(technique, "de")]
