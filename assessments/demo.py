"""The demo trainee's quiz history: one failed and one passed attempt."""

from django.http import QueryDict

from courses.models import CoursePage

from .kinds import kind_for
from .models import Attempt, QuizPage
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
