"""True or false: a statement the trainee judges.

Snapshot: "answer": true | false, "true_feedback", "false_feedback" (shown
to a trainee who answered true / false) and "value_keys": {"true":
"a1b2c3d4", "false": "e5f6a7b8"}, the opaque values the form posts.
Response: {"value": bool}. Credit: all for the right value."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.panels import FieldPanel, MultiFieldPanel

from ..errors import Refused
from .base import Kind, option_keys


def true_false_panel() -> MultiFieldPanel:
    return MultiFieldPanel(
        [
            FieldPanel("true_false_answer"),
            FieldPanel("true_feedback"),
            FieldPanel("false_feedback"),
        ],
        heading=gettext_lazy("True or false"),
    )


class TrueFalse(Kind):
    value = "true_false"
    help_text = gettext_lazy("A statement that is true or false.")
    error_field = "value-1"

    def panels(self) -> list:
        return [FieldPanel("points"), true_false_panel()]

    def question_problems(self, question) -> dict[str, str]:
        if question.true_false_answer is None:
            return {
                "true_false_answer": gettext_lazy("Say whether the statement is true.")
            }
        return {}

    def snapshot(self, question, rows: list, *, shuffle_choices: bool, rng) -> dict:
        return {
            "true_feedback": question.true_feedback,
            "false_feedback": question.false_feedback,
        }

    def snapshot_key(self, question, rows: list) -> dict:
        return {"answer": question.true_false_answer}

    def snapshot_keys_add(self, snapshot: dict) -> None:
        if not snapshot.get("value_keys"):
            true_key, false_key = option_keys(2)
            snapshot["value_keys"] = {"true": true_key, "false": false_key}

    def form_context(self, snapshot: dict, response: dict) -> dict:
        """True and false with their opaque form keys."""
        keys = snapshot.get("value_keys") or {}
        if not keys:
            return {"values": []}
        return {
            "values": [
                {
                    "key": keys["true"],
                    "label": _("True"),
                    "checked": response.get("value") is True,
                },
                {
                    "key": keys["false"],
                    "label": _("False"),
                    "checked": response.get("value") is False,
                },
            ]
        }

    def response_blank(self, snapshot: dict, data) -> bool:
        return not (data.get("value") or "").strip()

    def response_parse(self, snapshot: dict, data) -> dict:
        value_keys = snapshot.get("value_keys") or {}
        values = {value_keys.get("true"): True, value_keys.get("false"): False}
        value = values.get(data.get("value") or "") if value_keys else None
        if value is None:
            raise Refused(_("Choose true or false."))
        return {"value": value}

    def credit(self, snapshot: dict, response: dict) -> Decimal:
        return Decimal(response.get("value") is snapshot["answer"])

    def answer_data(self, snapshot: dict, data, *, right: bool) -> None:
        said = "true" if snapshot["answer"] == right else "false"
        data["value"] = snapshot["value_keys"][said]
