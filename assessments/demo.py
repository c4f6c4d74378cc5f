"""The demo trainee's quiz history (one failed and one passed attempt), and
a practical task submission waiting for the demo trainer."""

from django.db import transaction
from django.http import QueryDict
from django.utils import timezone

from courses.models import CoursePage, Enrollment
from courses.services import enrollment_refresh_completion

from .kinds import kind_for
from .models import (
    Attempt,
    CriterionResult,
    QuizPage,
    Submission,
    TaskAssessment,
    TaskPage,
)
from .practice.selectors import task_due_at
from .services import attempt_answer, attempt_start, attempt_submit

DEMO_COURSE = "cakap-digital"


def answer_data(snapshot: dict, *, right: bool) -> QueryDict:
    """Form data answering a question right (or wrong), as a trainee would
    post it, with the snapshot's opaque keys (each kind's `answer_data`,
    kinds/<kind>.py). Used for the demo and by tests."""
    data = QueryDict(mutable=True)
    kind_for(snapshot["kind"]).answer_data(snapshot, data, right=right)
    return data


def attempt_take(*, user, quiz: QuizPage, right: bool) -> Attempt:
    """Start, answer every question right or wrong, and submit."""
    attempt = attempt_start(user=user, quiz=quiz)
    for item in attempt.items.order_by("order"):
        attempt_answer(
            user=user,
            attempt_id=attempt.pk,
            order=item.order,
            data=answer_data(item.snapshot, right=right),
        )
    return attempt_submit(user=user, attempt_id=attempt.pk)


def demo_attempts_ensure(*, trainee) -> None:
    """A failed then a passed attempt on the first essay-free quiz of the
    demo course. Idempotent: skipped once the trainee has attempts."""
    course = CoursePage.objects.filter(slug=DEMO_COURSE).first()
    if course is None or Attempt.objects.filter(user=trainee).exists():
        return
    for quiz in QuizPage.objects.live().descendant_of(course).order_by("path"):
        kinds = {
            kind_for(qq.question.kind)
            for qq in quiz.quiz_questions.select_related("question")
        }
        if not any(kind.marked_by_hand for kind in kinds):
            attempt_take(user=trainee, quiz=quiz, right=False)
            attempt_take(user=trainee, quiz=quiz, right=True)
            return


DEMO_TASK_TEXT = (
    "(Tangkapan layar: Penghemat Data menyala; Play Store, pembaruan otomatis "
    "hanya lewat Wi-Fi.) Pesan itu penipuan karena meminta kode OTP, padahal "
    "kode OTP tidak boleh diberikan kepada siapa pun. Saya tidak membalas, "
    "lalu nomornya saya blokir dan laporkan."
)


def demo_task_waiting_ensure(
    *, trainee, trainer, course_slug: str
) -> Submission | None:
    """A text submission by `trainee` on the first practical task of the
    course `course_slug`, waiting for assessment and allocated to `trainer`
    (the demo marking queue has work). Written directly: a demo needs no
    files. Idempotent: the trainee's first version is made once. None when
    the course has no task."""
    task = (
        TaskPage.objects.live()
        .filter(path__startswith=_course_path(course_slug))
        .order_by("path")
        .first()
    )
    if task is None:
        return None
    enrollment = Enrollment.objects.filter(
        user=trainee, course__slug=course_slug
    ).first()
    with transaction.atomic():
        submission, _created = Submission.objects.get_or_create(
            task=task,
            user=trainee,
            number=1,
            defaults={
                "text": DEMO_TASK_TEXT,
                "assessor": trainer,
                "due_at": task_due_at(
                    task=task,
                    enrolled_at=enrollment.enrolled_at if enrollment else None,
                ),
            },
        )
    return submission


def _course_path(slug: str) -> str:
    course = CoursePage.objects.filter(slug=slug).only("path").first()
    return course.path if course is not None else "-"


def demo_tasks_pass(*, trainee, trainer, course: CoursePage) -> int:
    """Every task of `course` passed by `trainee`: a first version assessed
    and released by `trainer` at the top level of each criterion (a demo
    trainee who finished the course), then the course's completion is
    decided again. Idempotent: a task the trainee has a submission on is
    left as it is. Returns how many tasks were passed."""
    tasks = TaskPage.objects.live().descendant_of(course).select_related("rubric")
    passed = 0
    for task in tasks.order_by("path"):
        if Submission.objects.filter(task=task, user=trainee).exists():
            continue
        with transaction.atomic():
            _task_passed(task=task, trainee=trainee, trainer=trainer)
        passed += 1
    if passed:
        enrollment_refresh_completion(user=trainee, course=course)
    return passed


def _task_passed(*, task: TaskPage, trainee, trainer) -> None:
    now = timezone.now()
    good = task.exemplars.filter(quality="good").first()
    submission = Submission.objects.create(
        task=task,
        user=trainee,
        number=1,
        status=Submission.Status.PASSED,
        submitted_at=now,
        text=good.text if good is not None else DEMO_TASK_TEXT,
        assessor=trainer,
    )
    results = []
    for position, criterion in enumerate(task.rubric.criteria.order_by("sort_order")):
        levels = criterion.level_rows()
        top = max(levels, key=lambda level: level["points"])
        results.append(
            CriterionResult(
                criterion=criterion,
                position=position,
                criterion_title=criterion.title,
                level_index=levels.index(top),
                level_title=top["title"],
                points=top["points"],
                max_points=top["points"],
                lowest=False,
            )
        )
    assessment = TaskAssessment.objects.create(
        submission=submission,
        assessor=trainer,
        decision=TaskAssessment.Decision.PASSED,
        score=sum(r.points for r in results),
        max_score=sum(r.max_points for r in results),
        rubric_passed=True,
        feedback="Bagus: lengkap, jelas dan siap dipakai.",
        assessed_at=now,
        released_at=now,
    )
    for result in results:
        result.assessment = assessment
    CriterionResult.objects.bulk_create(results)
