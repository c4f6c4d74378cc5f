"""Inactivity reminders: friendly, translated, never twice in one period,
through the configured sender, with an opt-out link."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from lms.cohorts.models import CohortMembership, ReminderOptOut, ReminderSent
from lms.cohorts.services import cohort_reminders_send
from lms.cohorts.tasks import cohort_reminders_task
from tests.factories.cohorts import cohort_with, trainees_bulk
from tests.factories.courses import course_tree

pytestmark = pytest.mark.django_db

SENT_TO: list[str] = []


class RecordingSender:
    """Another channel (as an SMS sender would be), set by the setting."""

    def send(self, *, user, cohort) -> bool:
        SENT_TO.append(user.phone)
        return True


@pytest.fixture
def cohort(home):
    cohort = cohort_with(
        courses=[course_tree()], starts_on=dt.date(2020, 1, 1), reminder_after_days=5
    )
    idle, busy = trainees_bulk(cohort, 2)
    CohortMembership.objects.filter(user=idle).update(
        joined_at=timezone.now() - dt.timedelta(days=9)
    )
    cohort.idle, cohort.busy = idle, busy
    return cohort


def test_inactive_trainee_gets_one_friendly_reminder_per_period(cohort):
    assert cohort_reminders_task() == 1
    assert cohort_reminders_task() == 0
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [cohort.idle.email]
    assert message.subject == f"Kami merindukan Anda di {cohort.name}"
    assert "Lanjutkan" in message.body
    assert ReminderSent.objects.get().status == "sent"


def test_next_period_sends_again(cohort):
    cohort_reminders_send(cohort=cohort)
    later = timezone.now() + dt.timedelta(days=5)
    cohort_reminders_send(cohort=cohort, now=later)
    assert ReminderSent.objects.filter(user=cohort.idle).count() == 2


def test_reminder_is_in_the_trainees_language(cohort):
    cohort.idle.preferred_language = "en"
    cohort.idle.save()
    cohort_reminders_send(cohort=cohort)
    assert mail.outbox[0].subject == f"We miss you in {cohort.name}"


def test_opt_out_link_stops_reminders(client, cohort):
    cohort_reminders_send(cohort=cohort)
    link = re.search(r"http\S+/angkatan/pengingat/berhenti/\S+/", mail.outbox[0].body)[
        0
    ]
    path = link.split("127.0.0.1:8000", 1)[1]
    assert client.get(path).status_code == 200
    assert not ReminderOptOut.objects.exists()
    client.post(path)
    assert ReminderOptOut.objects.filter(user=cohort.idle).exists()
    later = timezone.now() + dt.timedelta(days=5)
    cohort_reminders_send(cohort=cohort, now=later)
    assert ReminderSent.objects.filter(user=cohort.idle).count() == 1
    assert ReminderSent.objects.filter(user=cohort.busy).count() == 1


def test_forged_opt_out_link_is_a_404(client, cohort):
    url = reverse("cohorts:reminder_opt_out", args=["bukan-token"])
    assert client.post(url).status_code == 404
    assert not ReminderOptOut.objects.exists()


def test_sender_is_pluggable_by_setting(cohort, settings):
    settings.SINAU_REMINDER_SENDER = "tests.cohorts.test_reminders.RecordingSender"
    SENT_TO.clear()
    cohort_reminders_send(cohort=cohort)
    assert SENT_TO == [cohort.idle.phone]
    assert mail.outbox == []


def test_trainee_without_email_is_recorded_as_unreachable_by_email(cohort):
    type(cohort.idle).objects.filter(pk=cohort.idle.pk).update(email=None)
    assert cohort_reminders_send(cohort=cohort) == 0
    assert ReminderSent.objects.get().status == "skipped"
    assert cohort_reminders_send(cohort=cohort) == 0
    assert ReminderSent.objects.count() == 1


def test_withdrawn_or_finished_cohorts_send_nothing(cohort):
    CohortMembership.objects.filter(user=cohort.idle).update(status="withdrawn")
    assert cohort_reminders_send(cohort=cohort) == 0
    assert mail.outbox == []


def test_staff_remind_a_trainee_by_whatsapp_from_their_page(client, cohort):
    """Reminders go by email, which a phone-only trainee never gets: the
    trainee's page offers the same reminder as a WhatsApp message, with its
    opt-out link, unless the trainee opted out."""
    from urllib.parse import unquote

    client.force_login(cohort.managers.get())
    url = reverse("cohorts:trainee", args=[cohort.pk, cohort.idle.pk])
    body = client.get(url).content.decode()
    found = re.search(r'href="https://wa\.me/(\d+)\?text=([^"]+)"', body)
    assert found, "no WhatsApp reminder link"
    assert found.group(1) == cohort.idle.phone.lstrip("+")
    text = unquote(found.group(2))
    assert "Lanjutkan" in text
    assert "/angkatan/pengingat/berhenti/" in text
    assert "Ingatkan lewat WhatsApp" in body

    ReminderOptOut.objects.create(user=cohort.idle)
    assert "Ingatkan lewat WhatsApp" not in client.get(url).content.decode()
