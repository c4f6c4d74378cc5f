"""The essay queue for trainers (docs/decisions/0016-marking-queue.md): reachable from
the site, the queue and its marking form for the course trainer, a "marked" tab with
edit, who may mark when the queue is empty, and blank essays scored 0 at submission
instead of queued. Marking an essay itself is tests/assessments/kinds/test_essay.py."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import Attempt
from assessments.selectors import (
    essays_waiting_count,
    essays_waiting_elsewhere,
    marking_queue,
)
from assessments.services import (
    attempt_answer,
    attempt_start,
    attempt_submit,
)
from courses.seed import course_index_ensure
from courses.services import lesson_complete
from tests.factories import program_manager, trainee, trainer
from tests.factories.assessments import question, quiz_in
from tests.factories.courses import lessons_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def essay_quiz(course, learner):
    course_index_ensure(home=course.get_parent().get_parent().specific)
    lesson_complete(user=learner, lesson=lessons_of(course)[0])
    return quiz_in(course, [question("single"), question("essay", points=4)])


def _submit(user, quiz, essay_text: str | None) -> Attempt:
    attempt = attempt_start(user=user, quiz=quiz)
    essay = attempt.items.get(snapshot__kind="essay")
    if essay_text is not None:
        attempt_answer(
            user=user,
            attempt_id=attempt.pk,
            order=essay.order,
            data={"text": essay_text},
        )
    return attempt_submit(user=user, attempt_id=attempt.pk)


def test_a_blank_essay_is_scored_zero_at_submission_and_not_queued(essay_quiz, learner):
    attempt = _submit(learner, essay_quiz, None)
    essay = attempt.items.get(snapshot__kind="essay")
    assert (essay.points, essay.is_correct, essay.marked_by) == (0, False, None)
    assert essay.marked_at is not None
    assert attempt.status == Attempt.Status.GRADED
    assert attempt.score == 0
    assert marking_queue(user=trainer()) == []


def test_the_start_pages_count_the_queue_without_reading_it(essay_quiz, learner):
    _submit(learner, essay_quiz, "Gula aren asli, manis legit.")
    _submit(trainee_in(essay_quiz), essay_quiz, "Kopi bubuk Batu Ampar.")
    marker = trainer()
    with CaptureQueriesContext(connection) as counted:
        n = essays_waiting_count(user=marker)
    assert n == len(marking_queue(user=marker)) == 2
    reads = [
        q["sql"]
        for q in counted.captured_queries
        if 'FROM "assessments_attemptquestion"' in q["sql"]
    ]
    assert len(reads) == 1
    assert reads[0].startswith("SELECT COUNT(")


def trainee_in(quiz):
    from courses.services import enrollment_create

    course = quiz.get_parent().get_parent().specific
    other = trainee()
    enrollment_create(user=other, course=course)
    for lesson in lessons_of(course):
        lesson_complete(user=other, lesson=lesson)
    return other


def test_a_written_essay_still_waits_for_a_trainer(essay_quiz, learner):
    attempt = _submit(learner, essay_quiz, "Gula aren asli, manis legit.")
    essay = attempt.items.get(snapshot__kind="essay")
    assert essay.points is None
    assert attempt.status == Attempt.Status.MARKING
    assert [i.pk for i in marking_queue(user=trainer())] == [essay.pk]


def test_the_marked_tab_lists_marked_and_blank_essays_with_an_edit_link(
    essay_quiz, learner, client
):
    blank = _submit(learner, essay_quiz, None).items.get(snapshot__kind="essay")
    other = trainee()
    from courses.services import enrollment_create

    enrollment_create(user=other, course=essay_quiz.get_parent().get_parent().specific)
    written = _submit(other, essay_quiz, "Tulisan saya").items.get(
        snapshot__kind="essay"
    )
    marker = trainer()
    client.force_login(marker)
    waiting = client.get(reverse("assessments:marking")).content.decode()
    assert reverse("assessments:mark", args=[written.pk]) in waiting
    assert reverse("assessments:mark", args=[blank.pk]) not in waiting
    response = client.post(
        reverse("assessments:mark", args=[written.pk]), {"points": "3", "feedback": ""}
    )
    assert response.status_code == 302
    marked = client.get(reverse("assessments:marking") + "?tab=marked")
    text = marked.content.decode()
    assert reverse("assessments:mark", args=[written.pk]) in text
    assert reverse("assessments:mark", args=[blank.pk]) in text
    assert "Jawaban kosong, otomatis diberi 0" in text
    assert "3 dari 4 poin" in text
    # Edit: a second mark replaces the first and returns to the marked tab.
    response = client.post(
        reverse("assessments:mark", args=[written.pk]), {"points": "4", "feedback": ""}
    )
    assert response["Location"].endswith("?tab=marked")
    written.refresh_from_db()
    assert written.points == 4


def test_a_manager_with_nothing_to_mark_is_told_who_may_mark(
    essay_quiz, learner, client
):
    _submit(learner, essay_quiz, "Tulisan saya")
    course_trainer = trainer(display_name="Bu Pelatih")
    manager = program_manager()
    rows = essays_waiting_elsewhere(user=manager)
    assert [(r.quiz.pk, r.waiting) for r in rows] == [(essay_quiz.pk, 1)]
    assert course_trainer in rows[0].markers
    assert manager not in rows[0].markers
    client.force_login(manager)
    text = client.get(reverse("assessments:marking")).content.decode()
    assert "Tidak ada esai untuk Anda" in text
    assert "Bu Pelatih" in text
    assert "Tidak ada yang perlu dinilai" not in text


def test_nothing_waiting_anywhere_says_nothing_to_mark(essay_quiz, client):
    client.force_login(program_manager())
    text = client.get(reverse("assessments:marking")).content.decode()
    assert "Tidak ada yang perlu dinilai" in text


def test_staff_find_the_queue_from_the_site_and_trainees_do_not(
    essay_quiz, learner, client
):
    _submit(learner, essay_quiz, "Tulisan saya")
    client.force_login(trainer())
    home = client.get("/").content.decode()
    assert f'href="{reverse("assessments:marking")}"' in home
    belajarku = client.get(reverse("courses:my_learning")).content.decode()
    assert "1 esai menunggu nilai dari Anda." in belajarku
    client.force_login(learner)
    assert reverse("assessments:marking") not in client.get("/").content.decode()
    assert "menunggu nilai dari Anda" not in (
        client.get(reverse("courses:my_learning")).content.decode()
    )


def test_marking_queue_and_form_for_the_course_trainer(essay_attempt, client):
    item = essay_attempt.items.get(snapshot__kind="essay")
    client.force_login(trainer())
    queue = client.get(reverse("assessments:marking")).content.decode()
    assert reverse("assessments:mark", args=[item.pk]) in queue
    form = client.get(reverse("assessments:mark", args=[item.pk])).content.decode()
    assert "Ada masalah, agitasi dan solusi." in form
    response = client.post(
        reverse("assessments:mark", args=[item.pk]), {"points": "9", "feedback": ""}
    )
    assert response.status_code == 400
    assert "Beri antara 0 dan 4 poin." in response.content.decode()
    item.refresh_from_db()
    assert item.points is None
    response = client.post(
        reverse("assessments:mark", args=[item.pk]),
        {"points": "2,5", "feedback": "Oke"},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.points == 2.5
