"""Multiple choice: several answers to pick; credits add up.

Snapshot: the choices (kinds.choices) and "scoring": "partial" |
"all_or_nothing" (old snapshots have none: all or nothing). Response:
{"choices": [ids]}. Credit, "partial": the sum of the chosen fractions,
floored at 0 and capped at 100%; "all_or_nothing": full marks for exactly
the choices with positive credit."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.panels import FieldPanel

from ..errors import Refused
from .base import choice_ids_by_key, fraction, outcome_panel, share
from .choices import ChoiceKind, choices_panel


class MultipleChoice(ChoiceKind):
    value = "multiple"
    help_text = gettext_lazy("Several answers to pick; credits add up.")

    def panels(self) -> list:
        return [
            FieldPanel("points"),
            FieldPanel("multiple_scoring"),
            choices_panel(),
            FieldPanel("keep_choice_order"),
            outcome_panel(),
        ]

    def rows_problems(self, rows: list[dict], cleaned: dict) -> list[str]:
        problems = super().rows_problems(rows, cleaned)
        if problems:
            return problems
        credits = [Decimal(r.get("fraction") or 0) for r in rows]
        positive = [credit for credit in credits if credit > 0]
        if not positive:
            return [_("Give at least one choice credit.")]
        scoring = cleaned.get("multiple_scoring") or "partial"
        if scoring == "partial" and abs(sum(positive) - 100) > Decimal("0.01"):
            return [
                _(
                    "The credits of the right choices add up to %(sum)s%%; "
                    "they must add up to 100%%."
                )
                % {"sum": sum(positive).normalize()}
            ]
        return []

    def snapshot_key(self, question, rows: list) -> dict:
        return {"scoring": question.multiple_scoring}

    def response_blank(self, snapshot: dict, data) -> bool:
        return not any(data.getlist("choices"))

    def response_parse(self, snapshot: dict, data) -> dict:
        by_key = choice_ids_by_key(snapshot)
        keys = data.getlist("choices")
        if not keys or not set(keys) <= by_key.keys():
            raise Refused(_("Choose at least one answer."))
        return {"choices": sorted({by_key[k] for k in keys})}

    def credit(self, snapshot: dict, response: dict) -> Decimal:
        chosen = set(response.get("choices") or [])
        if snapshot.get("scoring", "all_or_nothing") == "all_or_nothing":
            right = {c["id"] for c in snapshot["choices"] if fraction(c) > 0}
            return Decimal(1) if chosen == right else Decimal(0)
        percent = sum(
            (fraction(c) for c in snapshot["choices"] if c["id"] in chosen),
            Decimal(0),
        )
        return share(percent)

    def answer_data(self, snapshot: dict, data, *, right: bool) -> None:
        data.setlist("choices", self.picked(snapshot, right=right))
