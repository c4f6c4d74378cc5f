"""Quiz pages: who may use them, and that they work as plain form posts."""

import pytest
from django.urls import reverse

from assessments.demo import answer_data, attempt_take
from assessments.models import Accommodation, Attempt
from assessments.services import attempt_start
from tests.factories import trainee, trainer
from tests.factories.assessments import question, quiz_in
from tests.support.visitors import visitor_clients as _clients
from tests.support.visitors import visitors_world

pytestmark = pytest.mark.django_db


def test_quiz_page_shows_rules_and_start_button_to_an_enrolled_trainee(
    client, learner, quiz
):
    client.force_login(learner)
    body = client.get(quiz.url).content.decode()
    assert "Nilai lulus: 70%" in body
    assert "Mulai kuis" in body


def test_quiz_page_offers_enrolment_not_the_quiz_to_others(client, quiz):
    client.force_login(trainee())
    body = client.get(quiz.url).content.decode()
    assert "Mulai kuis" not in body
    assert "Daftar gratis" in body


def test_start_needs_login_and_post(client, learner, quiz):
    url = reverse("assessments:start", args=[quiz.pk])
    assert client.post(url)["Location"].startswith(reverse("account_login"))
    client.force_login(learner)
    assert client.get(url).status_code == 405
    assert not Attempt.objects.exists()


def test_start_refused_for_a_trainee_not_enrolled_changes_nothing(client, quiz):
    client.force_login(trainee())
    response = client.post(reverse("assessments:start", args=[quiz.pk]), follow=True)
    assert (
        "Daftar di kursus ini untuk mengerjakan kuisnya." in response.content.decode()
    )
    assert not Attempt.objects.exists()


def test_whole_attempt_by_form_posts(client, learner, quiz):
    client.force_login(learner)
    response = client.post(reverse("assessments:start", args=[quiz.pk]))
    attempt = Attempt.objects.get()
    assert response["Location"] == reverse("assessments:question", args=[attempt.pk, 1])
    for item in attempt.items.order_by("order"):
        url = reverse("assessments:question", args=[attempt.pk, item.order])
        assert "Soal" in client.get(url).content.decode()
        client.post(url, dict(answer_data(item.snapshot, right=True).lists()))
    response = client.get(reverse("assessments:overview", args=[attempt.pk]))
    assert "Semua soal sudah dijawab." in response.content.decode()
    response = client.post(
        reverse("assessments:submit", args=[attempt.pk]), follow=True
    )
    body = response.content.decode()
    assert "100%" in body
    assert "Lulus!" in body
    assert "Penjelasan single." in body


def test_invalid_answer_shows_an_announced_error_and_keeps_the_old_answer(
    client, learner, quiz
):
    client.force_login(learner)
    attempt = attempt_start(user=learner, quiz=quiz)
    order = attempt.items.get(snapshot__kind="numeric").order
    url = reverse("assessments:question", args=[attempt.pk, order])
    response = client.post(url, {"value": "dua setengah"})
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert "Tulis angka, misalnya 2,5 atau 15.000." in response.content.decode()
    assert attempt.items.get(order=order).response is None


def test_someone_elses_attempt_is_not_found(client, learner, quiz):
    attempt = attempt_start(user=learner, quiz=quiz)
    client.force_login(trainee())
    for name in ("overview", "result"):
        assert (
            client.get(reverse(f"assessments:{name}", args=[attempt.pk])).status_code
            == 404
        )
    url = reverse("assessments:question", args=[attempt.pk, 1])
    assert client.get(url).status_code == 404
    assert client.post(url, {"choice": "1"}).status_code == 404
    assert (
        client.post(reverse("assessments:submit", args=[attempt.pk])).status_code == 404
    )
    assert attempt.items.get(order=1).response is None
    assert Attempt.objects.get().status == "in_progress"


def test_posting_after_submission_redirects_with_a_message_and_changes_nothing(
    client, learner, quiz
):
    attempt = attempt_take(user=learner, quiz=quiz, right=False)
    before = list(attempt.items.values_list("response", flat=True))
    client.force_login(learner)
    item = attempt.items.get(order=1)
    response = client.post(
        reverse("assessments:question", args=[attempt.pk, 1]),
        dict(answer_data(item.snapshot, right=True).lists()),
        follow=True,
    )
    assert "sudah dikumpulkan" in response.content.decode()
    assert list(attempt.items.values_list("response", flat=True)) == before


@pytest.mark.parametrize(
    ("policy", "shown_after_fail", "shown_after_pass"),
    [
        ("after_pass_or_last", False, True),
        ("after_submit", True, True),
        ("after_pass", False, True),
        ("never", False, False),
    ],
)
def test_review_policy(
    client, learner, course, policy, shown_after_fail, shown_after_pass
):
    quiz = quiz_in(course, [question("single")], review_policy=policy)
    client.force_login(learner)
    failed = attempt_take(user=learner, quiz=quiz, right=False)
    body = client.get(reverse("assessments:result", args=[failed.pk])).content.decode()
    assert ("Penjelasan single." in body) is shown_after_fail
    passed = attempt_take(user=learner, quiz=quiz, right=True)
    body = client.get(reverse("assessments:result", args=[passed.pk])).content.decode()
    assert ("Penjelasan single." in body) is shown_after_pass


def test_quiz_stats_for_trainers_of_the_course_only(client, learner, quiz, course):
    from courses.seed import course_index_ensure

    course_index_ensure(home=course.get_parent().get_parent().specific)
    attempt_take(user=learner, quiz=quiz, right=True)
    url = reverse("assessments:stats", args=[quiz.pk])
    client.force_login(learner)
    assert client.get(url).status_code == 404
    client.force_login(trainer())
    body = client.get(url).content.decode()
    assert "Soal single?" in body
    assert "100% (1)" in body


def test_quiz_page_shows_the_trainees_own_time_limit(client, learner, course):
    from assessments.models import Accommodation

    quiz = quiz_in(course, [question("single")], time_limit_minutes=10)
    Accommodation.objects.create(quiz=quiz, user=learner, extra_minutes=15)
    client.force_login(learner)
    assert "Batas waktu: 25 menit" in client.get(quiz.url).content.decode()
    client.force_login(trainee())
    assert "Batas waktu: 10 menit" in client.get(quiz.url).content.decode()


def test_anonymous_visitor_sees_the_quiz_rules_and_a_log_in_button(client, quiz):
    body = client.get(quiz.url).content.decode()
    assert "Nilai lulus: 70%" in body
    assert "Masuk untuk mendaftar" in body
    assert "Mulai kuis" not in body


# -- review policy: no correct answers while they can still be copied --------


def _result(client, attempt) -> str:
    return client.get(reverse("assessments:result", args=[attempt.pk])).content.decode()


def _shows_answers(body: str) -> bool:
    """The result page reveals the key: the right choice, its explanation or
    a choice's feedback."""
    return any(
        text in body
        for text in ("jawaban benar", "Penjelasan single.", "Satu (benar)", "Umpan")
    )


def test_default_policy_hides_answers_after_a_failed_attempt_with_attempts_left(
    client, learner, course
):
    quiz = quiz_in(course, [question("single")])  # unlimited attempts
    assert quiz.review_policy == "after_pass_or_last"
    client.force_login(learner)
    failed = attempt_take(user=learner, quiz=quiz, right=False)
    body = _result(client, failed)
    assert "0%" in body
    assert not _shows_answers(body)
    assert "Jawaban dan penjelasan ditampilkan setelah Anda lulus." in body


def test_default_policy_shows_answers_after_a_pass(client, learner, course):
    quiz = quiz_in(course, [question("single")])
    client.force_login(learner)
    failed = attempt_take(user=learner, quiz=quiz, right=False)
    passed = attempt_take(user=learner, quiz=quiz, right=True)
    assert _shows_answers(_result(client, passed))
    assert _shows_answers(_result(client, failed))  # nothing left to copy into


def test_default_policy_shows_answers_after_the_last_allowed_attempt(
    client, learner, course
):
    quiz = quiz_in(course, [question("single")], max_attempts=2)
    client.force_login(learner)
    first = attempt_take(user=learner, quiz=quiz, right=False)
    assert not _shows_answers(_result(client, first))
    Accommodation.objects.create(quiz=quiz, user=learner, extra_attempts=1)
    second = attempt_take(user=learner, quiz=quiz, right=False)
    assert not _shows_answers(_result(client, second))  # one extra attempt left
    last = attempt_take(user=learner, quiz=quiz, right=False)
    assert _shows_answers(_result(client, last))


@pytest.mark.parametrize(
    ("fields", "text"),
    [
        ({}, "Jawaban yang benar ditampilkan setelah Anda lulus."),
        (
            {"max_attempts": 3},
            "Jawaban yang benar ditampilkan setelah Anda lulus atau setelah "
            "percobaan terakhir Anda.",
        ),
        (
            {"review_policy": "never"},
            "Kuis ini hanya menampilkan nilai Anda, tidak pernah jawaban yang benar.",
        ),
        (
            {"review_policy": "after_submit"},
            "Jawaban yang benar ditampilkan setelah setiap percobaan.",
        ),
    ],
)
def test_quiz_page_says_when_answers_are_shown(client, learner, course, fields, text):
    quiz = quiz_in(course, [question("single")], **fields)
    client.force_login(learner)
    assert text in client.get(quiz.url).content.decode()


# -- every way of leaving a question page keeps the picked answer -------------


@pytest.mark.parametrize(
    ("go", "target"),
    [("4", 4), ("1", 1), ("overview", "overview"), ("previous", 1), ("next", 3)],
)
def test_every_way_of_leaving_a_question_saves_the_answer(
    client, learner, quiz, go, target
):
    attempt = attempt_start(user=learner, quiz=quiz)
    client.force_login(learner)
    url = reverse("assessments:question", args=[attempt.pk, 2])
    body = client.get(url).content.decode()
    form = body[body.index('<form method="post" class="question"') :]
    form = form[: form.index("</form>")]
    assert f'<button type="submit" name="go" value="{go}"' in form
    item = attempt.items.get(order=2)
    response = client.post(
        url, {**dict(answer_data(item.snapshot, right=True).lists()), "go": go}
    )
    expected = (
        reverse("assessments:overview", args=[attempt.pk])
        if target == "overview"
        else reverse("assessments:question", args=[attempt.pk, target])
    )
    assert response.status_code == 302
    assert response["Location"] == expected
    assert attempt.items.get(order=2).response is not None


def test_moving_on_without_picking_anything_keeps_the_saved_answer(
    client, learner, quiz
):
    attempt = attempt_start(user=learner, quiz=quiz)
    item = attempt.items.get(order=1)
    client.force_login(learner)
    url = reverse("assessments:question", args=[attempt.pk, 1])
    client.post(url, dict(answer_data(item.snapshot, right=True).lists()))
    saved = attempt.items.get(order=1).response
    response = client.post(url, {"go": "3"})
    assert response["Location"] == reverse("assessments:question", args=[attempt.pk, 3])
    assert attempt.items.get(order=1).response == saved


def test_an_invalid_answer_stops_the_move_and_says_why(client, learner, quiz):
    attempt = attempt_start(user=learner, quiz=quiz)
    order = attempt.items.get(snapshot__kind="numeric").order
    client.force_login(learner)
    url = reverse("assessments:question", args=[attempt.pk, order])
    response = client.post(url, {"value": "dua", "go": "overview"})
    assert response.status_code == 400
    assert "Tulis angka" in response.content.decode()
    assert attempt.items.get(order=order).response is None


# -- no answers while an attempt of the quiz is still open --------------------


def test_last_attempt_still_open_shows_no_answers_of_the_earlier_one(
    client, learner, course
):
    """The tester's repro: two attempts allowed, the first failed, the second
    started. The first result must not reveal the key to copy into it."""
    quiz = quiz_in(course, [question("single")], max_attempts=2)
    client.force_login(learner)
    first = attempt_take(user=learner, quiz=quiz, right=False)
    second = attempt_start(user=learner, quiz=quiz)
    body = _result(client, first)
    assert not _shows_answers(body)
    assert "Jawaban tidak ditampilkan selama Anda masih mengerjakan" in body
    for item in second.items.order_by("order"):
        from assessments.services import attempt_answer

        attempt_answer(
            user=learner,
            attempt_id=second.pk,
            order=item.order,
            data=answer_data(item.snapshot, right=False),
        )
    client.post(reverse("assessments:submit", args=[second.pk]))
    assert _shows_answers(_result(client, first))  # both used: nothing to copy into
    assert _shows_answers(_result(client, second))


@pytest.mark.parametrize(
    "policy", ["after_pass_or_last", "after_submit", "after_pass", "never"]
)
def test_no_trainee_page_shows_answers_while_an_attempt_is_open(
    client, learner, course, policy
):
    """Under every policy, with an earlier attempt passed and used up, every
    page the trainee can reach hides the key while a new attempt is open."""
    quiz = quiz_in(course, [question("single")], review_policy=policy, max_attempts=2)
    client.force_login(learner)
    earlier = attempt_take(user=learner, quiz=quiz, right=True)
    Accommodation.objects.create(quiz=quiz, user=learner, extra_attempts=1)
    attempt_take(user=learner, quiz=quiz, right=False)
    current = attempt_start(user=learner, quiz=quiz)
    urls = [
        quiz.url,
        reverse("courses:my_learning"),
        reverse("assessments:result", args=[earlier.pk]),
        reverse("assessments:overview", args=[current.pk]),
    ] + [
        reverse("assessments:question", args=[current.pk, item.order])
        for item in current.items.all()
    ]
    for url in urls:
        body = client.get(url, follow=True).content.decode()
        # The question page shows the choices' texts; the key is the marking.
        assert not any(
            text in body
            for text in ("jawaban benar", "Penjelasan single.", "Umpan balik")
        ), url


@pytest.mark.parametrize("kind", ["numeric", "short_answer", "essay"])
def test_a_one_box_question_says_your_answer_once(client, learner, course, kind):
    """A question answered in one box had the group's "Jawaban Anda"
    above the box's own "Jawaban Anda": the group's name stays for screen
    readers, shown once."""
    import re

    quiz = quiz_in(course, [question(kind)])
    client.force_login(learner)
    attempt = attempt_start(user=learner, quiz=quiz)
    body = client.get(reverse("assessments:question", args=[attempt.pk, 1])).content
    shown = re.findall(
        r"<(legend|label)(?![^>]*visually-hidden)[^>]*>\s*Jawaban Anda\b",
        body.decode(),
    )
    assert shown == ["label"]


@pytest.fixture
def world(home, a_trainer, a_manager):
    """One visitor of each kind (tests/support/visitors.py)."""
    return visitors_world(trainer=a_trainer, manager=a_manager)


def test_the_result_page_is_the_learners_own(world):
    url = reverse("assessments:result", args=[world["attempt"].pk])
    clients = _clients(world)
    assert clients["learner"].get(url).status_code == 200
    assert clients["anonymous"].get(url).status_code == 302
    assert clients["stranger"].get(url).status_code == 404
