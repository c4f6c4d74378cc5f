"""Short answer: a word or phrase typed by the trainee, matched against
accepted answers the Moodle way (`*` matches any text).

Snapshot: "answers": [{"id": 3, "text": "Jakarta*", "fraction": "100",
"feedback": ...}] and "case_sensitive": false. The accepted answers are
Choice rows whose `text` is plain text, stored as typed. Response:
{"text": ...}. Credit: the best credit of the accepted answers it
matches."""

from __future__ import annotations

import re
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.panels import FieldPanel, InlinePanel

from .base import Kind, fraction, share, text_answer_parse

SHORT_ANSWER_MAX_LENGTH = 500


def short_answer_pattern(text: str, *, case_sensitive: bool) -> re.Pattern:
    """Moodle's short-answer matching: the whole (trimmed) answer must
    match; `*` matches any text (also none), `\\*` a literal asterisk;
    runs of spaces count as one."""
    parts = re.split(r"(\\\*|\*)", " ".join(text.split()))
    regex = "".join(
        ".*" if part == "*" else re.escape("*" if part == "\\*" else part)
        for part in parts
    )
    return re.compile(regex, 0 if case_sensitive else re.IGNORECASE | re.DOTALL)


def short_answer_match(snapshot: dict, typed: str) -> dict | None:
    """The accepted answer giving `typed` the most credit, or None."""
    typed = " ".join(typed.split())
    if not typed:
        return None
    case_sensitive = bool(snapshot.get("case_sensitive"))
    best = None
    for answer in snapshot.get("answers") or []:
        pattern = short_answer_pattern(answer["text"], case_sensitive=case_sensitive)
        if pattern.fullmatch(typed) and (
            best is None or fraction(answer) > fraction(best)
        ):
            best = answer
    return best


class ShortAnswer(Kind):
    value = "short_answer"
    help_text = gettext_lazy("A word or phrase typed by the trainee.")
    rows_are_html = False

    def panels(self) -> list:
        return [
            FieldPanel("points"),
            FieldPanel("case_sensitive"),
            InlinePanel(
                "choices",
                label=gettext_lazy("Accepted answers (* matches any text)"),
                panels=[
                    FieldPanel("text"),
                    FieldPanel("fraction"),
                    FieldPanel("feedback"),
                ],
            ),
        ]

    def rows_problems(self, rows: list[dict], cleaned: dict) -> list[str]:
        if not rows or any(not (r.get("text") or "").strip() for r in rows):
            return [_("Write every accepted answer.")]
        if not any(Decimal(r.get("fraction") or 0) == 100 for r in rows):
            return [_("Give at least one accepted answer full credit (100%).")]
        return []

    def snapshot_key(self, question, rows: list) -> dict:
        return {
            "case_sensitive": question.case_sensitive,
            "answers": [
                {
                    "id": row.pk,
                    "text": row.text,
                    "fraction": str(row.fraction),
                    "feedback": row.feedback,
                }
                for row in rows
                if row.text.strip()
            ],
        }

    def response_blank(self, snapshot: dict, data) -> bool:
        return not (data.get("text") or "").strip()

    def response_parse(self, snapshot: dict, data) -> dict:
        text = " ".join((data.get("text") or "").split())
        return text_answer_parse(text, limit=SHORT_ANSWER_MAX_LENGTH)

    def credit(self, snapshot: dict, response: dict) -> Decimal:
        matched = short_answer_match(snapshot, response.get("text") or "")
        return share(fraction(matched) if matched else Decimal(0))

    def matched_feedback(self, snapshot: dict, response: dict) -> str:
        row = short_answer_match(snapshot, response.get("text") or "")
        return (row or {}).get("feedback") or ""

    def answer_data(self, snapshot: dict, data, *, right: bool) -> None:
        best = max(snapshot["answers"], key=fraction)
        data["text"] = best["text"].replace("*", "") if right else "zzz salah"
