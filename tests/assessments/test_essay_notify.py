"""A trainee hears when their essay answers are marked: one notification
per attempt (in Sinau, and by email where Sinau may mail them), however
often the answers are re-marked."""

import pytest
from django.core import mail
from django.urls import reverse

from assessments.services import essay_mark
from lms.notifications.models import Notification
from tests.factories import trainer
from tests.support.notifications import (
    notifications_deliver_pending,
    quiet_hours_off,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_quiet_hours(settings):
    quiet_hours_off(settings)


def test_marking_the_last_essay_tells_the_trainee_once(essay_attempt, learner):
    item = essay_attempt.items.get(snapshot__kind="essay")
    marker = trainer()
    essay_mark(marker=marker, item_id=item.pk, points="3", feedback="Bagus.")
    essay_mark(marker=marker, item_id=item.pk, points="4", feedback="Bagus sekali.")
    notification = Notification.objects.get()
    assert (notification.user, notification.kind, notification.key) == (
        learner,
        "essay_feedback",
        f"essay:{essay_attempt.pk}",
    )
    assert notification.url.endswith(
        reverse("assessments:result", args=[essay_attempt.pk])
    )
    assert notification.template == "feedback_released"
    assert notification.subject.startswith("Jawaban Anda di “")
    assert notifications_deliver_pending() == ["sent"]
    assert [m.to for m in mail.outbox] == [[learner.email]]


def test_a_phone_only_trainee_finds_it_in_sinau(essay_attempt, learner):
    learner.email = None
    learner.phone = "+6281311115555"
    learner.save(update_fields=["email", "phone"])
    item = essay_attempt.items.get(snapshot__kind="essay")
    essay_mark(marker=trainer(), item_id=item.pk, points="2", feedback="")
    notifications_deliver_pending()
    assert mail.outbox == []
    assert Notification.objects.get(user=learner).read_at is None
