"""What a question kind is (`Kind`), with the behaviour a kind has unless
its module says otherwise, and the helpers the kind modules share.

A snapshot (what an attempt freezes, assessments.snapshots) has the fields
every kind has, then those its kind adds (see the kind's module):
  {"kind": "single", "text": "<p>…</p>", "points": 1, "explanation": ...,
   "image": {"id": 4, "alt": ...} | None,
   "outcome_feedback": {"correct": ..., "partial": ..., "incorrect": ...},
   "choices": [...], ...}
`id` is the bank's Choice id and never reaches the page; `key` (and the
true/false `value_keys`, the matching `options`' keys) are random per
attempt and are what the answer form posts. Fractions are percent strings
(Moodle's grades: 100, 50, 33.33333, -50). Snapshots taken before
fractions existed have `correct` but no `fraction` (read as 100 / 0) and
grade as they always did.

A response stores the ids the posted keys stand for (`response_parse`).
Credit is the share of the points a response earns, from 0 to 1;
assessments.grading turns it into points."""

from __future__ import annotations

import secrets
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel

from ..errors import Refused
from ..text import text_storable

HUNDRED = Decimal(100)


class Kind:
    """One kind of question, as every part of Sinau asks about it: the
    admin form's panels and checks, the snapshot an attempt freezes, how a
    posted answer is read and credited, and the template that shows it.

    The defaults are those of a kind with nothing to post: no answer rows,
    nothing to parse, no automatic credit. A value missing from the table
    (kinds.kind_for) gets them too."""

    value = ""  # the QuestionKind value, the key in kinds.KINDS
    help_text = ""  # on the admin's "choose its type" page
    asks = True  # False: an information item, no answer and no points
    marked_by_hand = False  # True: a trainer gives the points (essays)
    rows_are_html = True  # Choice.text is HTML (False: plain text as typed)
    error_field = "value"  # the field the error summary links to

    @property
    def template(self) -> str:
        """The kind's template, rendered with `part` "answer" (the answer
        form), "review" (the answer against the key, after the attempt) or
        "overview" (a line on the review-and-submit page). A value missing
        from the table gets `unknown.html`, which renders nothing."""
        return f"assessments/kinds/{self.value or 'unknown'}.html"

    # -- authoring ----------------------------------------------------------

    def panels(self) -> list:
        """The admin form's panels for this kind's own fields (the fields
        every question has are models.question_panels')."""
        return []

    def fields(self) -> list[str]:
        """The Question fields this kind's panels offer, e.g. whether its
        questions have `keep_choice_order` or the feedback by result."""
        return panel_fields(self.panels())[0]

    def row_fields(self) -> list[str]:
        """The Choice fields of this kind's answer rows ([]: no rows)."""
        return panel_fields(self.panels())[1]

    @property
    def answer_rows(self) -> bool:
        """Its answers are Choice rows (`question.choices`)."""
        return bool(self.row_fields())

    def question_problems(self, question) -> dict[str, str]:
        """Field errors that keep `question` from being saved (model
        clean), {} when there are none."""
        return {}

    def rows_problems(self, rows: list[dict], cleaned: dict) -> list[str]:
        """What keeps a question with answer rows `rows` (cleaned Choice
        form data) and fields `cleaned` from being graded; [] when it can
        be (Moodle's own checks: full credit reachable, multiple-choice
        credits adding up to 100%)."""
        if rows:
            return [_("This type of question has no choices.")]
        return []

    # -- the snapshot -------------------------------------------------------

    def snapshot(self, question, rows: list, *, shuffle_choices: bool, rng) -> dict:
        """The fields this kind adds to the snapshot of `question` (answer
        rows `rows`), in the order shown; `rng` shuffles."""
        return {}

    def snapshot_key(self, question, rows: list) -> dict:
        """The answer key in the snapshot beyond the points: what a
        regrade replaces."""
        return {}

    def snapshot_keys_add(self, snapshot: dict) -> None:
        """Give the kind's own form values opaque keys, keeping any."""

    def snapshot_corrected(self, snapshot: dict, question, rows: list) -> dict:
        """`snapshot` (a copy, with the new key and points) carrying
        `question`'s current answer key in its rows too; what the trainee
        saw (text, choices, order, keys) stays. By default each choice
        takes its row's current credit."""
        if not snapshot.get("choices"):
            return snapshot
        key = {c.pk: c.fraction for c in rows}
        snapshot["choices"] = [
            {
                **c,
                "fraction": str(key[c["id"]]) if c["id"] in key else c.get("fraction"),
                "correct": key[c["id"]] > 0 if c["id"] in key else c["correct"],
            }
            for c in snapshot["choices"]
        ]
        return snapshot

    def form_context(self, snapshot: dict, response: dict) -> dict:
        """What the kind's form template needs beyond the snapshot and the
        response: form values are the snapshot's opaque keys only."""
        return {}

    # -- answers ------------------------------------------------------------

    def response_blank(self, snapshot: dict, data) -> bool:
        """Nothing was picked, typed or placed in the posted form `data`
        (the trainee moved on without answering)."""
        return True

    def response_parse(self, snapshot: dict, data) -> dict:
        """The response for posted form `data`; Refused, with a message
        the trainee understands, when it is not a valid answer."""
        raise Refused(_("This question cannot be answered."))

    def answer_blank(self, response: dict | None) -> bool:
        """For a kind marked by hand: nothing to read in `response`, so it
        scores 0 at submission and is never queued."""
        return not response

    def credit(self, snapshot: dict, response: dict) -> Decimal:
        """The share of the points `response` earns, from 0 to 1."""
        raise ValueError(f"unknown question kind {snapshot.get('kind')!r}")

    def matched_feedback(self, snapshot: dict, response: dict) -> str:
        """The feedback of the accepted answer `response` matched ('')."""
        return ""

    def answer_data(self, snapshot: dict, data, *, right: bool) -> None:
        """Fill the QueryDict `data` with a right (or wrong) answer, as a
        trainee would post it (the demo and tests)."""


# -- helpers shared by the kind modules ----------------------------------------


def fraction(row: dict) -> Decimal:
    """A snapshot row's credit in percent; old snapshots have only
    `correct` (100 or 0)."""
    if row.get("fraction") is not None:
        try:
            return Decimal(str(row["fraction"]))
        except InvalidOperation:
            return Decimal(0)
    return HUNDRED if row.get("correct") else Decimal(0)


def share(percent: Decimal) -> Decimal:
    """A percent credit as a share, floored at 0 and capped at 1."""
    return min(max(percent, Decimal(0)), HUNDRED) / HUNDRED


def image(image_id, alt: str) -> dict | None:
    """A picture in a snapshot: {"id", "alt"}, or None without one."""
    return {"id": image_id, "alt": alt} if image_id else None


def option_keys(count: int) -> list[str]:
    """`count` distinct random tokens, the values and field names the answer
    form uses instead of choice ids: they say nothing about which choice is
    right or in which order the items belong. Stored in the snapshot, so they
    stay the same for the whole attempt."""
    keys: list[str] = []
    while len(keys) < count:
        key = secrets.token_hex(4)
        if key not in keys:
            keys.append(key)
    return keys


def choice_ids_by_key(snapshot: dict) -> dict[str, int]:
    """The snapshot's choices: opaque form key -> bank id."""
    return {c["key"]: c["id"] for c in snapshot["choices"] if c.get("key")}


def choice_rows(rows: list) -> list[dict]:
    """Choice rows as snapshot choices (choice kinds and ordering)."""
    return [
        {
            "id": c.pk,
            "text": c.text,
            "image": image(c.image_id, c.image_alt),
            "fraction": str(c.fraction),
            "correct": c.is_correct,
            "feedback": c.feedback,
        }
        for c in rows
    ]


def options(snapshot: dict, response: dict) -> list[dict]:
    """The choices as shown, each with its opaque form key and what the
    trainee saved for it. Choice ids stay on the server."""
    chosen = set(response.get("choices") or []) | {response.get("choice")}
    order = response.get("order") or []
    return [
        {
            "key": c["key"],
            "text": c["text"],
            "image": c.get("image"),
            "checked": c["id"] in chosen,
            "position": order.index(c["id"]) + 1 if c["id"] in order else None,
        }
        for c in snapshot["choices"]
    ]


def panel_fields(panels: list) -> tuple[list[str], list[str]]:
    """The Question field names and the Choice (answer row) field names
    that `panels` offer, in order."""
    question: list[str] = []
    rows: list[str] = []
    for panel in panels:
        if isinstance(panel, InlinePanel):
            rows += panel_fields(panel.panels or [])[0]
        elif hasattr(panel, "children"):
            more, more_rows = panel_fields(panel.children)
            question += more
            rows += more_rows
        else:
            question.append(panel.field_name)
    return question, rows


def outcome_panel() -> MultiFieldPanel:
    """The feedback for a right, partly right or wrong answer (Moodle's
    combined feedback), for kinds that can be partly right."""
    return MultiFieldPanel(
        [
            FieldPanel("correct_feedback"),
            FieldPanel("partial_feedback"),
            FieldPanel("incorrect_feedback"),
        ],
        heading=gettext_lazy("Feedback by result"),
    )


def text_answer_parse(text: str, *, limit: int) -> dict:
    """The response {"text": text} for an answer typed in the form (already
    trimmed), or Refused when it is empty, holds characters the database
    cannot store or is longer than `limit` characters."""
    if not text:
        raise Refused(_("Write your answer first."))
    if not text_storable(text):
        raise Refused(_("Your answer contains characters that cannot be saved."))
    if len(text) > limit:
        raise Refused(
            _("Your answer is too long: at most %(n)s characters.") % {"n": limit}
        )
    return {"text": text}
