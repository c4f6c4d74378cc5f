"""Answers never leak through the markup: the answer forms carry per-attempt
opaque keys, never the question bank's choice ids, so a page's source says
nothing about which choice is right or in which order items belong."""

import importlib
from html.parser import HTMLParser

import pytest
from django.apps import apps as django_apps
from django.urls import reverse

from assessments.demo import answer_data
from assessments.models import AttemptQuestion, Choice, QuizPage
from assessments.services import attempt_answer, attempt_start, attempt_submit
from tests.factories.assessments import question, quiz_in

pytestmark = pytest.mark.django_db

SIZE = 30  # questions of each kind


class _Fields(HTMLParser):
    """The answer controls inside the question's fieldset, in page order:
    (tag, name, value, label text) for inputs and selects."""

    def __init__(self):
        super().__init__()
        self.in_fieldset = False
        self.fields: list[dict] = []
        self.labels: dict[str, str] = {}
        self._label_for = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "fieldset":
            self.in_fieldset = True
        elif self.in_fieldset and tag in ("input", "select", "textarea"):
            self.fields.append({"tag": tag, **attrs})
        elif self.in_fieldset and tag == "label":
            self._label_for = attrs.get("for")

    def handle_endtag(self, tag):
        if tag == "fieldset":
            self.in_fieldset = False
        if tag == "label":
            self._label_for = None

    def handle_data(self, data):
        if self._label_for:
            self.labels[self._label_for] = (
                self.labels.get(self._label_for, "") + data
            ).strip()


def _fields(body: str) -> list[dict]:
    parser = _Fields()
    parser.feed(body)
    for field in parser.fields:
        field["label"] = parser.labels.get(field.get("id"), "")
    return parser.fields


def _author_style(kind: str, n: int):
    """A question written the way authors tend to: the right choice first
    (so it also has the lowest id)."""
    q = question(kind, text=f"Soal {kind} {n}?")
    if kind == "single":
        q.choices.all().delete()
        Choice.objects.bulk_create(
            Choice(question=q, text=t, fraction=100 if c else 0, sort_order=i)
            for i, (t, c) in enumerate(
                [(f"Benar {n}", True), (f"Salah {n}a", False), (f"Salah {n}b", False)]
            )
        )
    return q


def _pages(client, learner, course):
    """Every question page of one attempt at a quiz of SIZE questions of
    each choice kind, as the trainee receives them."""
    questions = [
        _author_style(kind, n)
        for kind in ("single", "multiple", "true_false", "ordering")
        for n in range(SIZE)
    ]
    quiz = quiz_in(course, questions)
    attempt = attempt_start(user=learner, quiz=quiz)
    client.force_login(learner)
    result = []
    for item in attempt.items.order_by("order"):
        url = reverse("assessments:question", args=[attempt.pk, item.order])
        body = client.get(url).content.decode()
        result.append((item, _fields(body)))
    return result


def _rank(values: list[str], value: str) -> int:
    ordered = sorted(values, key=lambda v: (len(v), v))
    return ordered.index(value)


def _check_no_choice_id_reaches_the_answer_form(pages):
    ids = {str(pk) for pk in Choice.objects.values_list("pk", flat=True)}
    for _item, fields in pages:
        for field in fields:
            for attribute in ("name", "value"):
                text = field.get(attribute) or ""
                parts = {text, *text.split("-")}
                assert not parts & ids, field


def _check_the_right_single_choice_has_no_telling_value(pages):
    ranks = []
    for item, fields in pages:
        if item.snapshot["kind"] != "single":
            continue
        values = [f["value"] for f in fields]
        right = next(f["value"] for f in fields if f["label"].startswith("Benar"))
        ranks.append(_rank(values, right))
    assert len(ranks) == SIZE
    # With the choice ids the right choice was the lowest value every time;
    # opaque keys spread it evenly over the three places.
    assert ranks.count(0) < SIZE * 0.7
    assert set(ranks) == {0, 1, 2}


def _check_the_right_multiple_choices_have_no_telling_values(pages):
    right_are_lowest = 0
    for item, fields in pages:
        if item.snapshot["kind"] != "multiple":
            continue
        ordered = sorted(fields, key=lambda f: (len(f["value"]), f["value"]))
        right_are_lowest += ["(benar)" in f["label"] for f in ordered] == [
            True,
            True,
            False,
        ]
    # One chance in three for each question; always, with the choice ids.
    assert right_are_lowest < SIZE * 0.8


def _check_true_false_values_differ_from_question_to_question(pages):
    true_values = [
        next(f["value"] for f in fields if f["label"] == "Benar")
        for item, fields in pages
        if item.snapshot["kind"] == "true_false"
    ]
    assert len(true_values) == SIZE
    assert "true" not in true_values
    assert len(set(true_values)) == SIZE


def _check_ordering_field_names_are_not_sorted_by_the_right_order(pages):
    in_right_order = 0
    shown_in_right_order = 0
    for item, fields in pages:
        if item.snapshot["kind"] != "ordering":
            continue
        selects = [f for f in fields if f["tag"] == "select"]
        labels = [f["label"] for f in selects]
        by_name = [
            f["label"]
            for f in sorted(selects, key=lambda f: (len(f["name"]), f["name"]))
        ]
        in_right_order += by_name == ["A", "B", "C", "D"]
        shown_in_right_order += labels == ["A", "B", "C", "D"]
    # One chance in 24 for each question; always, with the choice ids.
    assert in_right_order < SIZE * 0.3
    assert shown_in_right_order < SIZE * 0.3


def test_answer_forms_say_nothing_about_the_right_answer(client, learner, course):
    """One attempt at 4 x SIZE questions written with the right choice first
    (lowest id): field names and values give away neither which choice is
    right nor the right order. (Rendering the pages once keeps this fast.)"""
    pages = _pages(client, learner, course)
    _check_no_choice_id_reaches_the_answer_form(pages)
    _check_the_right_single_choice_has_no_telling_value(pages)
    _check_the_right_multiple_choices_have_no_telling_values(pages)
    _check_true_false_values_differ_from_question_to_question(pages)
    _check_ordering_field_names_are_not_sorted_by_the_right_order(pages)


def test_keys_are_new_for_each_attempt(learner, course):
    quiz = quiz_in(course, [question("single")], max_attempts=None)
    first = attempt_start(user=learner, quiz=quiz)
    keys = [c["key"] for c in first.items.get().snapshot["choices"]]
    attempt_submit(user=learner, attempt_id=first.pk)
    second = attempt_start(user=learner, quiz=quiz)
    assert not set(keys) & {c["key"] for c in second.items.get().snapshot["choices"]}


def test_a_choice_id_is_not_accepted_as_an_answer(learner, course):
    quiz = quiz_in(course, [question("single")])
    attempt = attempt_start(user=learner, quiz=quiz)
    right = Choice.objects.get(fraction=100)
    from django.http import QueryDict

    from assessments.services import Refused

    data = QueryDict(mutable=True)
    data["choice"] = str(right.pk)
    with pytest.raises(Refused):
        attempt_answer(user=learner, attempt_id=attempt.pk, order=1, data=data)
    assert attempt.items.get().response is None


def _migration():
    return importlib.import_module(
        "assessments.migrations.0003_opaque_keys_and_review_default"
    )


def test_snapshots_from_before_the_keys_get_keys_and_keep_their_answers(
    learner, course
):
    kinds = ["single", "multiple", "true_false", "ordering"]
    quiz = quiz_in(course, [question(k) for k in kinds])
    attempt = attempt_start(user=learner, quiz=quiz)
    items = list(attempt.items.order_by("order"))
    for item in items:
        attempt_answer(
            user=learner,
            attempt_id=attempt.pk,
            order=item.order,
            data=answer_data(item.snapshot, right=True),
        )
    # Make the snapshots look as they did before opaque keys existed.
    for item in AttemptQuestion.objects.filter(attempt=attempt):
        for choice in item.snapshot["choices"]:
            del choice["key"]
        item.snapshot.pop("value_keys", None)
        item.save(update_fields=["snapshot"])
    responses = list(attempt.items.order_by("order").values_list("response", flat=True))

    _migration().snapshots_add_keys(django_apps, None)

    for item in attempt.items.order_by("order"):
        assert all(len(c["key"]) == 8 for c in item.snapshot["choices"])
        if item.snapshot["kind"] == "true_false":
            assert set(item.snapshot["value_keys"]) == {"true", "false"}
    assert (
        list(attempt.items.order_by("order").values_list("response", flat=True))
        == responses
    )
    last = attempt.items.get(order=4)  # still answerable with the new keys
    attempt_answer(
        user=learner,
        attempt_id=attempt.pk,
        order=4,
        data=answer_data(last.snapshot, right=True),
    )
    assert attempt_submit(user=learner, attempt_id=attempt.pk).score == 4


def test_quizzes_on_the_old_default_move_to_the_new_one(course):
    old = quiz_in(course, [question("single")], review_policy="after_submit")
    never = quiz_in(course, [question("single")], review_policy="never", slug="kuis-2")
    _migration().review_default(django_apps, None)
    assert QuizPage.objects.get(pk=old.pk).review_policy == "after_pass_or_last"
    assert QuizPage.objects.get(pk=never.pk).review_policy == "never"


# -- the place of the right choice gives nothing away ------------------------


def _seeded_choice_questions() -> list:
    """Every single-choice question of the seed curriculum, created the way
    the seed loader (and, like it, the importers) writes them: the right
    choice mostly first."""
    from assessments.seed import _question_create
    from content.seed.schema import load_seed
    from lms.management.commands.load_initial_data import SEED_DIR
    from tests.factories.assessments import category

    cat = category("Seed")
    seed = load_seed(SEED_DIR)
    return [
        _question_create(q, cat, {})
        for course in seed.courses
        for module in course["modules"]
        for q in (module.get("quiz") or {}).get("questions", [])
        if q["type"] == "single"
    ]


def _right_positions(attempt) -> list[int]:
    """Where the right choice stands on each single-choice question's page
    (the page lists the snapshot's choices in order)."""
    return [
        next(i for i, c in enumerate(item.snapshot["choices"]) if c["correct"])
        for item in attempt.items.order_by("order")
        if item.snapshot["kind"] == "single"
    ]


def _assert_unpredictable(positions: list[int]) -> None:
    most = max(positions.count(p) for p in set(positions))
    assert len(positions) >= 50
    # Choices per question are 3-4: by chance the commonest place holds
    # about a third; written order put the right one first 96% of the time.
    assert most / len(positions) < 0.5, positions
    assert positions.count(0) / len(positions) < 0.5


@pytest.mark.parametrize("fields", [{}, {"shuffle_choices": False}])
def test_the_right_choices_place_is_not_predictable_with_defaults(
    learner, course, fields
):
    questions = _seeded_choice_questions()
    written = [
        [c.is_correct for c in q.choices.order_by("sort_order")].index(True)
        for q in questions
    ]
    assert written.count(0) / len(written) > 0.9  # the leak the test is about
    quiz = quiz_in(course, questions, **fields)
    _assert_unpredictable(_right_positions(attempt_start(user=learner, quiz=quiz)))


def test_new_quizzes_shuffle_choices_by_default():
    assert QuizPage().shuffle_choices is True


def test_a_question_marked_keep_order_keeps_it(learner, course):
    kept = question("single", keep_choice_order=True)
    quiz = quiz_in(course, [kept], shuffle_choices=True)
    snapshot = attempt_start(user=learner, quiz=quiz).items.get().snapshot
    assert [c["text"] for c in snapshot["choices"]] == ["Satu (benar)", "Dua", "Tiga"]


# -- the result page under every review setting ------------------------------

# What only a full review may show: right choices, accepted answers,
# explanations, feedback of every kind, and the labels that introduce keys.
SECRETS = (
    "(benar)",
    "RAHASIA",
    "Umpan balik",
    "Jakarta",
    "butir",
    "Jawaban yang benar",
    "jawaban benar",
    "Diterima:",
    "Urutan yang benar",
    "Penjelasan",
)
LEAK_KINDS = (
    "single",
    "multiple",
    "true_false",
    "numeric",
    "ordering",
    "short_answer",
    "matching",
)
STATES = ("attempts_left", "last_attempt", "passed_later", "other_open", "marking")
# When the policy lets the trainee see the answers of the failed attempt.
ANSWERS_SHOWN = {
    "after_submit": {"attempts_left", "last_attempt", "passed_later", "marking"},
    "after_pass": {"passed_later"},
    "after_pass_or_last": {"passed_later", "last_attempt"},
    "never": set(),
}


def _secret_questions(with_essay: bool) -> list:
    questions = []
    for kind in LEAK_KINDS + (("essay",) if with_essay else ()):
        q = question(
            kind,
            explanation=f"Penjelasan RAHASIA {kind}",
            correct_feedback="RAHASIA kalau benar",
            partial_feedback="RAHASIA kalau sebagian",
            incorrect_feedback="RAHASIA kalau salah",
            true_feedback="RAHASIA untuk benar",
            false_feedback="RAHASIA untuk salah",
        )
        questions.append(q)
    Choice.objects.filter(question__in=questions, fraction__lte=0).update(
        feedback="RAHASIA pilihan salah"
    )
    return questions


def _failed_attempt(learner, course, policy: str, state: str):
    """The trainee's failed (all wrong) attempt, in `state`: more attempts
    left, it was the last one, they passed in a later one, another attempt
    is open, or an essay of it waits for marking."""
    from assessments.demo import attempt_take

    fields = {
        "review_policy": policy,
        "max_attempts": {"last_attempt": 1, "attempts_left": 3}.get(state),
    }
    quiz = quiz_in(course, _secret_questions(state == "marking"), **fields)
    failed = attempt_take(user=learner, quiz=quiz, right=False)
    if state == "passed_later":
        assert attempt_take(user=learner, quiz=quiz, right=True).passed
    if state == "other_open":
        attempt_start(user=learner, quiz=quiz)
    return failed


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("policy", sorted(ANSWERS_SHOWN))
def test_the_result_page_reveals_only_what_the_review_setting_allows(
    client, learner, course, policy, state
):
    failed = _failed_attempt(learner, course, policy, state)
    assert failed.status == ("marking" if state == "marking" else "graded")
    client.force_login(learner)
    body = client.get(reverse("assessments:result", args=[failed.pk])).content
    body = body.decode()
    if state in ANSWERS_SHOWN[policy]:
        assert "Penjelasan RAHASIA single" in body  # the full review, with keys
        return
    leaked = [secret for secret in SECRETS if secret in body]
    assert leaked == []
    outcomes = body.count('<h3 id="review-')
    if policy == "never" or state == "other_open":
        assert outcomes == 0
    else:  # whether each question was right, and nothing more
        assert outcomes == len(LEAK_KINDS) + (state == "marking")
        assert "✓</span> benar" not in body
