"""Grading from a question snapshot and a response: pure functions, no
database, so a 50-question attempt is graded without a query per question.

A snapshot (built by `snapshot_for`) looks like:
  {"kind": "single", "text": ..., "points": 1, "explanation": ...,
   "choices": [{"id": 7, "key": "3f9a01c2", "text": ..., "correct": true,
                "feedback": ...}, ...],
   "answer": true | "2.5", "tolerance": "0.05", "unit": "%",
   "value_keys": {"true": "a1b2c3d4", "false": "e5f6a7b8"},  # true/false
   "rubric": ..., "product": {...}}
`id` is the bank's Choice id and never reaches the page; `key` (and
`value_keys`) are random per attempt and are what the answer form posts.
For ordering questions `choices` is the display order and `correct_order`
the ids in the right order. Responses (ids, mapped from keys on save):
  single {"choice": id}; multiple {"choices": [ids]}; true_false
  {"value": bool}; numeric {"raw": "1.250", "value": "1250", "other": "1.250"}
  ("other" only for an ambiguous notation, see assessments.numbers); ordering
  {"order": [ids]}; essay {"text": ...}.
"""

from decimal import Decimal, InvalidOperation

from .models import QuestionKind


def grade(snapshot: dict, response: dict | None) -> tuple[Decimal | None, bool | None]:
    """(points, is_correct) for an automatically graded question; essays
    return (None, None): a trainer marks them. No answer scores zero."""
    kind = snapshot["kind"]
    full = Decimal(snapshot["points"])
    if kind == QuestionKind.ESSAY:
        return None, None
    correct = bool(response) and _is_correct(kind, snapshot, response)
    return (full if correct else Decimal(0)), correct


def _is_correct(kind: str, snapshot: dict, response: dict) -> bool:
    if kind == QuestionKind.SINGLE:
        right = [c["id"] for c in snapshot["choices"] if c["correct"]]
        return [response.get("choice")] == right
    if kind == QuestionKind.MULTIPLE:
        right = {c["id"] for c in snapshot["choices"] if c["correct"]}
        return set(response.get("choices") or []) == right
    if kind == QuestionKind.TRUE_FALSE:
        return response.get("value") is snapshot["answer"]
    if kind == QuestionKind.NUMERIC:
        return _numeric_correct(snapshot, response)
    if kind == QuestionKind.ORDERING:
        return response.get("order") == snapshot["correct_order"]
    raise ValueError(f"unknown question kind {kind!r}")


def _numeric_correct(snapshot: dict, response: dict) -> bool:
    """Whether the reading of the trainee's number closest to the correct
    number is within the tolerance (inclusive). An unambiguous notation has
    one reading; an ambiguous one (`1.250`) has two, so it is right when
    either is (rule 6 in assessments.numbers). Unreadable stored values
    count as wrong."""
    try:
        answer = Decimal(snapshot["answer"])
        tolerance = Decimal(snapshot["tolerance"])
        readings = [
            Decimal(response[key])
            for key in ("value", "other")
            if response.get(key) is not None
        ]
        return any(abs(reading - answer) <= tolerance for reading in readings)
    except (InvalidOperation, KeyError, TypeError, ValueError):
        return False
