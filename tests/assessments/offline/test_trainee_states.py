"""What a trainee sees of their offline attempts on the quiz page and the
result page: saved on the phone (downloaded), waiting for a trainer's review,
kept without counting, with the server's score; no redirect loop for a
downloaded attempt; the review policy for held attempts."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import Attempt, ReviewPolicy
from assessments.offline.services import package_make
from assessments.services import attempt_start, attempt_submit
from tests.assessments.offline.conftest import sync_post
from tests.support.offline import saved_at, submit_item

pytestmark = pytest.mark.django_db


def _review(client_in, quiz, package, *, right=True) -> Attempt:
    quiz.time_limit_minutes = 10
    quiz.save()
    Attempt.objects.filter(pk=package.pk).update(
        **saved_at(timezone.now() - timedelta(hours=3))
    )
    sync_post(client_in, [submit_item(package, right=right)])
    package.refresh_from_db()
    assert package.status == Attempt.Status.REVIEW
    return package


def _not_counted(client_in, quiz, package) -> Attempt:
    quiz.closes_at = timezone.now() - timedelta(minutes=1)
    quiz.save()
    sync_post(client_in, [submit_item(package)])
    package.refresh_from_db()
    assert package.status == Attempt.Status.NOT_COUNTED
    return package


def test_the_quiz_page_says_a_package_is_on_the_phone(client_in, quiz, package):
    body = client_in.get(quiz.url).content.decode()
    assert "Tersimpan offline di HP: jawaban dikirim saat online." in body
    assert reverse("assessments:offline_attempt", args=[package.pk]) in body
    assert "Lanjutkan online" in body
    # "Lanjutkan online" resumes the package as an online attempt.
    response = client_in.post(reverse("assessments:start", args=[quiz.pk]))
    assert response.status_code == 302
    package.refresh_from_db()
    assert package.status == Attempt.Status.IN_PROGRESS


@pytest.mark.parametrize("name", ["overview", "question", "result"])
def test_a_downloaded_attempt_goes_to_its_package_page(client_in, package, name):
    args = [package.pk, 1] if name == "question" else [package.pk]
    response = client_in.get(reverse(f"assessments:{name}", args=args), follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse(
        "assessments:offline_attempt", args=[package.pk]
    )
    assert len(response.redirect_chain) == 1
    package.refresh_from_db()
    assert package.status == Attempt.Status.DOWNLOADED  # nothing changed


def test_a_held_attempt_shows_the_review_wait_and_the_server_score(
    client_in, quiz, package
):
    attempt = _review(client_in, quiz, package)
    result = client_in.get(reverse("assessments:result", args=[attempt.pk]))
    assert result.status_code == 200
    body = result.content.decode()
    assert "Menunggu ditinjau pelatih" in body
    assert "Nilai di server: 4 dari 4 poin" in body
    assert "None" not in body
    page = client_in.get(quiz.url).content.decode()
    assert "Menunggu ditinjau pelatih" in page
    assert "(100%)" in page  # the server's score, not the attempt's
    assert page.count("menunggu ditinjau pelatih") == 1  # the banner


def test_a_held_last_attempt_does_not_reveal_the_answers(client_in, quiz, package):
    """Under "after a pass or the last attempt", an attempt held for review
    may yet not count: nothing is revealed until a trainer decides."""
    quiz.max_attempts = 1
    quiz.review_policy = ReviewPolicy.AFTER_PASS_OR_LAST
    quiz.save()
    attempt = _review(client_in, quiz, package, right=False)
    result = client_in.get(reverse("assessments:result", args=[attempt.pk]))
    assert result.status_code == 200
    assert result.context["review"] is False
    assert result.context["outcomes"] is False


def test_a_held_attempt_follows_an_after_submit_policy(client_in, quiz, package):
    """Held, nothing is revealed even under "after every submission"; once
    a trainer accepts it, the policy applies."""
    from assessments.offline.review import attempt_review_decide
    from tests.factories import course_trainer

    quiz.review_policy = ReviewPolicy.AFTER_SUBMIT
    quiz.save()
    attempt = _review(client_in, quiz, package)
    result = client_in.get(reverse("assessments:result", args=[attempt.pk]))
    assert result.context["review"] is False
    course = quiz.get_parent().get_parent().specific
    attempt_review_decide(
        reviewer=course_trainer(course), attempt_id=attempt.pk, accept=True
    )
    result = client_in.get(reverse("assessments:result", args=[attempt.pk]))
    assert result.context["review"] is True


def test_a_not_counted_attempt_says_so_with_the_reason(client_in, quiz, package):
    attempt = _not_counted(client_in, quiz, package)
    result = client_in.get(reverse("assessments:result", args=[attempt.pk]))
    assert result.status_code == 200
    body = result.content.decode()
    assert "Kuis sudah ditutup sebelum bisa dibuktikan" in body
    assert "Nilai di server: 4 dari 4 poin" in body
    assert "Lulus!" not in body
    page = client_in.get(quiz.url)
    assert "Kuis sudah ditutup sebelum bisa dibuktikan" in page.content.decode()
    # Kept without counting, it uses up no attempt.
    assert page.context["attempts"][0].server_percent == 100


def test_phone_answers_after_an_online_submit_are_noted_on_the_result(
    client_in, learner, quiz, package
):
    online = attempt_start(user=learner, quiz=quiz)
    attempt_submit(user=learner, attempt_id=online.pk)
    sync_post(client_in, [submit_item(package, right=False)])
    response = client_in.get(reverse("assessments:result", args=[online.pk]))
    # The foundation's message, in Indonesian once the lead translates it.
    notes = response.context["offline_notes"]
    assert len(notes) == 1
    assert "sudah dikumpulkan" in notes[0] or "already submitted" in notes[0]
    assert notes[0] in response.content.decode()


def test_answers_stay_hidden_while_a_package_is_open(client_in, learner, quiz):
    quiz.review_policy = ReviewPolicy.AFTER_SUBMIT
    quiz.save()
    first = attempt_start(user=learner, quiz=quiz)
    attempt_submit(user=learner, attempt_id=first.pk)
    package_make(user=learner, quiz=quiz)
    result = client_in.get(reverse("assessments:result", args=[first.pk]))
    assert result.context["review"] is False
    assert result.context["other_open"] is True
