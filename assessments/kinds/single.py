"""Single choice: one answer to pick; choices may give partial credit.

Snapshot: the choices (kinds.choices). Response: {"choice": id}. Credit:
the chosen choice's fraction, so two 100% choices both give full marks."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.panels import FieldPanel

from ..errors import Refused
from .base import choice_ids_by_key, fraction, outcome_panel, share
from .choices import ChoiceKind, choices_panel


class SingleChoice(ChoiceKind):
    value = "single"
    help_text = gettext_lazy("One answer to pick; choices may give partial credit.")

    def panels(self) -> list:
        return [
            FieldPanel("points"),
            choices_panel(),
            FieldPanel("keep_choice_order"),
            outcome_panel(),
        ]

    def rows_problems(self, rows: list[dict], cleaned: dict) -> list[str]:
        problems = super().rows_problems(rows, cleaned)
        if problems:
            return problems
        if not any(Decimal(r.get("fraction") or 0) == 100 for r in rows):
            return [_("Give at least one choice full credit (100%).")]
        return []

    def response_blank(self, snapshot: dict, data) -> bool:
        return not data.get("choice")

    def response_parse(self, snapshot: dict, data) -> dict:
        choice = choice_ids_by_key(snapshot).get(data.get("choice") or "")
        if choice is None:
            raise Refused(_("Choose one answer."))
        return {"choice": choice}

    def credit(self, snapshot: dict, response: dict) -> Decimal:
        chosen = response.get("choice")
        percent = next(
            (fraction(c) for c in snapshot["choices"] if c["id"] == chosen),
            Decimal(0),
        )
        return share(percent)

    def answer_data(self, snapshot: dict, data, *, right: bool) -> None:
        data["choice"] = self.picked(snapshot, right=right)[0]
