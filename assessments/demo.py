"""The demo trainee's quiz history: one failed and one passed attempt."""

from decimal import Decimal

from django.http import QueryDict

from courses.models import CoursePage

from .grading import _fraction, numeric_answers
from .models import Attempt, QuestionKind, QuizPage
from .services import attempt_answer, attempt_start, attempt_submit

DEMO_COURSE = "cakap-digital"


def answer_data(snapshot: dict, *, right: bool) -> QueryDict:
    """Form data answering a question right (or wrong), as a trainee would
    post it, with the snapshot's opaque keys. Used for the demo and by
    tests."""
    data = QueryDict(mutable=True)
    kind = snapshot["kind"]
    choices = snapshot["choices"]
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        picked = [c["key"] for c in choices if (_fraction(c) > 0) == right] or [
            choices[0]["key"]
        ]
        if kind == QuestionKind.SINGLE:
            data["choice"] = picked[0]
        else:
            data.setlist("choices", picked)
    elif kind == QuestionKind.TRUE_FALSE:
        said = "true" if snapshot["answer"] == right else "false"
        data["value"] = snapshot["value_keys"][said]
    elif kind == QuestionKind.NUMERIC:
        best = max(numeric_answers(snapshot), key=_fraction)
        value = Decimal(str(best["number"])) + (0 if right else 1000)
        data["value"] = format(value.normalize(), "f").replace(".", ",")
    elif kind == QuestionKind.SHORT_ANSWER:
        best = max(snapshot["answers"], key=_fraction)
        data["text"] = best["text"].replace("*", "") if right else "zzz salah"
    elif kind == QuestionKind.MATCHING:
        keys = {o["text"]: o["key"] for o in snapshot["options"]}
        wrong = next(iter(keys.values()))
        for item in choices:
            data[f"match-{item['key']}"] = keys[item["match"]] if right else wrong
    elif kind == QuestionKind.ORDERING:
        order = snapshot["correct_order"] if right else snapshot["correct_order"][::-1]
        keys = {c["id"]: c["key"] for c in choices}
        for position, choice_id in enumerate(order, 1):
            data[f"position-{keys[choice_id]}"] = str(position)
    elif kind == QuestionKind.ESSAY:
        data["text"] = "Jawaban esai latihan." if right else "?"
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
            qq.question.kind for qq in quiz.quiz_questions.select_related("question")
        }
        if QuestionKind.ESSAY not in kinds:
            attempt_take(user=trainee, quiz=quiz, right=False)
            attempt_take(user=trainee, quiz=quiz, right=True)
            return
