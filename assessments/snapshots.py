"""What an attempt freezes of a question, and the answer form built from it.

`AttemptQuestion.snapshot` holds the question's text, choices (in the order
shown, with opaque form keys) and answer key at the time the attempt
started, so editing a question never rewrites history; a regrade replaces
the answer key only (`snapshot_corrected`). The fields every snapshot has
are in kinds/base.py, each kind's own in its module (kinds/<kind>.py)."""

from __future__ import annotations

import random

from .kinds import kind_for
from .kinds.base import image, option_keys


def snapshot_add_keys(snapshot: dict) -> dict:
    """Give every choice of `snapshot` (the items of a matching question,
    each matching answer, and the two answers of a true/false question) an
    opaque form key, keeping any it has. Returns the snapshot."""
    rows = [*(snapshot.get("choices") or []), *(snapshot.get("options") or [])]
    missing = [row for row in rows if not row.get("key")]
    for row, key in zip(missing, option_keys(len(missing)), strict=True):
        row["key"] = key
    kind_for(snapshot.get("kind")).snapshot_keys_add(snapshot)
    return snapshot


def snapshot_key(question, rows: list) -> dict:
    """The parts of a snapshot a regrade may change: the answer key."""
    return {
        "points": question.points,
        **kind_for(question.kind).snapshot_key(question, rows),
    }


def snapshot_for(question, *, shuffle_choices: bool, rng: random.Random) -> dict:
    """Freeze `question` (a Question with its `choices`) as the trainee will
    see it. Each choice keeps its bank id (server side only, for grading
    and regrades) and gets a random `key`, the only value the answer form
    shows. How the kind orders its choices (kinds/<kind>.py): `rng`
    shuffles, `shuffle_choices` is the quiz's setting."""
    rows = list(question.choices.all())
    snapshot = {
        "kind": question.kind,
        "text": question.text,
        "image": image(question.image_id, question.image_alt),
        "points": question.points,
        "explanation": question.explanation,
        "outcome_feedback": {
            "correct": question.correct_feedback,
            "partial": question.partial_feedback,
            "incorrect": question.incorrect_feedback,
        },
        "choices": [],
    }
    snapshot.update(
        kind_for(question.kind).snapshot(
            question, rows, shuffle_choices=shuffle_choices, rng=rng
        )
    )
    snapshot.update(snapshot_key(question, rows))
    return snapshot_add_keys(snapshot)


def snapshot_corrected(snapshot: dict, question) -> dict:
    """`snapshot` with `question`'s current answer key and points; the text,
    choices, their order and form keys stay as the trainee saw them."""
    snapshot = dict(snapshot)
    rows = list(question.choices.all())
    snapshot.update(snapshot_key(question, rows))
    return kind_for(question.kind).snapshot_corrected(snapshot, question, rows)


def answer_form_context(snapshot: dict, response: dict) -> dict:
    """What templates/assessments/includes/question_body.html needs to show
    the question of `snapshot` with `response` filled in: the kind (its
    template) and what that template needs; form values are the snapshot's
    opaque keys only. Also used by the admin preview."""
    kind = kind_for(snapshot["kind"])
    return {
        "snapshot": snapshot,
        "response": response,
        "question_kind": kind,
        **kind.form_context(snapshot, response),
    }
