"""Every per-question result is labelled by its score: full marks "benar",
some points "sebagian benar", none "salah", no mark yet "menunggu
penilaian", wherever a result is shown."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from assessments.demo import attempt_take
from assessments.models import AttemptQuestion, ItemOutcome
from assessments.services import essay_mark
from tests.factories import UserFactory
from tests.factories.assessments import question, quiz_in

pytestmark = pytest.mark.django_db


def _headings(body: str) -> list[str]:
    """The per-question headings of a result page, as plain text."""
    found = re.findall(r'<h3 id="review-\d+">(.*?)</h3>', body, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", h).split()) for h in found]


def _marker():
    return UserFactory(is_superuser=True)


@pytest.fixture
def essay_quiz(course):
    return quiz_in(course, [question("essay", points=4)], review_policy="after_submit")


@pytest.mark.parametrize(
    ("points", "label"),
    [
        ("4", "✓ benar"),
        ("3", "◐ sebagian benar"),
        ("1", "◐ sebagian benar"),
        ("0", "✗ salah"),
    ],
)
def test_a_marked_essay_is_labelled_by_its_score(
    client, learner, essay_quiz, points, label
):
    attempt = attempt_take(user=learner, quiz=essay_quiz, right=True)
    item = attempt.items.get()
    essay_mark(marker=_marker(), item_id=item.pk, points=points, feedback="")
    client.force_login(learner)
    body = client.get(reverse("assessments:result", args=[attempt.pk])).content
    assert _headings(body.decode()) == [f"Soal 1: {label} ({points} / 4)"]


def test_an_essay_waiting_for_marking_says_so(client, learner, course):
    quiz = quiz_in(
        course, [question("single"), question("essay")], review_policy="after_submit"
    )
    attempt = attempt_take(user=learner, quiz=quiz, right=True)
    client.force_login(learner)
    body = client.get(reverse("assessments:result", args=[attempt.pk])).content
    # Nothing is revealed while marking (the attempt has no result yet), but
    # the essay's own state is named.
    assert "menunggu penilaian" in body.decode().lower()


def test_a_partly_marked_essay_is_not_counted_right(learner, essay_quiz):
    attempt = attempt_take(user=learner, quiz=essay_quiz, right=True)
    item = attempt.items.get()
    essay_mark(marker=_marker(), item_id=item.pk, points="3", feedback="")
    item.refresh_from_db()
    assert item.is_correct is False
    assert item.outcome == ItemOutcome.PARTIAL


def _item(kind: str, points, max_points) -> AttemptQuestion:
    return AttemptQuestion(
        snapshot={"kind": kind},
        points=None if points is None else Decimal(points),
        max_points=Decimal(max_points),
    )


@pytest.mark.parametrize(
    "kind", ["single", "multiple", "true_false", "numeric", "ordering", "essay"]
)
def test_every_kind_is_labelled_by_score_alone(kind):
    """Whatever `is_correct` says, the label follows the points."""
    assert _item(kind, "2", "2").outcome == "right"
    assert _item(kind, "0.5", "2").outcome == "partial"
    assert _item(kind, "0", "2").outcome == "wrong"
    assert _item(kind, None, "2").outcome == "pending"
    assert _item("description", "0", "0").outcome == "info"


def test_every_result_template_labels_through_the_one_outcome_include():
    """The next page that shows a per-question result uses the same labels:
    no template decides "right" from `is_correct`."""
    from pathlib import Path

    from django.conf import settings

    offenders = [
        str(path)
        for folder in settings.TEMPLATES[0]["DIRS"]
        for path in Path(folder).rglob("*.html")
        if "is_correct" in path.read_text()
    ]
    assert offenders == []


def test_essays_marked_before_count_right_only_with_full_marks(learner, essay_quiz):
    import importlib

    from django.apps import apps as django_apps

    attempt = attempt_take(user=learner, quiz=essay_quiz, right=True)
    item = attempt.items.get()
    essay_mark(marker=_marker(), item_id=item.pk, points="2", feedback="")
    # As the old rule stored it: half the points counted as right.
    AttemptQuestion.objects.filter(pk=item.pk).update(is_correct=True)
    migration = importlib.import_module(
        "assessments.migrations.0014_essay_right_means_full_marks"
    )
    migration.essays_right_at_full_marks(django_apps, None)
    item.refresh_from_db()
    assert item.is_correct is False


@pytest.mark.parametrize("review_policy", ["after_submit", "after_pass"])
def test_an_unmarked_essay_shows_a_dash_for_its_points(
    client, learner, course, review_policy
):
    """An essay not marked yet reads "(<en dash> / 5)", never "( / 5)",
    with the answers shown (review) or without them (outcomes only)."""
    quiz = quiz_in(
        course,
        [question("single"), question("essay", points=5)],
        review_policy=review_policy,
    )
    attempt = attempt_take(user=learner, quiz=quiz, right=True)
    client.force_login(learner)
    body = client.get(reverse("assessments:result", args=[attempt.pk])).content
    headings = _headings(body.decode())
    assert headings[-1] == "Soal 2: … menunggu penilaian (\u2013 / 5)", headings
