"""Essay: a written answer a trainer marks (services.marking).

Snapshot: "rubric" (what a good answer has) and, for a question about a
practice product, "product": {"name", "price", "unit", "producer",
"story"}. Response: {"text": ...}. No automatic credit: an answer waits
for a trainer's mark, except a blank one, scored 0 at submission."""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from wagtail.admin.panels import FieldPanel

from .base import Kind, text_answer_parse

ESSAY_MAX_LENGTH = 5000


def essay_is_blank(*, response: dict | None) -> bool:
    """An essay answer with no text (never typed, or only spaces): scored 0
    automatically at submission and shown as blank, never queued."""
    return not str((response or {}).get("text") or "").strip()


class Essay(Kind):
    value = "essay"
    help_text = gettext_lazy("A written answer a trainer marks.")
    marked_by_hand = True
    error_field = "text"

    def panels(self) -> list:
        return [FieldPanel("points"), FieldPanel("rubric"), FieldPanel("product")]

    def snapshot(self, question, rows: list, *, shuffle_choices: bool, rng) -> dict:
        snapshot = {"rubric": question.rubric}
        if question.product_id:
            product = question.product
            snapshot["product"] = {
                "name": product.name,
                "price": product.price,
                "unit": product.unit,
                "producer": product.producer,
                "story": product.story,
            }
        return snapshot

    def response_blank(self, snapshot: dict, data) -> bool:
        return not (data.get("text") or "").strip()

    def response_parse(self, snapshot: dict, data) -> dict:
        text = (data.get("text") or "").strip()
        return text_answer_parse(text, limit=ESSAY_MAX_LENGTH)

    def answer_blank(self, response: dict | None) -> bool:
        return essay_is_blank(response=response)

    def answer_data(self, snapshot: dict, data, *, right: bool) -> None:
        data["text"] = "Jawaban esai latihan." if right else "?"
