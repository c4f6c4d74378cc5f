"""The issue's "Done when", on a real Celery worker with a fake WhatsApp
Cloud API and a fake SMS gateway on 127.0.0.1: a phone-only trainee who
has been inactive receives exactly one reminder, on the first channel that
works (WhatsApp refuses, SMS carries it), the manager sees it delivered;
replays and a second cohort send nothing more; a reply of BERHENTI stops
WhatsApp; quiet hours hold a message in the worker."""

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from lms.cohorts.models import CohortMembership
from lms.cohorts.services import cohort_reminders_send
from lms.notifications.channels.base import Message
from lms.notifications.models import Delivery, Notification
from lms.notifications.services import consent_set, notify
from lms.notifications.tasks import notification_send_task
from tests.certificates.conftest import wait_for
from tests.cohorts.test_exports import _worker_env
from tests.factories import trainee
from tests.factories.cohorts import cohort_with, trainees_bulk
from tests.factories.courses import course_tree
from tests.support.worker import celery_worker

from .fakes import SMS_REPORT_TOKEN, fake_server, fake_sms, fake_whatsapp
from .test_webhooks import _post_whatsapp

__all__ = ["fake_server", "fake_sms", "fake_whatsapp"]

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _env(*fakes, **extra) -> dict[str, str]:
    env = {**_worker_env(), "SINAU_QUIET_HOURS": "0,0"}
    for fake in fakes:
        for name, value in fake.settings().items():
            env[name] = value if isinstance(value, str) else json.dumps(value)
    env.update(extra)
    return env


def _slamet(home):
    """Slamet, phone only, in two cohorts over one course, idle 20 days,
    who said yes to WhatsApp and SMS."""
    course = course_tree()
    first = cohort_with(
        courses=[course], code="a", starts_on=dt.date(2020, 1, 1), reminder_after_days=5
    )
    second = cohort_with(
        courses=[course], code="b", starts_on=dt.date(2020, 1, 1), reminder_after_days=5
    )
    (slamet,) = trainees_bulk(first, 1, prefix="slamet")
    type(slamet).objects.filter(pk=slamet.pk).update(
        email=None, display_name="Slamet Riyadi"
    )
    slamet.refresh_from_db()
    CohortMembership.objects.create(cohort=second, user=slamet)
    CohortMembership.objects.filter(user=slamet).update(
        joined_at=timezone.now() - dt.timedelta(days=20)
    )
    for channel in ("whatsapp", "sms"):
        consent_set(user=slamet, channel=channel, allowed=True, source="test")
    return slamet, first, second


def _sentinel(log):
    """Send a message to someone else and wait for it: the worker runs one
    task at a time, in order, so everything queued before it is done."""
    other = trainee(email="sentinel@example.com", phone=None)
    marker = notify(
        user=other,
        kind=Notification.Kind.ANNOUNCEMENT,
        key=f"sentinel:{Notification.objects.count()}",
        message=Message(subject="s", body="b"),
    )
    wait_for(
        lambda: Notification.objects.get(pk=marker.pk).status != "pending",
        log=log,
        what="the sentinel message",
    )


def test_one_reminder_down_the_ladder_delivered_once_whatever_is_replayed(
    home, fake_whatsapp, fake_sms, client
):
    slamet, first, second = _slamet(home)
    fake_whatsapp.refuse(131026, "Message undeliverable")
    with celery_worker(_env(fake_whatsapp, fake_sms)) as log:
        assert len(cohort_reminders_send(cohort=first)) == 1
        assert not cohort_reminders_send(cohort=second)  # one a day, any cohort
        sms = wait_for(
            lambda: Delivery.objects.filter(channel="sms", status="sent").first(),
            log=log,
            what="the SMS",
        )
        # Replays: the beat runs again, the task is delivered again.
        cohort_reminders_send(cohort=first)
        cohort_reminders_send(cohort=second)
        notification_send_task.delay(sms.notification_id)
        _sentinel(log)
    reminder = Notification.objects.get(user=slamet)
    assert reminder.kind == "reminder"
    assert len(fake_whatsapp.seen) == 1  # refused, never tried again
    assert len(fake_sms.seen) == 1
    sent = fake_sms.seen[0].json()
    assert sent["to"] == slamet.phone.lstrip("+")
    assert "http" in sent["message"]
    assert list(
        Delivery.objects.filter(notification=reminder).values_list("channel", "status")
    ) == [("whatsapp", "failed"), ("sms", "sent")]
    # The gateway reports it delivered; the manager sees it.
    report = client.post(
        reverse("notification_channels:sms_report", args=[SMS_REPORT_TOKEN]),
        {"id": sms.provider_id, "status": "DELIVRD"},
    )
    assert report.status_code == 200
    reminder.refresh_from_db()
    assert reminder.status == "delivered"
    client.force_login(first.managers.get())
    page = client.get(reverse("cohorts:reminders", args=[first.pk]))
    assert page.status_code == 200
    assert "Slamet Riyadi" in page.content.decode()
    assert "Sampai" in page.content.decode()  # delivered


def test_berhenti_stops_whatsapp_and_quiet_hours_hold_in_the_worker(
    home, fake_whatsapp, fake_sms, client
):
    slamet, _first, _second = _slamet(home)
    reply = {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "WABA",
                "changes": [
                    {
                        "field": "messages",
                        "value": {
                            "messaging_product": "whatsapp",
                            "messages": [
                                {
                                    "from": slamet.phone.lstrip("+"),
                                    "id": "wamid.IN1",
                                    "timestamp": "1765000000",
                                    "type": "text",
                                    "text": {"body": "BERHENTI"},
                                }
                            ],
                        },
                    }
                ],
            }
        ],
    }
    assert _post_whatsapp(client, reply).status_code == 200
    message = Message(
        subject="Pengumuman",
        body="Kelas besok pukul 09.00.",
        template="announcement",
        params=("Angkatan a", "Kelas besok pukul 09.00.", "http://127.0.0.1/"),
    )
    # A time zone where it is 23:00 now: the worker holds the message.
    hour = timezone.now().hour
    offset = (23 - hour) % 24
    offset = offset - 24 if offset > 14 else offset
    night = f"Etc/GMT{-offset:+d}" if offset else "UTC"
    with celery_worker(
        _env(
            fake_whatsapp,
            fake_sms,
            SINAU_QUIET_HOURS="21,6",
            SINAU_QUIET_TIME_ZONE=night,
        )
    ) as log:
        held = notify(
            user=slamet, kind="announcement", key="announcement:night", message=message
        )
        wait_for(
            lambda: Notification.objects.get(pk=held.pk).not_before is not None,
            log=log,
            what="quiet hours to hold the message",
        )
    assert Notification.objects.get(pk=held.pk).status == "pending"
    assert fake_sms.seen == []
    assert fake_whatsapp.seen == []
    with celery_worker(_env(fake_whatsapp, fake_sms)) as log:
        day = notify(
            user=slamet, kind="announcement", key="announcement:day", message=message
        )
        wait_for(
            lambda: Notification.objects.get(pk=day.pk).status == "sent",
            log=log,
            what="the daytime message",
        )
    # WhatsApp was stopped by the reply: SMS carried it, WhatsApp never called.
    assert fake_whatsapp.seen == []
    assert len(fake_sms.seen) == 1
    assert Notification.objects.get(pk=day.pk).channel == "sms"
