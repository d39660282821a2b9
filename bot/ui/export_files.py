"""/export's files: the JSON document and the CSV of check-ins, named and captioned.

The JSON is the export document as its pydantic models write it. The CSV has one row per
check-in with headings and answers in the runner's language: the date and start time in their
zone, whether they ran, then one column per check-in step (knowledge/checkin.yaml) holding the
labels of the buttons they tapped. It is UTF-8 with a byte-order mark, so spreadsheet programs
read names with accents or emoji as written.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton

from bot.content import keys
from bot.content.catalog import Texts
from bot.content.loader import SHOE_ANSWER, Knowledge
from bot.content.models import CheckinStep
from bot.db.models import CheckinStatus
from bot.services.export import CheckinRow, ExportDocument
from bot.ui import callback_data

STATUS_KEYS = {
    CheckinStatus.OPEN: "export.status_open",
    CheckinStatus.ANSWERED: "export.status_answered",
    CheckinStatus.NO_RUN: "export.status_no_run",
}
"""The CSV's words for a check-in's status."""
ANSWER_SEPARATOR = "; "
"""Between the answers of a step that takes several."""


@dataclass(frozen=True, slots=True)
class ExportFile:
    """A file to send: its name, bytes and caption."""

    name: str
    content: bytes
    caption: str


def export_button(t: Texts) -> InlineKeyboardButton:
    """Return the button that sends the runner their files, as /privacy and /settings show it."""
    return InlineKeyboardButton(t("export.button"), callback_data=callback_data.EXPORT)


def files(
    t: Texts, knowledge: Knowledge, document: ExportDocument, rows: Sequence[CheckinRow]
) -> list[ExportFile]:
    """Return the JSON document and the CSV of check-ins, named with the runner's date."""
    today = document.exported_at.astimezone(ZoneInfo(document.time_zone)).date()
    return [
        ExportFile(
            f"numb-feet-export-{today.isoformat()}.json",
            document.model_dump_json(indent=2).encode(),
            t("export.json_caption"),
        ),
        ExportFile(
            f"numb-feet-checkins-{today.isoformat()}.csv",
            checkins_csv(t, knowledge, document.time_zone, rows).encode("utf-8-sig"),
            t("export.csv_caption"),
        ),
    ]


def checkins_csv(t: Texts, knowledge: Knowledge, zone: str, rows: Sequence[CheckinRow]) -> str:
    """Return the check-ins as CSV text: a heading row, then one row per check-in."""
    steps = knowledge.checkin.steps
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            t("export.column_date"),
            t("export.column_time", zone=zone),
            t("export.column_status"),
            *(t(keys.export_column(step.id)) for step in steps),
        ]
    )
    for row in rows:
        writer.writerow(
            [
                row.run_at_local.date().isoformat(),
                f"{row.run_at_local:%H:%M}",
                t(STATUS_KEYS[CheckinStatus(row.status)]),
                *(_answered(t, step, row) for step in steps),
            ]
        )
    return out.getvalue()


def _answered(t: Texts, step: CheckinStep, row: CheckinRow) -> str:
    given = row.answers.get(step.id)
    if given is None:
        return ""
    if step.multi and not given:
        return t("checkin_flow.signs_none")
    return ANSWER_SEPARATOR.join(_label(t, step, row, answer) for answer in given)


def _label(t: Texts, step: CheckinStep, row: CheckinRow, answer: str) -> str:
    if step.shoes and SHOE_ANSWER.fullmatch(answer):
        return row.shoe_name if row.shoe_name is not None else t("export.deleted_shoe")
    return t(keys.checkin_answer(step.id, answer))
