"""Assessed practical work for certificate tests: a course with a task (the
practice factories), and passed or revised submissions with their
TaskAssessment and CriterionResult rows written directly, as the assessing
service stores them."""

from datetime import UTC, datetime
from decimal import Decimal

from django.utils import timezone

from assessments.models import Attempt, CriterionResult, TaskAssessment
from courses.models import Enrollment
from lms.certificates.services import certificate_ensure
from tests.factories import trainer
from tests.factories.assessments import question, quiz_in
from tests.factories.courses import course_tree
from tests.factories.practice import submission, task_in

ASSESSED_AT = datetime(2026, 11, 1, 3, 0, tzinfo=UTC)  # 1 Nov 2026, 10:00 WIB
ASSESSOR_NAME = "Sutrisno Wibisono"


def assessed(
    task,
    user,
    *,
    levels=(2, 1),
    decision="passed",
    public=False,
    released=True,
    assessed_at=ASSESSED_AT,
    assessor=None,
    **fields,
):
    """A submission of `task` by `user` assessed at `levels` (a level index
    per criterion, lowest 0). The submission's status is the decision once
    the trainee can see it (at once, or when released), else waiting."""
    visible = released or not task.release_marks
    sub = submission(
        task,
        user,
        status=decision if visible else "waiting",
        public=public,
        **fields,
    )
    criteria = list(task.rubric.criteria.order_by("sort_order"))
    rows = [c.level_rows() for c in criteria]
    score = sum(rows[i][level]["points"] for i, level in enumerate(levels))
    max_score = sum(r[-1]["points"] for r in rows)
    assessment = TaskAssessment.objects.create(
        submission=sub,
        assessor=assessor or trainer(display_name=ASSESSOR_NAME),
        decision=decision,
        score=score,
        max_score=max_score,
        rubric_passed=decision == "passed",
        feedback="Bagus, lanjutkan.",
        assessed_at=assessed_at,
        released_at=assessed_at if released and task.release_marks else None,
    )
    for position, (criterion, level) in enumerate(zip(criteria, levels, strict=True)):
        chosen = rows[position][level]
        CriterionResult.objects.create(
            assessment=assessment,
            criterion=criterion,
            position=position,
            criterion_title=criterion.title,
            level_index=level,
            level_title=chosen["title"],
            points=chosen["points"],
            max_points=rows[position][-1]["points"],
            lowest=level == 0,
        )
    return sub


def quiz_passed(course, user, *, percent=80, pass_mark=70, title="Kuis harga"):
    """A quiz of `course` with a graded, passed attempt at `percent`."""
    quiz = quiz_in(
        course,
        [question("single")],
        title=title,
        slug="kuis-harga",
        pass_mark=pass_mark,
    )
    Attempt.objects.create(
        user=user,
        quiz=quiz,
        number=1,
        status=Attempt.Status.GRADED,
        submitted_at=timezone.now(),
        score=Decimal(percent),
        max_score=Decimal(100),
        passed=True,
    )
    return quiz


def course_with_task(**fields):
    """A one-lesson course with one required task (two criteria of levels
    worth 0, 1 and 2 points)."""
    course = course_tree(modules=1, lessons=1, title="Jualan Gula Semut", **fields)
    return course, task_in(course)


def certificate_for(course, user):
    """An issued-looking certificate of `course` for `user`, completed on
    2 November 2026 (rows written directly, no worker)."""
    enrollment = Enrollment.objects.create(
        user=user,
        course=course,
        status=Enrollment.Status.COMPLETED,
        completed_at=datetime(2026, 11, 2, 3, 4, 5, tzinfo=UTC),
    )
    certificate, _created = certificate_ensure(enrollment=enrollment)
    certificate.recipient_name = "Siti Aminah"
    certificate.status = certificate.Status.ISSUED
    certificate.issued_at = timezone.now()
    certificate.save()
    return certificate
