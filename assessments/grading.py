"""Grading from a question snapshot and a response: pure functions, no
database, so a 50-question attempt is graded without a query per question.

A snapshot (built by `snapshot_for`) looks like:
  {"kind": "single", "text": "<p>…</p>", "points": 1, "explanation": ...,
   "image": {"id": 4, "alt": ...} | None,
   "outcome_feedback": {"correct": ..., "partial": ..., "incorrect": ...},
   "choices": [{"id": 7, "key": "3f9a01c2", "text": ..., "fraction": "50",
                "correct": true, "feedback": ..., "image": {...} | None}, ...],
   "scoring": "partial" | "all_or_nothing",            # multiple
   "answer": true, "true_feedback": ..., "false_feedback": ...,
   "value_keys": {"true": "a1b2c3d4", "false": "e5f6a7b8"},  # true/false
   "answers": [{"id": 3, "number": "9.80665", "tolerance": "0.00001",
                "fraction": "100", "feedback": ...}], "unit": "%",  # numeric
   "answers": [{"id": 3, "text": "Jakarta*", "fraction": "100", ...}],
   "case_sensitive": false,                                  # short answer
   "choices": [{"id": 9, "key": ..., "text": item, "match": answer}],
   "options": [{"key": "5e6f7a8b", "text": answer}],          # matching
   "rubric": ..., "product": {...}}                           # essay
`id` is the bank's Choice id and never reaches the page; `key` (and
`value_keys`, the matching `options`' keys) are random per attempt and are
what the answer form posts. For ordering questions `choices` is the display
order and `correct_order` the ids in the right order. Fractions are percent
strings (Moodle's grades: 100, 50, 33.33333, -50).

Snapshots taken before fractions existed have `correct` but no `fraction`
(read as 100 / 0), no `scoring` (multiple: all or nothing) and a numeric
`answer` + `tolerance` instead of `answers`; they grade as they always did.

Responses (ids, mapped from keys on save):
  single {"choice": id}; multiple {"choices": [ids]}; true_false
  {"value": bool}; numeric {"raw": "1.250", "value": "1250", "other": "1.250"}
  ("other" only for an ambiguous notation, see assessments.numbers); ordering
  {"order": [ids]}; essay {"text": ...}; short answer {"text": ...};
  matching {"pairs": {"<item id>": "<answer text>", ...}}.

Scores: the question's points times a credit between 0 and 1, to the
cent. Single choice: the chosen choice's fraction (two 100% choices both
give full marks). Multiple, "partial": the sum of the chosen fractions,
floored at 0 and capped at 100; "all_or_nothing": full marks for exactly the
choices with positive credit. Numeric and short answer: the best credit of
the accepted answers the response matches. Matching: proportional, one
equal share of the points per item matched right (no penalty for a wrong
pair). Description items: 0 of 0 points, `is_correct` None (nothing to
answer). `is_correct` is True for full marks only.
"""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from .models import QuestionKind

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


def grade(snapshot: dict, response: dict | None) -> tuple[Decimal | None, bool | None]:
    """(points, is_correct) for an automatically graded question; essays
    return (None, None): a trainer marks them. No answer scores zero."""
    kind = snapshot["kind"]
    full = Decimal(snapshot["points"])
    if kind == QuestionKind.ESSAY:
        return None, None
    if kind == QuestionKind.DESCRIPTION:
        return Decimal(0), None
    credit = credit_for(snapshot, response) if response else Decimal(0)
    points = (full * credit).quantize(CENT, rounding=ROUND_HALF_UP)
    return points, credit >= 1


def credit_for(snapshot: dict, response: dict) -> Decimal:
    """The share of the points `response` earns, from 0 to 1."""
    kind = snapshot["kind"]
    if kind == QuestionKind.SINGLE:
        chosen = response.get("choice")
        percent = next(
            (_fraction(c) for c in snapshot["choices"] if c["id"] == chosen),
            Decimal(0),
        )
        return _share(percent)
    if kind == QuestionKind.MULTIPLE:
        chosen = set(response.get("choices") or [])
        if snapshot.get("scoring", "all_or_nothing") == "all_or_nothing":
            right = {c["id"] for c in snapshot["choices"] if _fraction(c) > 0}
            return Decimal(1) if chosen == right else Decimal(0)
        percent = sum(
            (_fraction(c) for c in snapshot["choices"] if c["id"] in chosen),
            Decimal(0),
        )
        return _share(percent)
    if kind == QuestionKind.TRUE_FALSE:
        return Decimal(response.get("value") is snapshot["answer"])
    if kind == QuestionKind.NUMERIC:
        return _share(_numeric_percent(snapshot, response))
    if kind == QuestionKind.ORDERING:
        return Decimal(response.get("order") == snapshot["correct_order"])
    if kind == QuestionKind.SHORT_ANSWER:
        matched = short_answer_match(snapshot, response.get("text") or "")
        return _share(_fraction(matched) if matched else Decimal(0))
    if kind == QuestionKind.MATCHING:
        items = snapshot["choices"]
        if not items:
            return Decimal(0)
        pairs = response.get("pairs") or {}
        right = sum(1 for item in items if pairs.get(str(item["id"])) == item["match"])
        return Decimal(right) / Decimal(len(items))
    raise ValueError(f"unknown question kind {kind!r}")


def _share(percent: Decimal) -> Decimal:
    """A percent credit as a share, floored at 0 and capped at 1."""
    return min(max(percent, Decimal(0)), HUNDRED) / HUNDRED


def _fraction(row: dict) -> Decimal:
    """A row's credit in percent; old snapshots have only `correct`."""
    if row.get("fraction") is not None:
        try:
            return Decimal(str(row["fraction"]))
        except InvalidOperation:
            return Decimal(0)
    return HUNDRED if row.get("correct") else Decimal(0)


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
    two and either may match (rule 6 in assessments.numbers). Unreadable
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
            best is None or _fraction(answer) > _fraction(best)
        ):
            best = answer
    return best


def _numeric_percent(snapshot: dict, response: dict) -> Decimal:
    matched = numeric_match(snapshot, response)
    return _fraction(matched) if matched else Decimal(0)


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
            best is None or _fraction(answer) > _fraction(best)
        ):
            best = answer
    return best
