"""The trainee's progress snapshot (courses/progress.py): read pages show
every write at once, a snapshot read before a write is never served after
it, one trainee's snapshot never reaches another, and every write that
bypasses model signals replaces the token itself. Nor does a course moved in
the tree or a question deleted from the bank leave stale state behind."""

import ast
from pathlib import Path

import pytest
from django.urls import reverse

from assessments.models import Attempt
from assessments.services import attempt_answer, attempt_start, attempt_submit
from courses import progress
from courses.models import CoursePage, Enrollment, LearningPath, LearningPathCourse
from courses.progress import progress_changed, progress_snapshot, progress_token
from courses.services import (
    enrollment_create,
    enrollment_create_many,
    enrollment_withdraw,
    lesson_complete,
)
from tests.factories import trainee
from tests.factories.assessments import question, quiz_in
from tests.factories.courses import course_tree, lessons_of

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def _done_marks(client, url) -> int:
    html = client.get(url).content.decode()
    return html.count("mark--done")


def test_a_lesson_marked_done_shows_on_the_next_page_view(client):
    course = course_tree(modules=1, lessons=3)
    lessons = lessons_of(course)
    user = trainee()
    enrollment_create(user=user, course=course)
    client.force_login(user)
    before = _done_marks(client, course.url)  # snapshot cached now
    client.post(reverse("courses:lesson_done", args=[lessons[0].pk]))
    assert _done_marks(client, course.url) == before + 1
    assert _done_marks(client, lessons[1].url) >= 1


def test_every_write_replaces_the_snapshot(client):
    course = course_tree(modules=1, lessons=2)
    quiz = quiz_in(course, [question("true_false")])
    user = trainee()
    client.force_login(user)

    def snapshot():
        return progress_snapshot(user)

    assert course.pk not in snapshot().enrollments
    enrollment_create(user=user, course=course)
    assert snapshot().enrollments[course.pk].status == Enrollment.Status.ACTIVE
    lesson = lessons_of(course)[0]
    lesson_complete(user=user, lesson=lesson)
    assert lesson.pk in snapshot().done
    attempt = attempt_start(user=user, quiz=quiz)
    item = attempt.items.get(order=1)
    key = item.snapshot["value_keys"]["true" if item.snapshot["answer"] else "false"]
    attempt_answer(user=user, attempt_id=attempt.pk, order=1, data={"value": key})
    attempt_submit(user=user, attempt_id=attempt.pk)
    assert Attempt.objects.get(pk=attempt.pk).passed
    assert quiz.pk in snapshot().done
    enrollment_withdraw(user=user, course=course)
    assert snapshot().enrollments[course.pk].status == Enrollment.Status.WITHDRAWN
    enrollment_create_many(course=course, user_ids=[user.pk], source="cohort")
    assert snapshot().enrollments[course.pk].status != Enrollment.Status.WITHDRAWN


def test_a_snapshot_read_before_a_write_is_not_served_after_it():
    course = course_tree(modules=1, lessons=1)
    user = trainee()
    enrollment_create(user=user, course=course)
    stale_token = progress_token(user.pk)
    stale = progress._read(user, token=stale_token)  # a page reads...
    lesson_complete(user=user, lesson=lessons_of(course)[0])  # ...a write lands
    progress.cache.set(progress._snapshot_key(user.pk), stale)  # ...page stores
    assert lessons_of(course)[0].pk in progress_snapshot(user).done


def test_one_trainees_snapshot_never_reaches_another(client):
    course = course_tree(modules=1, lessons=2)
    a, b = trainee(), trainee()
    enrollment_create(user=a, course=course)
    lesson_complete(user=a, lesson=lessons_of(course)[0])
    assert progress_snapshot(a).done
    assert not progress_snapshot(b).done
    assert course.pk not in progress_snapshot(b).enrollments
    client.force_login(b)
    html = client.get(reverse("courses:my_learning")).content.decode()
    assert course.title not in html


def test_belajarku_and_the_catalogue_follow_enrolment_at_once(client):
    course = course_tree(modules=1, lessons=1)
    user = trainee()
    client.force_login(user)
    assert course.title not in client.get(reverse("courses:my_learning")).text
    client.get(course.get_parent().url)
    enrollment_create(user=user, course=course)
    assert course.title in client.get(reverse("courses:my_learning")).text
    assert "tag tag--ok" in client.get(course.get_parent().url).text
    enrollment_withdraw(user=user, course=course)
    assert course.title not in client.get(reverse("courses:my_learning")).text


def test_a_new_learning_path_shows_in_the_catalogue_at_once(client):
    course = course_tree(modules=1, lessons=1)
    client.force_login(trainee())
    index_url = course.get_parent().url
    client.get(index_url)
    path = LearningPath.objects.create(
        title="Jalur Admin Medsos", slug="jalur-admin", role="social-media admin"
    )
    assert "Jalur Admin Medsos" in client.get(index_url).text
    LearningPathCourse.objects.create(path=path, course=course)
    assert course.title in client.get(index_url + "?jalur=jalur-admin").text


def test_a_preview_neither_reads_nor_stores_a_snapshot():
    from content.cache import shared_caches_bypassed

    course = course_tree(modules=1, lessons=1)
    user = trainee()
    enrollment_create(user=user, course=course)
    progress.cache.delete(progress._snapshot_key(user.pk))
    with shared_caches_bypassed():
        assert course.pk in progress_snapshot(user).enrollments
        assert progress.progress_cached(user, "x", lambda: 1) == 1
    assert progress.cache.get(progress._snapshot_key(user.pk)) is None


def test_progress_changed_replaces_the_token():
    user = trainee()
    first = progress_token(user.pk)
    progress_changed(user.pk)
    assert progress_token(user.pk) != first


# -- the kind: a write that sends no signal must replace the token itself ----

# Every model whose rows a trainee's progress is counted from: each step
# type's work (courses/steps.py: lessons, quizzes, tasks and whatever comes
# next), enrolments, certificates and task assessments (the feedback the
# cohort dashboard keeps per trainee, lms/cohorts/facts.py).
BESIDES_STEPS = {
    "courses.Enrollment",
    "certificates.Certificate",
    "assessments.TaskAssessment",
}


def _tracked_labels() -> set[str]:
    from courses.steps import step_models

    return BESIDES_STEPS | {
        model.step_work().rows.model._meta.label for model in step_models()
    }


BYPASSING = {"update", "bulk_create", "bulk_update"}


def _bypassing_writes(tree: ast.AST, tracked: set[str]):
    """(function, the write's call node) of each
    `<Tracked>.objects....update/bulk_*(...)`."""
    for func in ast.walk(tree):
        if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(func):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in BYPASSING
            ):
                continue
            root = node.func
            while isinstance(root, ast.Attribute | ast.Call):
                root = root.func if isinstance(root, ast.Call) else root.value
            if isinstance(root, ast.Name) and root.id in tracked:
                yield func, node


def _blocks(func: ast.AST) -> dict[int, list[tuple[int, str]]]:
    """id(node) -> the statement lists (parent id, field) enclosing it,
    innermost first, for every node in `func`."""
    enclosing: dict[int, list[tuple[int, str]]] = {id(func): []}
    stack = [func]
    while stack:
        parent = stack.pop()
        for field, value in ast.iter_fields(parent):
            children = value if isinstance(value, list) else [value]
            for child in children:
                if not isinstance(child, ast.AST):
                    continue
                outer = enclosing[id(parent)]
                if isinstance(value, list) and isinstance(child, ast.stmt):
                    enclosing[id(child)] = [(id(parent), field), *outer]
                else:
                    enclosing[id(child)] = outer
                stack.append(child)
    return enclosing


def _changed_around(func: ast.AST, write: ast.Call) -> bool:
    """Is `progress_changed` called in the block of statements holding
    `write` or in a block enclosing it, or after it within one of those
    (e.g. `if changed: progress_changed(...)`)? Not when it is called only
    in a branch that never runs after the write (another `if` branch
    before it)."""
    enclosing = _blocks(func)
    around = set(enclosing[id(write)])

    def covers(call: ast.Call) -> bool:
        blocks = enclosing[id(call)]
        if blocks and blocks[0] in around:
            return True
        return call.lineno > write.lineno and any(b in around for b in blocks)

    return any(
        isinstance(n, ast.Call)
        and isinstance(n.func, ast.Name)
        and n.func.id == "progress_changed"
        and covers(n)
        for n in ast.walk(func)
    )


def test_every_write_that_bypasses_signals_replaces_the_token():
    """Application code (not tests or benchmarks) that changes a tracked
    model with update() or bulk_*() calls progress_changed in the same
    block of statements or one enclosing it; the snapshot and the cohort
    dashboard's kept facts would go stale otherwise."""
    tracked = {label.rsplit(".", 1)[1] for label in _tracked_labels()}
    missing = []
    for folder in ("courses", "assessments", "lms", "content"):
        for path in (ROOT / folder).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text())
            for func, write in _bypassing_writes(tree, tracked):
                if not _changed_around(func, write):
                    missing.append(
                        f"{path.relative_to(ROOT)}:{write.lineno} {func.name}"
                    )
    assert not missing, missing


def test_the_walk_sees_a_write_covered_only_in_another_branch():
    source = """
def resume(attempt, offline):
    if offline:
        Attempt.objects.filter(pk=1).update(downloaded_at=None)
        progress_changed(attempt.user_id)
        return attempt
    if attempt.status == "downloaded":
        Attempt.objects.filter(pk=1).update(status="in_progress")
    return attempt


def covered(attempt):
    with atomic():
        Attempt.objects.filter(pk=1).update(status="graded")
    progress_changed(attempt.user_id)
"""
    tree = ast.parse(source)
    found = {
        (func.name, write.lineno): _changed_around(func, write)
        for func, write in _bypassing_writes(tree, {"Attempt"})
    }
    assert found == {("resume", 4): True, ("resume", 8): False, ("covered", 14): True}


def test_every_tracked_model_replaces_the_token_on_save_and_delete():
    from django.apps import apps
    from django.db.models.signals import post_delete, post_save

    from assessments.signals import assessment_changed

    labels = _tracked_labels()
    # The walk knows lessons, quizzes and tasks at least.
    assert {"courses.LessonCompletion", "assessments.Attempt"} <= labels
    assert "assessments.Submission" in labels
    for label in labels:
        model = apps.get_model(label)
        for signal in (post_save, post_delete):
            receivers = signal._live_receivers(model)
            if isinstance(receivers, tuple):  # Django 5: (sync, async)
                receivers = receivers[0]
            assert (
                progress._changed_by_signal in receivers
                or assessment_changed in receivers
            ), (label, signal)


def test_an_open_attempt_closes_to_a_trainee_who_withdrew_or_a_quiz_unpublished(
    client,
):
    """The question page reads the enrolment from the snapshot and the quiz
    from the content cache: both follow a change at once."""
    course = course_tree(modules=1, lessons=1)
    quiz = quiz_in(course, [question("true_false")])
    user = trainee()
    enrollment_create(user=user, course=course)
    attempt = attempt_start(user=user, quiz=quiz)
    client.force_login(user)
    url = reverse("assessments:question", args=[attempt.pk, 1])
    assert client.get(url).status_code == 200
    enrollment_withdraw(user=user, course=course)
    assert client.get(url).status_code != 200
    enrollment_create(user=user, course=course)
    assert client.get(url).status_code == 200
    quiz.unpublish()
    assert client.get(url).status_code == 404


def test_cached_listings_show_each_trainee_their_own_state(client):
    """The catalogue and Belajarku fragments are shared between trainees
    with equal state only."""
    course = course_tree(modules=1, lessons=2)
    a, b = trainee(), trainee()
    enrollment_create(user=a, course=course)
    enrollment_create(user=b, course=course)
    lesson_complete(user=a, lesson=lessons_of(course)[0])
    index_url = course.get_parent().url
    client.force_login(a)
    a_page = client.get(reverse("courses:my_learning")).text
    assert "1 dari 2" in a_page or "1 of 2" in a_page
    client.force_login(b)
    b_page = client.get(reverse("courses:my_learning")).text
    assert "0 dari 2" in b_page or "0 of 2" in b_page
    client.force_login(trainee())
    assert "tag tag--ok" not in client.get(index_url).text
    client.force_login(a)
    assert "tag tag--ok" in client.get(index_url).text


def _reordered(first: CoursePage, second: CoursePage) -> tuple[CoursePage, CoursePage]:
    """Move `second` before `first` among their siblings (Wagtail's page
    explorer reorder): the two courses swap tree paths."""
    second.move(first, pos="left")
    first.refresh_from_db()
    second.refresh_from_db()
    return first, second


def test_an_open_attempt_stays_open_after_its_course_is_reordered(client):
    """The snapshot names each enrolment's course by tree path; a course
    moved (reordered, or moved to another catalogue) keeps its enrolments."""
    course = course_tree(modules=1, lessons=1)
    other = course_tree(modules=1, lessons=1)
    quiz = quiz_in(other, [question("true_false")])
    user = trainee()
    enrollment_create(user=user, course=other)
    attempt = attempt_start(user=user, quiz=quiz)
    client.force_login(user)
    url = reverse("assessments:question", args=[attempt.pk, 1])
    assert client.get(url).status_code == 200  # snapshot cached
    old_path = other.path
    course, other = _reordered(course, other)
    assert other.path != old_path
    assert client.get(url).status_code == 200


def test_an_enrolment_never_opens_another_course_that_took_its_tree_path(client):
    """Enrolled in one course and withdrawn from another: after the courses
    swap places in the tree, the attempt pages of the course left stay
    closed (they would show correct answers)."""
    course = course_tree(modules=1, lessons=1)
    left = course_tree(modules=1, lessons=1)
    quiz = quiz_in(left, [question("true_false")])
    user = trainee()
    enrollment_create(user=user, course=left)
    attempt = attempt_start(user=user, quiz=quiz)
    enrollment_withdraw(user=user, course=left)
    enrollment_create(user=user, course=course)
    client.force_login(user)
    url = reverse("assessments:overview", args=[attempt.pk])
    assert client.get(url).status_code == 302  # refused; snapshot cached
    course_path = course.path
    course, left = _reordered(course, left)
    assert left.path == course_path  # the course left now sits where course was
    response = client.get(url)
    assert response.status_code == 302, "a withdrawn trainee reads the attempt"


def test_topic_scores_follow_a_question_deleted_from_the_bank():
    from assessments.demo import answer_data
    from assessments.selectors import category_progress
    from assessments.services import attempt_answer

    course = course_tree(modules=1, lessons=1)
    asked = question("single")
    quiz = quiz_in(course, [asked])
    user = trainee()
    enrollment_create(user=user, course=course)
    for right in (False, True):
        attempt = attempt_start(user=user, quiz=quiz)
        attempt_answer(
            user=user,
            attempt_id=attempt.pk,
            order=1,
            data=answer_data(attempt.items.get().snapshot, right=right),
        )
        attempt_submit(user=user, attempt_id=attempt.pk)
    assert category_progress(user=user)[0].possible == 1  # cached now
    asked.delete()  # the attempts' items keep the question, as one per attempt
    cached = category_progress(user=user)[0]
    progress_changed(user.pk)
    fresh = category_progress(user=user)[0]
    assert (cached.correct, cached.possible) == (fresh.correct, fresh.possible)
