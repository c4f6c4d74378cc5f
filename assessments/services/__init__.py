"""Writes for assessments: attempts, answers, marking and regrades (imports
are in assessments/importers/). Grading, deadlines and attempt limits are
decided here, on the server; views only translate requests into these
calls. A refusal is `Refused` (assessments.errors), with a message for the
person asking. Every name is re-exported here, so `from
assessments.services import X` works for all of them."""

from ..errors import Refused
from ..kinds.essay import essay_is_blank
from ..snapshots import snapshot_for
from .answers import (
    attempt_answer,
    attempt_item_answer,
    response_is_blank,
    response_parse,
)
from .attempts import (
    attempt_start,
    attempt_submit,
    attempts_close_expired,
    quiz_course,
)
from .marking import essay_mark
from .regrade import question_regrade, regrade_request

__all__ = [
    "Refused",
    "attempt_answer",
    "attempt_item_answer",
    "attempt_start",
    "attempt_submit",
    "attempts_close_expired",
    "essay_is_blank",
    "essay_mark",
    "question_regrade",
    "quiz_course",
    "regrade_request",
    "response_is_blank",
    "response_parse",
    "snapshot_for",
]
