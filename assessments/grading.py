"""Grading from a question snapshot and a response: pure functions, no
database, so a 50-question attempt is graded without a query per question.

Scores: the question's points times the credit its kind gives the response
(kinds/<kind>.py, a share between 0 and 1), to the cent. A kind marked by
hand (essays) waits for a trainer; a kind that asks nothing (description
items) gives 0 of 0 points and `is_correct` None. `is_correct` is True
for full marks only. The snapshot and response shapes are in kinds/."""

from decimal import ROUND_HALF_UP, Decimal

from .kinds import kind_for

CENT = Decimal("0.01")


def grade(snapshot: dict, response: dict | None) -> tuple[Decimal | None, bool | None]:
    """(points, is_correct) for an automatically graded question; essays
    return (None, None): a trainer marks them. No answer scores zero.
    ValueError for a response to a kind that is not in the table."""
    kind = kind_for(snapshot["kind"])
    full = Decimal(snapshot["points"])
    if kind.marked_by_hand:
        return None, None
    if not kind.asks:
        return Decimal(0), None
    credit = kind.credit(snapshot, response) if response else Decimal(0)
    points = (full * credit).quantize(CENT, rounding=ROUND_HALF_UP)
    return points, credit >= 1
