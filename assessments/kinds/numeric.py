"""Number: the trainee writes a number; several accepted numbers may each
give some credit, each with a tolerance.

Snapshot: "answers": [{"id": 3, "number": "9.80665", "tolerance":
"0.00001", "fraction": "100", "feedback": ...}] and "unit": "%" (old
snapshots have one "answer" and "tolerance" instead). Response: {"raw":
"1.250", "value": "1250", "other": "1.250"} ("other" only for an ambiguous
notation, see lms.common.numbers). Credit: the best credit of the accepted
numbers the response matches."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.panels import FieldPanel, InlinePanel

from lms.common.numbers import number_read

from ..errors import Refused
from .base import Kind, fraction, share


def numeric_answers(snapshot: dict) -> list[dict]:
    """The accepted numbers of a numeric snapshot, old or new shape."""
    if "answers" in snapshot:
        return snapshot["answers"]
    return [
        {
            "number": snapshot.get("answer"),
            "tolerance": snapshot.get("tolerance") or "0",
            "fraction": "100",
            "feedback": "",
        }
    ]


def numeric_match(snapshot: dict, response: dict) -> dict | None:
    """The accepted number giving `response` the most credit: one within
    its tolerance (inclusive) of a reading of the trainee's number. An
    unambiguous notation has one reading; an ambiguous one (`1.250`) has
    two and either may match (rule 6 in lms.common.numbers). Unreadable
    stored values never match."""
    readings = []
    for key in ("value", "other"):
        try:
            if response.get(key) is not None:
                readings.append(Decimal(response[key]))
        except (InvalidOperation, TypeError, ValueError):
            continue
    best = None
    for answer in numeric_answers(snapshot):
        try:
            number = Decimal(str(answer["number"]))
            tolerance = Decimal(str(answer.get("tolerance") or "0"))
        except (InvalidOperation, KeyError, TypeError, ValueError):
            continue
        if any(abs(reading - number) <= tolerance for reading in readings) and (
            best is None or fraction(answer) > fraction(best)
        ):
            best = answer
    return best


class Numeric(Kind):
    value = "numeric"
    help_text = gettext_lazy("A number, with a tolerance; several may count.")

    def panels(self) -> list:
        return [
            FieldPanel("points"),
            FieldPanel("numeric_unit"),
            InlinePanel(
                "choices",
                label=gettext_lazy("Accepted numbers"),
                panels=[
                    FieldPanel("number"),
                    FieldPanel("tolerance"),
                    FieldPanel("fraction"),
                    FieldPanel("feedback"),
                ],
            ),
        ]

    def rows_problems(self, rows: list[dict], cleaned: dict) -> list[str]:
        if not rows or any(r.get("number") is None for r in rows):
            return [_("Give every accepted answer a number.")]
        if not any(Decimal(r.get("fraction") or 0) == 100 for r in rows):
            return [_("Give at least one accepted number full credit (100%).")]
        return []

    def snapshot(self, question, rows: list, *, shuffle_choices: bool, rng) -> dict:
        return {"unit": question.numeric_unit}

    def snapshot_key(self, question, rows: list) -> dict:
        return {
            "answers": [
                {
                    "id": row.pk,
                    "number": str(row.number),
                    "tolerance": str(row.tolerance or 0),
                    "fraction": str(row.fraction),
                    "feedback": row.feedback,
                }
                for row in rows
                if row.number is not None
            ]
        }

    def response_blank(self, snapshot: dict, data) -> bool:
        return not (data.get("value") or "").strip()

    def response_parse(self, snapshot: dict, data) -> dict:
        raw = (data.get("value") or "").strip()
        reading = number_read(raw)  # None for anything but a number, never raises
        if reading is None:
            raise Refused(_("Write a number, for example 2,5 or 15.000."))
        response = {"raw": raw, "value": str(reading.value)}
        if reading.other is not None:
            response["other"] = str(reading.other)
        return response

    def credit(self, snapshot: dict, response: dict) -> Decimal:
        matched = numeric_match(snapshot, response)
        return share(fraction(matched) if matched else Decimal(0))

    def matched_feedback(self, snapshot: dict, response: dict) -> str:
        return (numeric_match(snapshot, response) or {}).get("feedback") or ""

    def answer_data(self, snapshot: dict, data, *, right: bool) -> None:
        best = max(numeric_answers(snapshot), key=fraction)
        value = Decimal(str(best["number"])) + (0 if right else 1000)
        data["value"] = format(value.normalize(), "f").replace(".", ",")
