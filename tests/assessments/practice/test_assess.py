"""Assessing a practical task against its rubric (assessments/practice/
assessing.py and the assess page): the rubric's verdict and the trainer's
override, refusals that change nothing, the staff scope (out of scope and
own work are 404s), a pass completing the course, a revision then a new
version, and reallocation."""

from types import SimpleNamespace

import pytest
from django.urls import reverse

from assessments.models import CriterionResult, Submission, TaskAssessment
from assessments.practice.assessing import (
    SubmissionNotFound,
    submission_reassign,
    task_assess,
)
from assessments.services import Refused
from courses.models import Enrollment
from courses.services import enrollment_create, lesson_complete
from tests.assessments.test_staff_scope import course_trainer
from tests.factories import trainee
from tests.factories.courses import course_tree, lessons_of
from tests.factories.practice import rubric, submission, task_in

pytestmark = pytest.mark.django_db


def task_world(**task_fields) -> SimpleNamespace:
    """A course (one lesson, then a required task of two criteria worth 0,
    1, 2 points each: a maximum of 4, pass at 60 %), an enrolled trainee
    who did the lesson and submitted version 1, and the course's trainer."""
    course = course_tree(modules=1, lessons=1, title="Kursus Pemasaran")
    task = task_in(course, **task_fields)
    person = trainee(display_name="Siti Aminah")
    enrollment_create(user=person, course=course)
    lesson_complete(user=person, lesson=lessons_of(course)[0])
    work = submission(task, person)
    criteria = list(task.rubric.criteria.order_by("sort_order"))
    return SimpleNamespace(
        course=course,
        task=task,
        trainee=person,
        submission=work,
        criteria=criteria,
        trainer=course_trainer(course),
    )


def levels(world, *indexes) -> dict[int, int]:
    return {c.pk: i for c, i in zip(world.criteria, indexes, strict=True)}


@pytest.fixture
def world():
    return task_world()


def assess(world, *indexes, decision=None, who=None, submission_=None, **kw):
    return task_assess(
        assessor=who or world.trainer,
        submission_id=(submission_ or world.submission).pk,
        levels=levels(world, *indexes),
        comments=kw.get("comments", {}),
        feedback=kw.get("feedback", ""),
        decision=decision,
    )


def test_the_rubric_decides_when_the_trainer_does_not(world):
    assessment = assess(world, 2, 1, feedback="  Bagus sekali.  ")
    assert (assessment.score, assessment.max_score, assessment.percent) == (3, 4, 75)
    assert assessment.rubric_passed is True
    assert assessment.decision == "passed"
    assert assessment.feedback == "Bagus sekali."
    assert assessment.assessor == world.trainer
    rows = list(
        assessment.results.values_list(
            "criterion_title",
            "level_index",
            "level_title",
            "points",
            "max_points",
            "lowest",
        )
    )
    assert rows == [
        ("Judul jelas", 2, "Jelas", 2, 2, False),
        ("CTA jelas", 1, "CTA samar", 1, 2, False),
    ]


def test_below_the_pass_mark_needs_revision(world):
    assessment = assess(world, 1, 1)  # 2 of 4: 50 % < 60 %
    assert (assessment.score, assessment.rubric_passed) == (2, False)
    assert assessment.decision == "revision"


def test_no_lowest_level_fails_a_high_total():
    world = task_world(rubric_=rubric(pass_percent=50, no_lowest_level=True))
    assessment = assess(world, 2, 0)  # 2 of 4 (50 %) but CTA at its lowest
    assert assessment.rubric_passed is False
    assert assessment.decision == "revision"
    assert list(assessment.results.values_list("lowest", flat=True)) == [False, True]


def test_the_trainer_may_overrule_the_rubric(world):
    assessment = assess(world, 2, 2, decision="revision")
    assert (assessment.rubric_passed, assessment.decision) == (True, "revision")
    world.submission.refresh_from_db()
    assert world.submission.status == "revision"


def test_a_missing_level_is_refused_and_nothing_changes(world):
    with pytest.raises(Refused) as refused:
        task_assess(
            assessor=world.trainer,
            submission_id=world.submission.pk,
            levels={world.criteria[0].pk: 2},
            comments={},
            feedback="",
            decision=None,
        )
    assert refused.value.field == f"level_{world.criteria[1].pk}"
    assert TaskAssessment.objects.count() == 0
    assert CriterionResult.objects.count() == 0
    world.submission.refresh_from_db()
    assert world.submission.status == "waiting"


@pytest.mark.parametrize("bad", [3, -1, "2", None])
def test_a_level_outside_the_rubric_is_refused(world, bad):
    with pytest.raises(Refused):
        task_assess(
            assessor=world.trainer,
            submission_id=world.submission.pk,
            levels={world.criteria[0].pk: 1, world.criteria[1].pk: bad},
            comments={},
            feedback="",
            decision=None,
        )
    assert TaskAssessment.objects.count() == 0


def test_a_bad_decision_and_unsaveable_feedback_are_refused(world):
    with pytest.raises(Refused) as refused:
        assess(world, 1, 1, decision="lulus")
    assert refused.value.field == "decision"
    with pytest.raises(Refused) as refused:
        assess(world, 1, 1, feedback="a\x00b")
    assert refused.value.field == "feedback"
    assert TaskAssessment.objects.count() == 0


def test_assessing_again_replaces_levels_and_comments(world):
    first = assess(world, 0, 0, comments={world.criteria[0].pk: "Judul kosong."})
    again = assess(world, 2, 2, comments={world.criteria[1].pk: "CTA jelas."})
    assert again.pk == first.pk
    assert TaskAssessment.objects.count() == 1
    assert list(again.results.values_list("level_index", "comment")) == [
        (2, ""),
        (2, "CTA jelas."),
    ]
    world.submission.refresh_from_db()
    assert world.submission.status == "passed"


def test_a_trainer_of_another_course_gets_a_404(world, client):
    outsider = course_trainer(course_tree(modules=1, lessons=1, title="Kursus Lain"))
    with pytest.raises(SubmissionNotFound):
        assess(world, 2, 2, who=outsider)
    client.force_login(outsider)
    url = reverse("assessments:task_assess", args=[world.submission.pk])
    assert client.get(url).status_code == 404
    post = {f"level_{c.pk}": "2" for c in world.criteria}
    assert client.post(url, post).status_code == 404
    assert TaskAssessment.objects.count() == 0


def test_nobody_assesses_their_own_work_not_even_a_superuser(world, client):
    from tests.factories import UserFactory

    boss = UserFactory(is_superuser=True, is_staff=True)
    enrollment_create(user=boss, course=world.course)
    own = submission(world.task, boss)
    with pytest.raises(SubmissionNotFound):
        assess(world, 2, 2, who=boss, submission_=own)
    client.force_login(boss)
    url = reverse("assessments:task_assess", args=[own.pk])
    assert client.get(url).status_code == 404
    assert (
        client.post(url, {f"level_{c.pk}": "2" for c in world.criteria}).status_code
        == 404
    )
    assert TaskAssessment.objects.count() == 0
    # The superuser may assess someone else's work.
    assert (
        client.get(
            reverse("assessments:task_assess", args=[world.submission.pk])
        ).status_code
        == 200
    )


def test_a_pass_completes_the_course_with_a_required_task(world):
    enrollment = Enrollment.objects.get(user=world.trainee, course=world.course)
    assert enrollment.completed_at is None
    assess(world, 2, 2)
    enrollment.refresh_from_db()
    assert enrollment.completed_at is not None


def test_a_revision_does_not_complete_the_course_and_a_new_version_can_pass(world):
    assess(world, 0, 1)
    world.submission.refresh_from_db()
    assert world.submission.status == "revision"
    enrollment = Enrollment.objects.get(user=world.trainee, course=world.course)
    assert enrollment.completed_at is None
    second = submission(
        world.task, world.trainee, text="Gula semut Batu Ampar, pesan sekarang!"
    )
    assert second.number == 2
    assess(world, 2, 2, submission_=second)
    second.refresh_from_db()
    enrollment.refresh_from_db()
    assert second.status == "passed"
    assert enrollment.completed_at is not None
    world.submission.refresh_from_db()
    assert world.submission.status == "revision"  # the first version keeps its own


def test_the_assess_page_shows_work_rubric_and_comment_bank(world, client):
    Submission.objects.filter(pk=world.submission.pk).update(
        due_at=world.submission.submitted_at.replace(year=2000)
    )
    client.force_login(world.trainer)
    response = client.get(
        reverse("assessments:task_assess", args=[world.submission.pk])
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Gula semut asli Batu Ampar manis." in html
    assert world.task.url in html
    assert "Terlambat dikumpulkan" in html
    first = world.criteria[0]
    assert f'name="level_{first.pk}" id="level_{first.pk}_2" value="2"' in html
    assert "<legend><strong>Judul jelas</strong></legend>" in html
    assert "<option>Bagus, judul jelas.</option>" in html
    assert "Pilih dari bank komentar" in html


def test_posting_the_form_without_javascript_adds_the_bank_comment(world, client):
    client.force_login(world.trainer)
    first, second = world.criteria
    response = client.post(
        reverse("assessments:task_assess", args=[world.submission.pk]),
        {
            f"level_{first.pk}": "2",
            f"level_{second.pk}": "0",
            f"comment_{first.pk}": "Judulnya pas.",
            f"bank_{first.pk}": "Bagus, judul jelas.",
            f"bank_{second.pk}": "Bukan dari bank.",
            "feedback": "Tambahkan ajakan membeli.",
            "decision": "",
        },
    )
    assert response.status_code == 302
    assessment = TaskAssessment.objects.get()
    assert list(assessment.results.values_list("comment", flat=True)) == [
        "Judulnya pas.\nBagus, judul jelas.",
        "",
    ]
    assert (assessment.decision, assessment.feedback) == (
        "revision",
        "Tambahkan ajakan membeli.",
    )


def test_a_missing_level_redisplays_the_form_with_what_was_typed(world, client):
    client.force_login(world.trainer)
    first, second = world.criteria
    response = client.post(
        reverse("assessments:task_assess", args=[world.submission.pk]),
        {f"level_{first.pk}": "1", "feedback": "Catatan saya", "decision": "passed"},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Pilih tingkat untuk “CTA jelas”." in html
    assert f'href="#level_{second.pk}"' in html
    assert f'id="level_{first.pk}_1" value="1" checked' in html
    assert "Catatan saya</textarea>" in html
    assert 'id="decision_passed" value="passed" checked' in html
    assert TaskAssessment.objects.count() == 0


def test_reassign_to_another_trainer_of_the_task(world, client):
    colleague = course_trainer(world.course)
    client.force_login(world.trainer)
    page = client.get(reverse("assessments:task_assess", args=[world.submission.pk]))
    assert f'<option value="{colleague.pk}"' in page.content.decode()
    assert f'<option value="{world.trainee.pk}"' not in page.content.decode()
    response = client.post(
        reverse("assessments:task_reassign", args=[world.submission.pk]),
        {"assessor": colleague.pk},
    )
    assert response.status_code == 302
    world.submission.refresh_from_db()
    assert world.submission.assessor == colleague


def test_reassign_refuses_the_trainee_and_people_outside_the_scope(world):
    outsider = course_trainer(course_tree(modules=1, lessons=1, title="Kursus Lain"))
    for person in (world.trainee, outsider, trainee()):
        with pytest.raises(Refused) as refused:
            submission_reassign(
                user=world.trainer,
                submission_id=world.submission.pk,
                assessor_id=person.pk,
            )
        assert refused.value.field == "assessor"
    with pytest.raises(Refused):
        submission_reassign(
            user=world.trainer, submission_id=world.submission.pk, assessor_id="x"
        )
    with pytest.raises(SubmissionNotFound):
        submission_reassign(
            user=outsider, submission_id=world.submission.pk, assessor_id=outsider.pk
        )
    world.submission.refresh_from_db()
    assert world.submission.assessor is None


def _files(work):
    from assessments.models import SubmissionFile

    SubmissionFile.objects.create(
        submission=work,
        kind="photo",
        file="submissions/a.jpg",
        content_type="image/jpeg",
    )
    SubmissionFile.objects.create(
        submission=work,
        kind="voice",
        file="submissions/b.ogg",
        content_type="audio/ogg",
        ready=False,
    )
    SubmissionFile.objects.create(
        submission=work,
        kind="pdf",
        file="submissions/c.pdf",
        content_type="application/pdf",
    )


def test_the_assess_page_shows_files_and_earlier_versions_in_fixed_queries(
    world, client
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _files(world.submission)
    assess(world, 0, 0, feedback="Versi pertama kurang.")
    latest = submission(world.task, world.trainee, text="Versi kedua.")
    _files(latest)
    client.force_login(world.trainer)
    url = reverse("assessments:task_assess", args=[latest.pk])
    client.get(url)  # warm the caches
    with CaptureQueriesContext(connection) as two:
        html = client.get(url).content.decode()
    assert html.count("<img ") == 2
    assert "<audio" not in html
    assert html.count("Pesan suara: sedang diproses") == 2
    assert "Versi 1, dikumpulkan" in html
    assert "Versi pertama kurang." in html
    for _n in range(3):
        assess(world, 0, 0, submission_=latest)
        latest = submission(world.task, world.trainee)
        _files(latest)
    url = reverse("assessments:task_assess", args=[latest.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as five:
        html = client.get(url).content.decode()
    assert "Versi 4, dikumpulkan" in html
    assert len(five) == len(two)
