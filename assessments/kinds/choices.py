"""What single and multiple choice questions share: choices with text or
a picture and a credit each, shown mixed, picked by their opaque keys.

Snapshot: "choices": [{"id": 7, "key": "3f9a01c2", "text": ..., "image":
{...} | None, "fraction": "50", "correct": true, "feedback": ...}, ...] in
the order shown."""

from __future__ import annotations

import random

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.panels import FieldPanel, InlinePanel

from ..rich_text import html_to_text
from .base import Kind, choice_rows, fraction, options


def choice_panels() -> list:
    """The fields of one choice in the admin form."""
    return [
        FieldPanel("text"),
        FieldPanel("image"),
        FieldPanel("image_alt"),
        FieldPanel("fraction"),
        FieldPanel("feedback"),
    ]


def choices_panel() -> InlinePanel:
    return InlinePanel("choices", label=gettext_lazy("Choices"), panels=choice_panels())


class ChoiceKind(Kind):
    error_field = "choice-1"

    def rows_problems(self, rows: list[dict], cleaned: dict) -> list[str]:
        if len(rows) < 2:
            return [_("Give at least two choices.")]
        if any(
            not html_to_text(r.get("text") or "") and not r.get("image") for r in rows
        ):
            return [_("Give every choice a text or an image.")]
        return []

    def snapshot(self, question, rows: list, *, shuffle_choices: bool, rng) -> dict:
        """Choices are never shown in the order written unless the question
        says `keep_choice_order`: a new order per attempt with
        `shuffle_choices`, else one order per question that every trainee
        shares."""
        choices = choice_rows(rows)
        if not question.keep_choice_order:
            # Authors put the correct choice first; the order written is never
            # shown. Without per-attempt shuffling, one order per question that
            # every trainee shares (seeded by the question, not by correctness).
            if shuffle_choices:
                rng.shuffle(choices)
            else:
                random.Random(f"choices-{question.pk}").shuffle(choices)  # noqa: S311
        return {"choices": choices}

    def form_context(self, snapshot: dict, response: dict) -> dict:
        return {"options": options(snapshot, response)}

    def picked(self, snapshot: dict, *, right: bool) -> list[str]:
        """The keys of the choices with credit (or, `right` False, without),
        the first choice if there is none."""
        return [
            c["key"] for c in snapshot["choices"] if (fraction(c) > 0) == right
        ] or [snapshot["choices"][0]["key"]]
