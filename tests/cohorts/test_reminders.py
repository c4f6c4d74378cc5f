"""Inactivity reminders through the notification service: friendly,
translated, one per person a day whatever the number of their cohorts,
none while one is younger than the period, phone-only trainees reached
too (in Sinau and by hand at worst), with an opt-out link."""

import datetime as dt
import re
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from lms.cohorts.models import CohortMembership, ReminderOptOut, ReminderRun
from lms.cohorts.services import (
    cohort_reminders_run,
    cohort_reminders_run_request,
    cohort_reminders_send,
)
from lms.cohorts.tasks import cohort_reminders_task
from lms.notifications.channels import senders_reset
from lms.notifications.models import Delivery, Notification
from tests.factories.cohorts import cohort_with, trainees_bulk
from tests.factories.courses import course_tree
from tests.support.notifications import notifications_deliver_pending

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _daytime(settings):
    """No quiet hours: these tests are about who gets what, not when."""
    settings.SINAU_QUIET_HOURS = (0, 0)
    senders_reset()
    yield
    senders_reset()


def deliver_all() -> None:
    """What the worker does after commit, in this process."""
    notifications_deliver_pending()


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
    deliver_all()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [cohort.idle.email]
    assert message.subject == f"Kami merindukan Anda di {cohort.name}"
    assert "Lanjutkan" in message.body
    reminder = Notification.objects.get()
    assert (reminder.user, reminder.kind, reminder.cohort) == (
        cohort.idle,
        "reminder",
        cohort,
    )
    assert reminder.key == f"reminder:{timezone.localdate().isoformat()}"
    assert (reminder.status, reminder.channel) == ("sent", "email")
    assert reminder.template == "reminder_inactive"
    assert reminder.params[:2] == [cohort.idle.get_short_name(), cohort.name]
    assert reminder.params[2].endswith(reverse("courses:my_learning"))
    assert reminder.params[2] in reminder.short


def test_next_period_sends_again(cohort):
    cohort_reminders_send(cohort=cohort)
    assert cohort_reminders_send(cohort=cohort, now=timezone.now()) == []
    later = timezone.now() + dt.timedelta(days=5, minutes=1)
    again = cohort_reminders_send(cohort=cohort, now=later)
    assert cohort.idle in [n.user for n in again]
    assert Notification.objects.filter(user=cohort.idle).count() == 2


def test_reminder_is_in_the_trainees_language(cohort):
    cohort.idle.preferred_language = "en"
    cohort.idle.save()
    cohort_reminders_send(cohort=cohort)
    deliver_all()
    assert mail.outbox[0].subject == f"We miss you in {cohort.name}"


def test_opt_out_link_stops_reminders(client, cohort):
    cohort_reminders_send(cohort=cohort)
    deliver_all()
    link = re.search(r"http\S+/angkatan/pengingat/berhenti/\S+/", mail.outbox[0].body)[
        0
    ]
    path = link.split("127.0.0.1:8000", 1)[1]
    assert client.get(path).status_code == 200
    assert not ReminderOptOut.objects.exists()
    client.post(path)
    assert ReminderOptOut.objects.filter(user=cohort.idle).exists()
    later = timezone.now() + dt.timedelta(days=6)
    assert cohort_reminders_send(cohort=cohort, now=later) == [
        Notification.objects.get(user=cohort.busy)
    ]
    assert Notification.objects.filter(user=cohort.idle).count() == 1


def test_forged_opt_out_link_is_a_404(client, cohort):
    url = reverse("cohorts:reminder_opt_out", args=["bukan-token"])
    assert client.post(url).status_code == 404
    assert not ReminderOptOut.objects.exists()


def test_a_phone_only_trainee_is_reminded_in_sinau_and_by_hand(cohort):
    """Before: recorded as "skipped", nothing anywhere. Now: the reminder
    is in their Sinau list and waits in the by-hand list."""
    type(cohort.idle).objects.filter(pk=cohort.idle.pk).update(email=None)
    assert len(cohort_reminders_send(cohort=cohort)) == 1
    deliver_all()
    reminder = Notification.objects.get(user=cohort.idle)
    assert reminder.status == Notification.Status.BY_HAND
    delivery = Delivery.objects.get(notification=reminder)
    assert (delivery.channel, delivery.status) == ("hand", "waiting")
    assert mail.outbox == []
    assert cohort_reminders_send(cohort=cohort) == []


def test_a_phone_only_trainee_with_no_channel_still_has_it_in_sinau(cohort, settings):
    settings.SINAU_NOTIFICATION_BY_HAND = False
    senders_reset()
    type(cohort.idle).objects.filter(pk=cohort.idle.pk).update(email=None)
    cohort_reminders_send(cohort=cohort)
    deliver_all()
    assert Notification.objects.get(user=cohort.idle).status == "no_channel"


def test_withdrawn_or_finished_cohorts_send_nothing(cohort):
    CohortMembership.objects.filter(user=cohort.idle).update(status="withdrawn")
    assert cohort_reminders_send(cohort=cohort) == []
    cohort.refresh_from_db()
    CohortMembership.objects.filter(user=cohort.idle).update(status="active")
    cohort.ends_on = dt.date(2021, 1, 1)
    cohort.save()
    assert cohort_reminders_send(cohort=cohort) == []
    assert not Notification.objects.exists()


def test_send_now_is_queued_then_run_once(cohort, django_capture_on_commit_callbacks):
    manager = cohort.managers.get()
    with django_capture_on_commit_callbacks() as callbacks:
        run = cohort_reminders_run_request(cohort=cohort, by=manager)
    assert run.status == "pending"
    assert len(callbacks) == 1  # the task is sent after commit
    done = cohort_reminders_run(run_id=run.pk)
    assert (done.status, done.reminded) == ("done", 1)
    assert cohort_reminders_run(run_id=run.pk).reminded == 1  # redelivered
    assert Notification.objects.get().sender == manager
    assert ReminderRun.objects.count() == 1


def test_the_command_dry_run_changes_nothing_and_shows_the_cost(cohort):
    type(cohort.idle).objects.filter(pk=cohort.idle.pk).update(email=None)
    out = StringIO()
    call_command("reminders_send", "--dry-run", "--cohort", str(cohort.pk), stdout=out)
    text = out.getvalue()
    assert "1 would be reminded" in text
    assert cohort.idle.display_name in text
    assert "tidak ada aktivitas selama 9 hari" in text
    assert "Rp0" in text
    assert not Notification.objects.exists()


def test_the_command_runs_what_beat_runs_and_counts_channels(cohort):
    out = StringIO()
    call_command("reminders_send", "--deliver", stdout=out)
    assert "1 reminder(s) recorded" in out.getvalue()
    assert "sent by email: 1" in out.getvalue()
    out = StringIO()
    call_command("reminders_send", stdout=out)
    assert "0 reminder(s) recorded" in out.getvalue()
    assert len(mail.outbox) == 1
