"""One visitor of each kind over a small site, for tests that send the same
request as everyone: `visitors_world` builds a course with a quiz and a
learner's submitted attempt, another course, and a cohort run by the given
manager and trainer; `visitor_clients` gives a client per role (anonymous,
learner, trainer, manager, and a stranger trainee), each logged in."""

from django.test import Client

from assessments.services import attempt_start, attempt_submit
from courses.services import enrollment_create
from tests.factories import trainee
from tests.factories.assessments import question, quiz_in
from tests.factories.cohorts import cohort_with
from tests.factories.courses import course_tree


def visitors_world(*, trainer, manager) -> dict:
    """The site: {"course", "other", "quiz", "cohort", "learner", "attempt",
    "trainer", "manager"}."""
    course = course_tree(modules=1, lessons=1)
    other = course_tree(modules=1, lessons=1)
    quiz = quiz_in(course, [question("single"), question("numeric")])
    cohort = cohort_with(courses=[course], manager=manager, teacher=trainer)
    learner = trainee()
    enrollment_create(user=learner, course=course)
    attempt = attempt_start(user=learner, quiz=quiz)
    attempt = attempt_submit(user=learner, attempt_id=attempt.pk)
    return {
        "course": course,
        "other": other,
        "quiz": quiz,
        "cohort": cohort,
        "learner": learner,
        "attempt": attempt,
        "trainer": trainer,
        "manager": manager,
    }


def visitor_clients(world) -> dict[str, Client]:
    """A client per role over `world`, by role name."""
    anon = Client()
    out = {"anonymous": anon}
    for role in ("learner", "trainer", "manager"):
        client = Client()
        client.force_login(world[role])
        out[role] = client
    stranger = Client()
    stranger.force_login(trainee())
    out["stranger"] = stranger
    return out
