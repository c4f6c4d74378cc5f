"""Question kinds: one module per kind, dispatched from one table.

Everything Sinau does differently per kind of question lives in that
kind's module (a `Kind` subclass, see kinds/base.py): its admin panels and
checks, what an attempt freezes of it (the snapshot), how a posted answer
is read, how it is credited, and its template
(templates/assessments/kinds/<kind>.html). Everything else asks the table:

    kind = kind_for(question.kind)        # or kind_for(snapshot["kind"])
    kind.response_parse(snapshot, request.POST)

A new kind is one module here, one entry in KINDS, one QuestionKind choice
(models/bank.py, with its migration), one template and one test file.
This package imports no models: the models and services import it."""

from __future__ import annotations

from .base import Kind
from .description import Description
from .essay import Essay
from .matching import Matching
from .multiple import MultipleChoice
from .numeric import Numeric
from .ordering import Ordering
from .short_answer import ShortAnswer
from .single import SingleChoice
from .true_false import TrueFalse

# In the order of QuestionKind (the admin lists the kinds in that order).
KINDS: dict[str, Kind] = {
    kind.value: kind
    for kind in (
        SingleChoice(),
        MultipleChoice(),
        TrueFalse(),
        Numeric(),
        Ordering(),
        Essay(),
        ShortAnswer(),
        Matching(),
        Description(),
    )
}

# What a value missing from the table gets (kinds.base.Kind's defaults).
UNKNOWN = Kind()

# Kinds whose answers a trainer marks (the marking queue's filter).
KINDS_MARKED_BY_HAND = [value for value, kind in KINDS.items() if kind.marked_by_hand]
# Kinds that ask nothing: never drawn at random, counted or graded.
KINDS_ASKING_NOTHING = [value for value, kind in KINDS.items() if not kind.asks]


def kind_for(value: str | None) -> Kind:
    """The kind of a question or snapshot, by its `kind` value. A value not
    in KINDS (none yet, or from corrupt data) gets the base `Kind`: no
    panels or answer rows, nothing to parse, no automatic credit."""
    return KINDS.get(value, UNKNOWN)


# The admin's "choose its type" page (admin/question_views.py).
KIND_HELP = {value: kind.help_text for value, kind in KINDS.items()}
