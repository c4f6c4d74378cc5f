"""The demo trainee's quiz history (one failed and one passed attempt), and
a practical task submission waiting for the demo trainer."""

from django.db import transaction
from django.http import QueryDict

from courses.models import CoursePage, Enrollment

from .kinds import kind_for
from .models import Attempt, QuizPage, Submission, TaskPage
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
