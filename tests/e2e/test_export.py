"""/export end to end: the files the runner receives, read back from the local Bot API.

The round trip finds the tables that hold a runner's data from the models' metadata (every
table reachable from `users` through foreign keys), so a table added later fails it until the
export includes it.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import ColumnElement, Table, select, true

from bot.app import BotApplication
from bot.config import PROJECT_ROOT, Settings
from bot.content.catalog import Texts
from bot.content.loader import Knowledge
from bot.db.base import Base
from bot.db.models import GearChange, Reminder, RunPlan, Shoe, SymptomReport, TriageSession
from bot.db.uow import unit_of_work
from bot.localapi import LocalBotApi
from bot.services.export import FORMAT, VERSION, ExportDocument
from bot.telegram_html import parse_html
from bot.ui.callback_data import EXPORT
from tests.conftest import FakeClock
from tests.e2e.conftest import Runner, errors_logged, start_app, stop_app
from tests.e2e.test_checkin_shoes import checkin_sent
from tests.e2e.test_safe_logs import RUNNER, debug_log

SCHEMA_FILE = PROJECT_ROOT / "docs" / "export.schema.json"
NOW = datetime(2026, 11, 23, 7, 30, tzinfo=UTC)
OTHER_RUNNER = 7_000_000_002
SECTION_OF = {"users": "runner", "runner_settings": "settings", "pending_inputs": "pending_input"}
"""The document's name for a table, where it is not the table's own name."""
SHOE_NAME = "Velvet Secret Racer"
"""A name to look for in the log; it must never be there."""


@pytest.fixture
def t(knowledge: Knowledge) -> Texts:
    return knowledge.catalog.texts("en")


@pytest.fixture(autouse=True)
def no_errors_logged(caplog: pytest.LogCaptureFixture):
    yield
    assert errors_logged(caplog) == []


def visible(markup: str) -> str:
    return parse_html(markup).text


def runner_tables() -> list[Table]:
    """Every table that holds a runner's data: `users` and all it reaches by foreign keys."""
    owned = {"users"}
    grown = True
    while grown:
        grown = False
        for table in Base.metadata.sorted_tables:
            if table.name not in owned and any(
                key.column.table.name in owned for key in table.foreign_keys
            ):
                owned.add(table.name)
                grown = True
    return [Base.metadata.tables[name] for name in sorted(owned)]


def owned_by(table: Table, user_id: int) -> ColumnElement[bool]:
    """The condition selecting the runner's rows of `table`."""
    if table.name == "users":
        return table.c.id == user_id
    if "user_id" in table.c:
        return table.c.user_id == user_id
    condition: ColumnElement[bool] = ~true()
    for key in table.foreign_keys:
        referred = key.column.table
        parents = select(key.column).where(owned_by(referred, user_id))
        condition = condition | key.parent.in_(parents)
    return condition


async def stored_rows(app: BotApplication, table: Table, user_id: int) -> list[dict]:
    async with app.bot_data.db_engine.connect() as connection:
        result = await connection.execute(select(table).where(owned_by(table, user_id)))
        return [dict(row) for row in result.mappings()]


def exported(json_value: object, stored: object) -> bool:
    """Whether a JSON value is the stored one: times as ISO 8601 UTC, dates as ISO dates."""
    if isinstance(stored, datetime):
        return (
            isinstance(json_value, str)
            and json_value.endswith("Z")
            and datetime.fromisoformat(json_value) == stored
        )
    if isinstance(stored, date):
        return isinstance(json_value, str) and date.fromisoformat(json_value) == stored
    return json_value == stored


async def store_everything(app: BotApplication, user_id: int) -> None:
    """Store some of each thing the bot keeps about a runner, in Berlin."""
    async with unit_of_work(app.bot_data.sessionmaker) as repos:
        await repos.users.seen(user_id, "en", NOW)
        triage = await repos.triage.add(
            TriageSession(
                user_id=user_id,
                status="finished",
                path=[["q_red_flags", "none"]],
                created_at=NOW,
                updated_at=NOW,
            )
        )
        repos.reports.add(
            SymptomReport(
                user_id=user_id,
                triage_session_id=triage.id,
                source="triage",
                tier="self_care",
                causes=["toe_box"],
                answers=[["q_red_flags", "none"]],
                created_at=NOW,
            )
        )
        shoe = await repos.shoes.add(
            Shoe(
                user_id=user_id,
                name=SHOE_NAME,
                is_default=True,
                settings={"fit": "snug"},
                created_at=NOW,
                updated_at=NOW,
            )
        )
        repos.gear_changes.add(
            GearChange(
                user_id=user_id,
                shoe_id=shoe.id,
                setting="fit",
                old_value="roomy",
                new_value="snug",
                changed_at=NOW,
            )
        )
        settings = await repos.schedules.settings_for(user_id, NOW)
        settings.timezone = "Europe/Berlin"
        settings.doctor_seen_at = NOW - timedelta(days=3)
        plan = await repos.schedules.add_plan(
            RunPlan(
                user_id=user_id,
                status="active",
                weekdays=0b0010101,
                start_minute=420,
                duration_minutes=60,
                tip_on=True,
                checkin_on=True,
                created_at=NOW,
                updated_at=NOW,
            )
        )
        await repos.schedules.add_plan(
            RunPlan(
                user_id=user_id,
                status="done",
                one_off_date=date(2026, 11, 21),
                start_minute=570,
                duration_minutes=90,
                tip_on=False,
                checkin_on=True,
                created_at=NOW,
                updated_at=NOW,
            )
        )
        checkin = await repos.checkins.open_for_run(user_id, plan.id, NOW, NOW)
        checkin.status, checkin.numb, checkin.shoe_id = "answered", True, shoe.id
        checkin.answers = [["numb", "yes"], ["signs"], ["shoe", f"s{shoe.id}"]]
        checkin.answered_at = NOW
        for kind, due in (("tip", NOW), ("checkin", NOW), ("snooze", NOW + timedelta(hours=1))):
            repos.reminders.add(
                Reminder(
                    user_id=user_id,
                    plan_id=plan.id,
                    kind=kind,
                    state="pending",
                    run_at=NOW,
                    due_at=due,
                    attempts=0,
                    checkin_id=checkin.id if kind == "snooze" else None,
                )
            )
        await repos.pending.wait_for(
            user_id, "rename_shoe", shoe.id, NOW, NOW + timedelta(hours=1)
        )
        await repos.health.update(user_id, [("diabetes", True), ("nerve", True)], NOW)


def documents(api: LocalBotApi, user_id: int) -> dict[str, tuple[bytes, str]]:
    """The documents the bot sent the runner: file name to (bytes, caption)."""
    found = {}
    for message in api.bot_messages(user_id):
        if message.media is not None and message.media.kind == "document":
            file = message.media.file
            assert file.file_name is not None
            assert file.content is not None
            found[file.file_name] = (file.content, message.text)
    return found


def the_export(api: LocalBotApi, user_id: int) -> tuple[dict, list[list[str]]]:
    """The JSON document and the CSV's rows of the runner's latest export."""
    files = documents(api, user_id)
    [json_name] = [name for name in files if name.endswith(".json")]
    [csv_name] = [name for name in files if name.endswith(".csv")]
    content = files[csv_name][0]
    assert content.startswith("\ufeff".encode()), "a BOM, for spreadsheet programs"
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    return json.loads(files[json_name][0]), rows


async def test_every_column_of_every_table_of_the_runner_is_in_the_json(
    runner: Runner, app: BotApplication, api: LocalBotApi, clock: FakeClock
) -> None:
    await store_everything(app, runner.user_id)
    await store_everything(app, OTHER_RUNNER)
    clock.current = NOW + timedelta(days=2)

    await runner.send("/export")

    document, _ = the_export(api, runner.user_id)
    assert (document["format"], document["version"]) == (FORMAT, VERSION)
    assert exported(document["exported_at"], clock.current)
    assert (document["time_zone"], document["time_zone_chosen"]) == ("Europe/Berlin", True)
    tables = runner_tables()
    assert {table.name for table in tables} >= {"users", "checkins", "reminders"}
    for table in tables:
        section = SECTION_OF.get(table.name, table.name)
        assert section in document, f"table {table.name} is not exported"
        records = document[section]
        records = [] if records is None else [records] if isinstance(records, dict) else records
        stored = await stored_rows(app, table, runner.user_id)
        assert stored, f"store_everything stores no {table.name} row to compare"
        assert len(records) == len(stored), f"{table.name}: other runners' rows, or missing"
        keys = [c.name for c in table.primary_key.columns if c.name != "user_id"]
        for row in stored:
            [record] = [r for r in records if all(exported(r.get(k), row[k]) for k in keys)]
            for column, value in row.items():
                if column == "user_id":
                    assert document["runner"]["id"] == value
                    continue
                assert column in record, f"{table.name}.{column} is not exported"
                assert exported(record[column], value), (table.name, column, record[column])


async def test_the_json_is_the_documented_schema_with_local_times(
    runner: Runner, app: BotApplication, api: LocalBotApi
) -> None:
    await store_everything(app, runner.user_id)
    await runner.send("/export")

    document, _ = the_export(api, runner.user_id)
    parsed = ExportDocument.model_validate_json(json.dumps(document))
    assert parsed.runner.id == runner.user_id
    [checkin] = document["checkins"]
    assert checkin["run_at_local"] == "2026-11-23T08:30:00+01:00"
    weekly, once = document["run_plans"]
    assert (weekly["days"], weekly["start_time"]) == (["mon", "wed", "fri"], "07:00:00")
    assert (once["days"], once["one_off_date"]) == ([], "2026-11-21")
    assert [note["note"] for note in document["health_notes"]] == ["diabetes", "nerve"]
    schema = json.dumps(ExportDocument.model_json_schema(), indent=2, ensure_ascii=False) + "\n"
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema, (
        "docs/export.schema.json is out of date; regenerate it with: .venv/bin/python -c "
        "'import json; from bot.services.export import ExportDocument as D; "
        "print(json.dumps(D.model_json_schema(), indent=2, ensure_ascii=False))' "
        "> docs/export.schema.json"
    )


async def test_the_csv_has_a_readable_row_per_checkin_and_names_a_deleted_shoe(
    runner: Runner, app: BotApplication, api: LocalBotApi, clock: FakeClock, t: Texts
) -> None:
    await runner.add_shoe("Pegasus 40", {}, ())
    await checkin_sent(runner, app, clock)
    for label in ("Yes", "Toes", "Within 5 minutes", "None of these", "⭐ Pegasus 40"):
        await runner.press(label)
    await runner.send("/gear")
    await runner.press(t.markup("gear_flow.button_shoe_default", name="Pegasus 40"))
    await runner.press(t("gear_flow.button_delete"))
    await runner.press(t("gear_flow.button_delete_yes"))
    clock.current = datetime(2026, 11, 25, 23, 30, tzinfo=UTC)  # already Thursday in Berlin

    await runner.send("/export")

    files = documents(api, runner.user_id)
    assert sorted(files) == [
        "numb-feet-checkins-2026-11-26.csv",
        "numb-feet-export-2026-11-26.json",
    ]
    assert files["numb-feet-export-2026-11-26.json"][1] == visible(t("export.json_caption"))
    assert files["numb-feet-checkins-2026-11-26.csv"][1] == visible(t("export.csv_caption"))
    document, rows = the_export(api, runner.user_id)
    assert document["shoes"] == []
    assert rows == [
        [
            "Date",
            "Start time (Europe/Berlin)",
            "Check-in",
            "Numb or tingling",
            "Where",
            "How long it lasted",
            "Warning signs",
            "New on either foot",
            "Shoes",
        ],
        [
            "2026-11-25",
            "07:00",
            "Answered",
            "Yes",
            "Toes",
            "Within 5 minutes",
            "None of these",
            "",
            "a deleted shoe",
        ],
    ]


async def test_a_runner_with_nothing_stored_is_told_so_and_gets_no_files(
    runner: Runner, api: LocalBotApi, t: Texts
) -> None:
    await runner.send("/export")
    assert runner.last.text == visible(t("export.nothing"))

    await runner.send("/start")
    await runner.send("/delete_me")
    await runner.press(t("delete.button_yes"))
    await runner.send("/export")
    assert runner.last.text == visible(t("export.nothing"))
    assert documents(api, runner.user_id) == {}


async def test_a_new_runner_gets_a_near_empty_export_and_a_csv_with_headings_only(
    runner: Runner, api: LocalBotApi
) -> None:
    await runner.send("/start")
    await runner.send("/export")

    document, rows = the_export(api, runner.user_id)
    assert (document["time_zone"], document["time_zone_chosen"]) == ("UTC", False)
    assert document["settings"] is None
    assert document["pending_input"] is None
    assert document["shoes"] == document["checkins"] == document["reminders"] == []
    assert len(rows) == 1


@pytest.mark.parametrize("command", ["/privacy", "/settings"])
async def test_the_button_under_privacy_and_settings_sends_the_files(
    runner: Runner, api: LocalBotApi, t: Texts, command: str
) -> None:
    await runner.send("/start")
    await runner.send(command)
    await runner.press(t("export.button"))
    assert len(documents(api, runner.user_id)) == 2
    assert runner.toasts() == [None]


async def test_a_forged_export_button_gets_an_alert_and_no_files(
    runner: Runner, api: LocalBotApi, t: Texts
) -> None:
    await runner.send("/privacy")
    await runner.press_data(EXPORT.replace("all", "everyone"), forge=True)
    assert runner.toasts() == [t("triage_flow.invalid_button")]
    assert documents(api, runner.user_id) == {}


@pytest.mark.parametrize("log_format", ["text", "json"])
async def test_the_files_never_reach_the_log(
    settings: Settings, knowledge: Knowledge, api: LocalBotApi, clock: FakeClock, log_format: str
) -> None:
    api.user(RUNNER, first_name="Ana", language_code="en")
    with debug_log(settings, log_format) as log:
        app = await start_app(settings, knowledge, api, clock)
        assert app.updater is not None
        await store_everything(app, RUNNER)
        await app.updater.start_polling(poll_interval=0.0, timeout=1)
        await app.start()
        try:
            api.send_text(RUNNER, "/export")
            async with asyncio.timeout(10):
                await api.wait_until(lambda: len(documents(api, RUNNER)) == 2)
        finally:
            await app.updater.stop()
            await app.stop()
            await stop_app(app)
    logged = log.getvalue()

    assert "command:/export" in logged, "the update's own line is there"
    for secret in (SHOE_NAME, "Velvet", "diabetes", "toe_box", FORMAT, "Numb or tingling"):
        assert secret not in logged
