"""The table of question kinds (assessments/kinds/): every type a question
can have is one module there with every hook, one template, and answers,
grades and renders through the table alone. A new QuestionKind choice
without its module, hook or template fails here."""

import random
from decimal import Decimal

import pytest
from django.template import engines
from django.template.base import TextNode
from django.template.loader import get_template, render_to_string

from assessments.demo import answer_data
from assessments.errors import Refused
from assessments.grading import grade
from assessments.kinds import (
    KIND_HELP,
    KINDS,
    KINDS_ASKING_NOTHING,
    KINDS_MARKED_BY_HAND,
    UNKNOWN,
    Kind,
    kind_for,
)
from assessments.models import AttemptQuestion, Choice, Question, QuestionKind
from assessments.snapshots import answer_form_context, snapshot_for
from tests.content.test_fragment_keys import PER_REQUEST, _nodes, _texts
from tests.factories.assessments import question

HOOKS = [
    "panels",
    "question_problems",
    "rows_problems",
    "snapshot",
    "snapshot_key",
    "snapshot_keys_add",
    "snapshot_corrected",
    "form_context",
    "response_blank",
    "response_parse",
    "answer_blank",
    "credit",
    "matched_feedback",
    "answer_data",
]
FLAGS = ["asks", "marked_by_hand", "answer_rows", "rows_are_html"]


def test_the_table_has_every_question_kind_in_its_order_and_nothing_else():
    assert list(KINDS) == list(QuestionKind.values)
    assert list(KIND_HELP) == list(QuestionKind.values)


@pytest.mark.parametrize("value", QuestionKind.values)
def test_each_kind_is_its_own_module(value):
    kind = KINDS[value]
    assert isinstance(kind, Kind)
    assert kind.value == value
    assert type(kind).__module__ == f"assessments.kinds.{value}"


@pytest.mark.parametrize("value", QuestionKind.values)
def test_each_kind_has_every_hook_and_flag(value):
    kind = KINDS[value]
    for name in HOOKS:
        assert callable(getattr(kind, name)), name
    for name in FLAGS:
        assert isinstance(getattr(kind, name), bool), name
    assert str(kind.help_text)
    assert kind.error_field


@pytest.mark.parametrize("value", QuestionKind.values)
def test_each_kind_has_its_template(value):
    assert KINDS[value].template == f"assessments/kinds/{value}.html"
    get_template(KINDS[value].template)


@pytest.mark.parametrize("value", QuestionKind.values)
def test_each_kinds_fields_are_fields_of_questions_and_choices(value):
    kind = KINDS[value]
    assert set(kind.fields()) <= {f.name for f in Question._meta.get_fields()}
    assert set(kind.row_fields()) <= {f.name for f in Choice._meta.get_fields()}


def test_which_kinds_have_answer_rows_an_order_to_keep_and_feedback_by_result():
    """What importers and exporters read from the table, as the bank has it."""

    def having(test) -> list[str]:
        return [value for value, kind in KINDS.items() if test(kind)]

    assert having(lambda k: k.answer_rows) == [
        "single",
        "multiple",
        "numeric",
        "ordering",
        "short_answer",
        "matching",
    ]
    assert having(lambda k: not k.rows_are_html) == ["short_answer"]
    assert having(lambda k: "keep_choice_order" in k.fields()) == [
        "single",
        "multiple",
        "matching",
    ]
    assert having(lambda k: "correct_feedback" in k.fields()) == [
        "single",
        "multiple",
        "ordering",
        "matching",
    ]


@pytest.mark.parametrize("value", QuestionKind.values)
def test_no_kind_template_shows_a_per_request_value(value):
    """The answer form is a shared fragment (attempt_question.html's
    "question_body", keyed on the question and the answer) that includes
    the kind's template by name, which the fragment scan
    (tests/content/test_fragment_keys.py) cannot follow: each kind's
    template is scanned here the same way, none of those values in its key."""
    engine = engines["django"]
    template = engine.get_template(KINDS[value].template).template
    used = [
        name
        for node in _nodes(template.nodelist, engine)
        if not isinstance(node, TextNode)
        for text in _texts(node)
        for name in PER_REQUEST.findall(text)
    ]
    assert used == []


def test_only_essays_are_marked_by_hand_and_only_descriptions_ask_nothing():
    assert KINDS_MARKED_BY_HAND == [QuestionKind.ESSAY]
    assert KINDS_ASKING_NOTHING == [QuestionKind.DESCRIPTION]


def test_a_value_missing_from_the_table_gets_the_base_kind():
    kind = kind_for("cloze")
    assert kind is UNKNOWN
    assert kind.panels() == []
    assert kind.response_blank({"kind": "cloze", "choices": []}, {}) is True
    with pytest.raises(Refused):
        kind.response_parse({"kind": "cloze", "choices": []}, {})
    with pytest.raises(ValueError, match="unknown question kind 'cloze'"):
        grade({"kind": "cloze", "points": 1, "choices": []}, {"text": "x"})
    assert grade({"kind": "cloze", "points": 1, "choices": []}, None) == (
        Decimal("0.00"),
        False,
    )


def _snapshot(value) -> dict:
    bank = Question.objects.prefetch_related("choices").get(pk=question(value).pk)
    return snapshot_for(bank, shuffle_choices=True, rng=random.Random(3))  # noqa: S311


@pytest.mark.django_db
@pytest.mark.parametrize("value", QuestionKind.values)
def test_each_kind_renders_its_form_and_takes_a_right_answer(value):
    kind = KINDS[value]
    snapshot = _snapshot(value)
    html = render_to_string(
        "assessments/includes/question_body.html", answer_form_context(snapshot, {})
    )
    assert ("<fieldset" in html) is kind.asks
    data = answer_data(snapshot, right=True)
    if not kind.asks:
        assert kind.response_blank(snapshot, data)
        with pytest.raises(Refused):
            kind.response_parse(snapshot, data)
        assert grade(snapshot, None) == (Decimal(0), None)
        return
    assert not kind.response_blank(snapshot, data)
    response = kind.response_parse(snapshot, data)
    if kind.marked_by_hand:
        assert grade(snapshot, response) == (None, None)
        return
    assert grade(snapshot, response) == (Decimal(snapshot["points"]), True)


@pytest.mark.django_db
@pytest.mark.parametrize("value", QuestionKind.values)
def test_each_kind_reviews_an_answer_through_its_template(value):
    kind = KINDS[value]
    snapshot = _snapshot(value)
    response = (
        kind.response_parse(snapshot, answer_data(snapshot, right=False))
        if kind.asks
        else None
    )
    points, _right = grade(snapshot, response)
    item = AttemptQuestion(
        snapshot=snapshot,
        response=response,
        order=1,
        points=points,
        max_points=Decimal(snapshot["points"]),
    )
    item.reread = None
    html = render_to_string("assessments/includes/review_item.html", {"item": item})
    assert item.question_kind is kind
    # A description item is shown as information, under the "pending" look.
    assert f"review--{item.outcome if kind.asks else 'pending'}" in html


def test_a_value_missing_from_the_table_still_renders_its_question():
    # Before the kinds table, question_body.html and review_item.html showed
    # a snapshot of an unknown kind (text, no answer widgets); the base Kind's
    # template "assessments/kinds/.html" does not exist, so the page is a 500.
    snapshot = {
        "kind": "cloze",
        "text": "<p>Isian</p>",
        "points": 1,
        "image": None,
        "choices": [],
        "outcome_feedback": {},
    }
    html = render_to_string(
        "assessments/includes/question_body.html", answer_form_context(snapshot, {})
    )
    assert "Isian" in html
    item = AttemptQuestion(order=1, snapshot=snapshot, response=None)
    html = render_to_string("assessments/includes/review_item.html", {"item": item})
    assert "Isian" in html
