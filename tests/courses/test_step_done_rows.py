"""Course steps are counted in one place (courses/steps.py): the bulk reads
agree with the one-trainee read that the outline and course completion use,
each step type answers in one query, and the cohort dashboard counts a step
type it has never heard of."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test.utils import isolate_apps
from django.utils import timezone
from wagtail.models import PAGE_MODEL_CLASSES

from assessments.models import Attempt, QuizPage, TaskPage
from courses.models import Enrollment, LessonCompletion, LessonPage, ModulePage
from courses.selectors import course_outlines
from courses.services import enrollment_refresh_completion
from courses.steps import (
    StepWork,
    step_done_counts,
    step_done_rows,
    step_done_users,
    step_last_work,
    step_models,
    steps_done,
)
from lms.cohorts.models import CohortMembership
from lms.cohorts.selectors import cohort_progress
from tests.factories import trainee
from tests.factories.assessments import question, quiz_in
from tests.factories.cohorts import cohort_with, trainees_bulk
from tests.factories.courses import course_tree, lessons_of

pytestmark = pytest.mark.django_db


def _attempt(user, quiz, number, *, passed, status=Attempt.Status.GRADED):
    return Attempt.objects.create(
        user=user,
        quiz=quiz,
        number=number,
        status=status,
        submitted_at=timezone.now(),
        score=Decimal(100 if passed else 0),
        max_score=Decimal(100),
        passed=passed,
    )


@pytest.fixture
def world(home):
    """A course of four lessons (the last optional) and a quiz; four
    trainees: one who did nothing, one with two lessons, one with a lesson
    and the quiz passed twice, one with the quiz failed and a second attempt
    waiting for a mark; and a stranger who did everything."""
    course = course_tree(modules=2, lessons=2)
    quiz = quiz_in(course, [question("single")], pass_mark=50)
    lessons = lessons_of(course)
    LessonPage.objects.filter(pk=lessons[3].pk).update(required=False)
    nothing, two_lessons, passed, failed, stranger = (trainee() for _ in range(5))
    for user, done in ((two_lessons, lessons[:2]), (passed, lessons[3:])):
        for lesson in done:
            LessonCompletion.objects.create(user=user, lesson=lesson)
    _attempt(passed, quiz, 1, passed=True)
    _attempt(passed, quiz, 2, passed=True)
    _attempt(failed, quiz, 1, passed=False)
    _attempt(failed, quiz, 2, passed=None, status=Attempt.Status.MARKING)
    for lesson in lessons:
        LessonCompletion.objects.create(user=stranger, lesson=lesson)
    _attempt(stranger, quiz, 1, passed=True)
    return {
        "course": course,
        "quiz": quiz,
        "lessons": lessons,
        "people": [nothing, two_lessons, passed, failed],
        "pages": [lesson.pk for lesson in lessons] + [quiz.pk],
    }


def test_step_done_rows_agrees_with_steps_done_for_every_trainee(world):
    people, pages = world["people"], world["pages"]
    pairs = step_done_rows([p.pk for p in people], pages)
    for person in people:
        one = steps_done(person, dict.fromkeys(step_models(), pages))
        assert {page for user, page in pairs if user == person.pk} == set(one)
    lessons, quiz = world["lessons"], world["quiz"]
    _nothing, two_lessons, passed, _failed = people
    assert pairs == {
        (two_lessons.pk, lessons[0].pk),
        (two_lessons.pk, lessons[1].pk),
        (passed.pk, lessons[3].pk),
        (passed.pk, quiz.pk),
    }


def test_step_done_rows_asks_only_the_step_types_given(world):
    people, lessons = world["people"], world["lessons"]
    pairs = step_done_rows([p.pk for p in people], {QuizPage: world["pages"]})
    assert pairs == {(people[2].pk, world["quiz"].pk)}
    assert step_done_rows([p.pk for p in people], {LessonPage: []}) == set()
    assert step_done_rows([p.pk for p in people], {LessonPage: [lessons[3].pk]}) == {
        (people[2].pk, lessons[3].pk)
    }


def test_step_done_rows_runs_one_query_per_step_type(world, django_assert_num_queries):
    assert set(step_models()) == {LessonPage, QuizPage, TaskPage}
    people = [p.pk for p in world["people"]]
    with django_assert_num_queries(len(step_models())):
        step_done_rows(people, world["pages"])
    more = [*people, *(trainee().pk for _ in range(3))]
    with django_assert_num_queries(len(step_models())):
        step_done_rows(more, world["pages"])
    with django_assert_num_queries(1):
        step_done_rows(people, {LessonPage: world["pages"]})


def test_counts_for_many_trainees_agree_with_step_done_rows(
    world, django_assert_num_queries
):
    """The dashboard's aggregate (`step_done_counts`, required steps only)
    and the funnel's (`step_done_users`) count what `step_done_rows` lists:
    one query per step type."""
    course, people, pages = world["course"], world["people"], world["pages"]
    steps = course_outlines(courses=[course], user=None)[course.pk].steps
    required = {s.id for s in steps if s.required}
    pairs = step_done_rows([p.pk for p in people], pages)
    with django_assert_num_queries(2):
        counts = step_done_counts([p.pk for p in people], {course.pk: steps})
    assert counts.done == {
        (user, course.pk): n
        for user in {u for u, _page in pairs}
        if (n := sum(1 for u, page in pairs if u == user and page in required))
    }
    assert counts.done == {(people[1].pk, course.pk): 2, (people[2].pk, course.pk): 1}
    # Latest work: any lesson done, any quiz attempt started.
    assert set(counts.last) == {p.pk for p in people[1:]}
    assert step_last_work([p.pk for p in people], {course.pk: steps}) == {
        (user, course.pk): when for user, when in counts.last.items()
    }
    # A list of page ids: one query per step type (lesson, quiz, task).
    with django_assert_num_queries(len(step_models())):
        finished = step_done_users([p.pk for p in people], pages)
    assert finished == {
        page: sum(1 for _u, p in pairs if p == page) for _u, page in pairs
    }


@pytest.fixture
def practice_page():
    """A step type nobody outside this test knows: practical work recorded
    as lesson completions, with pages of its own content type (a proxy of
    LessonPage, so it needs no table). Registered the way a new page model
    is (Wagtail's list of page models), removed afterwards."""
    with isolate_apps("courses"):

        class PracticePage(LessonPage):
            step_kind = "practice"

            class Meta:
                proxy = True
                app_label = "courses"

            @classmethod
            def step_work(cls) -> StepWork:
                return StepWork(
                    rows=LessonCompletion.objects.all(),
                    user="user_id",
                    page="lesson_id",
                    at="completed_at",
                    unique=True,
                )

    step_models.cache_clear()
    yield PracticePage
    PAGE_MODEL_CLASSES.remove(PracticePage)
    step_models.cache_clear()
    ContentType.objects.clear_cache()


def _practice_in(module: ModulePage, model) -> LessonPage:
    page = model(
        title="Praktik",
        slug="praktik",
        content_type=ContentType.objects.get_for_model(model, for_concrete_model=False),
    )
    module.add_child(instance=page)
    return page


def test_the_dashboard_counts_a_step_type_it_has_never_heard_of(home, practice_page):
    course = course_tree(modules=1, lessons=2)
    practice = _practice_in(ModulePage.objects.child_of(course).get(), practice_page)
    cohort = cohort_with(courses=[course])
    worker, idle = trainees_bulk(cohort, 2, done_lessons=1)
    long_ago = timezone.now() - dt.timedelta(days=30)
    CohortMembership.objects.update(joined_at=long_ago)
    LessonCompletion.objects.update(completed_at=long_ago)
    LessonCompletion.objects.create(user=worker, lesson=practice)

    outline = course_outlines(courses=[course], user=None)[course.pk]
    assert [s.kind for s in outline.steps] == ["lesson", "lesson", "practice"]
    progress = cohort_progress(cohort=cohort)
    rows = {r.user_id: r for r in progress.rows}
    assert [rows[worker.pk].cells[0].done, rows[worker.pk].cells[0].required] == [2, 3]
    assert [rows[idle.pk].cells[0].done, rows[idle.pk].cells[0].required] == [1, 3]
    assert rows[worker.pk].percent == 67
    # Work on the new step is activity: the worker is not idle, the other is.
    assert rows[worker.pk].last_activity > long_ago
    assert rows[worker.pk].reasons == []
    assert rows[idle.pk].reasons != []
    assert [a.user_id for a in progress.at_risk] == [idle.pk]


def test_course_completion_waits_for_a_new_step_type(home, practice_page):
    course = course_tree(modules=1, lessons=1)
    practice = _practice_in(ModulePage.objects.child_of(course).get(), practice_page)
    cohort = cohort_with(courses=[course])
    (user,) = trainees_bulk(cohort, 1, done_lessons=1)
    assert enrollment_refresh_completion(user=user, course=course) is False
    LessonCompletion.objects.create(user=user, lesson=practice)
    assert enrollment_refresh_completion(user=user, course=course) is True
    assert Enrollment.objects.get(user=user).status == Enrollment.Status.COMPLETED
