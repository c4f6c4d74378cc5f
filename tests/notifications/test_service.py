"""The notification service on its own: one row per person and event, the
ladder, quiet hours, consent, receipts and the cost estimate. The channels
here are the ones that need no server (email through Django's locmem
backend, by hand); WhatsApp, SMS and push are tested against fake servers
in their own files."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail, signing
from django.test import override_settings

from lms.notifications import services
from lms.notifications.channels import senders_reset
from lms.notifications.channels.base import Message
from lms.notifications.models import Channel, Delivery, Notification
from tests.factories import trainee

pytestmark = pytest.mark.django_db

NOON_WIB = datetime(2026, 12, 7, 5, 0, tzinfo=UTC)  # 12:00 in Jakarta
NIGHT_WIB = datetime(2026, 12, 7, 16, 0, tzinfo=UTC)  # 23:00 in Jakarta


@pytest.fixture(autouse=True)
def _fresh_senders():
    senders_reset()
    yield
    senders_reset()


def _message(**extra) -> Message:
    return Message(
        subject="Sertifikat Anda siap",
        body="Selamat! Sertifikat kursus Copywriting sudah terbit.",
        url="http://127.0.0.1:8000/c/abc/",
        **extra,
    )


def _send(user, key="event:1", now=NOON_WIB, **extra):
    notification = services.notify(
        user=user,
        kind=Notification.Kind.CERTIFICATE,
        key=key,
        message=_message(),
        now=now,
        **extra,
    )
    return notification, services.notification_deliver(
        notification_id=notification.pk, now=now
    )


def test_one_notification_per_person_and_event():
    person = trainee(email="sri@example.com")
    first, status = _send(person)
    again = services.notify(
        user=person,
        kind=Notification.Kind.CERTIFICATE,
        key="event:1",
        message=_message(),
        now=NOON_WIB,
    )
    # A redelivered task sends nothing more either.
    assert services.notification_deliver(notification_id=first.pk) == "sent"
    assert again.pk == first.pk
    assert status == "sent"
    assert Notification.objects.filter(user=person).count() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["sri@example.com"]
    assert "http://127.0.0.1:8000/c/abc/" in mail.outbox[0].body


def test_a_phone_only_person_falls_to_the_by_hand_list():
    person = trainee(phone="+6281311112222", email=None)
    notification, status = _send(person)
    delivery = Delivery.objects.get(notification=notification)
    assert status == Notification.Status.BY_HAND
    assert (delivery.channel, delivery.status) == ("hand", "waiting")
    assert mail.outbox == []
    manager = trainee(email="mgr@example.com")
    assert services.hand_mark_sent(delivery_id=delivery.pk, by=manager)
    assert not services.hand_mark_sent(delivery_id=delivery.pk, by=manager)
    notification.refresh_from_db()
    assert notification.status == "sent"


@override_settings(SINAU_NOTIFICATION_BY_HAND=False)
def test_nobody_to_carry_it_leaves_it_in_sinau_only_and_reading_it_is_read():
    person = trainee(phone="+6281311113333", email=None)
    notification, status = _send(person)
    assert status == Notification.Status.NO_CHANNEL
    assert services.notifications_read(user=person) == 1
    notification.refresh_from_db()
    assert notification.status == Notification.Status.READ
    assert notification.read_at is not None


QUIET = override_settings(SINAU_QUIET_HOURS=(21, 6))


@QUIET
def test_quiet_hours_hold_a_message_until_six_in_the_morning_wib():
    person = trainee(email="malam@example.com")
    notification, status = _send(person, now=NIGHT_WIB)
    notification.refresh_from_db()
    assert status == Notification.Status.PENDING or notification.not_before
    assert mail.outbox == []
    assert notification.not_before == datetime(2026, 12, 7, 23, 0, tzinfo=UTC)
    # Not due at 05:59 WIB; due at 06:00.
    assert notification.pk not in services.notifications_due(
        now=datetime(2026, 12, 7, 22, 59, tzinfo=UTC)
    )
    morning = datetime(2026, 12, 7, 23, 0, tzinfo=UTC)
    assert notification.pk in services.notifications_due(now=morning)
    assert (
        services.notification_deliver(notification_id=notification.pk, now=morning)
        == "sent"
    )
    assert len(mail.outbox) == 1


@QUIET
def test_an_urgent_message_goes_in_quiet_hours():
    person = trainee(email="kode@example.com")
    _notification, status = _send(person, now=NIGHT_WIB, urgent=True)
    assert status == "sent"


@QUIET
@pytest.mark.parametrize(
    ("hour", "quiet"),
    [
        (20, False),
        (21, True),
        (23, True),
        (0, True),
        (5, True),
        (6, False),
        (12, False),
    ],
)
def test_quiet_hours_edges(hour, quiet):
    # Jakarta is UTC+7.
    now = datetime(2026, 12, 7, (hour - 7) % 24, 30, tzinfo=UTC)
    assert (services.quiet_until(now) is not None) is quiet


def test_a_stopped_channel_is_not_used_and_the_link_stops_it():
    person = trainee(email="stop@example.com", phone="+6281311114444")
    token = services.stop_token(user=person, channel=Channel.EMAIL)
    services.stop_by_token(token=token)
    _notification, status = _send(person)
    assert mail.outbox == []
    assert status == Notification.Status.BY_HAND  # the phone is left
    with pytest.raises(signing.BadSignature):
        services.stop_by_token(token=token + "x")


@pytest.mark.parametrize("word", ["STOP", "berhenti", "  Berhenti  ", "stop semua"])
def test_a_reply_of_stop_stops_that_channel(word):
    person = trainee(phone="+6281311115555")
    assert services.reply_received(channel="whatsapp", phone="6281311115555", text=word)
    assert services.consents_of(user=person) == {"whatsapp": False}


@pytest.mark.parametrize("text", ["stop dulu ya", "halo", "", "\x00STOP"])
def test_other_replies_change_nothing(text):
    person = trainee(phone="+6281311116666")
    assert not services.reply_received(
        channel="whatsapp", phone="+6281311116666", text=text
    )
    assert services.consents_of(user=person) == {}


def test_an_account_a_programme_made_gets_only_its_invitation_until_taken_over():
    person = trainee(phone="+6281311117777", email="imp@example.com", provisioned=True)
    person.set_unusable_password()
    person.save()
    assert (
        services.notify(
            user=person,
            kind=Notification.Kind.REMINDER,
            key="reminder:1",
            message=_message(),
        )
        is None
    )
    assert services.notify(
        user=person,
        kind=Notification.Kind.INVITATION,
        key="invitation:1",
        message=_message(),
    )
    person.set_password("sudah-punya-sandi")
    person.save()
    assert services.notify(
        user=person,
        kind=Notification.Kind.REMINDER,
        key="reminder:1",
        message=_message(),
    )


def test_receipts_move_forward_only_and_a_failure_moves_down_the_ladder():
    person = trainee(email="r@example.com", phone="+6281311118888")
    notification, _status = _send(person)
    delivery = Delivery.objects.get(notification=notification)
    Delivery.objects.filter(pk=delivery.pk).update(provider_id="m-1")
    assert services.delivery_receipt(channel="email", provider_id="m-1", status="read")
    assert not services.delivery_receipt(
        channel="email", provider_id="m-1", status="delivered"
    )
    notification.refresh_from_db()
    assert notification.status == "read"
    # Unknown ids and statuses change nothing.
    assert not services.delivery_receipt(
        channel="email", provider_id="nope", status="read"
    )
    assert not services.delivery_receipt(
        channel="email", provider_id="m-1", status="boo"
    )
    # A failure after "sent": the next rung carries it.
    other, _ = _send(person, key="event:2")
    d2 = Delivery.objects.get(notification=other)
    Delivery.objects.filter(pk=d2.pk).update(provider_id="m-2")
    assert services.delivery_receipt(
        channel="email", provider_id="m-2", status="failed", error="bounced"
    )
    assert (
        services.notification_deliver(notification_id=other.pk, now=NOON_WIB)
        == "by_hand"
    )
    assert list(
        Delivery.objects.filter(notification=other).values_list("channel", "status")
    ) == [("email", "failed"), ("hand", "waiting")]


def test_the_estimate_counts_people_by_their_first_rung():
    people = [
        trainee(email="a@example.com"),
        trainee(phone="+6281311119991", email=None),
        trainee(phone="+6281311119992", email=None),
    ]
    estimate = services.estimate(
        users=people, message=_message(), kind=Notification.Kind.ANNOUNCEMENT
    )
    assert estimate == {
        "email": {"count": 1, "cost": 0},
        "hand": {"count": 2, "cost": 0},
    }


def test_reading_marks_only_ones_own():
    mine = trainee(email="mine@example.com")
    theirs = trainee(email="theirs@example.com")
    a, _ = _send(mine)
    b, _ = _send(theirs)
    assert services.notifications_read(user=mine, ids=[a.pk, b.pk]) == 1
    b.refresh_from_db()
    assert b.read_at is None


def test_a_rung_being_sent_by_another_worker_is_left_to_it():
    person = trainee(email="dua@example.com", phone="+6281311110001")
    notification = services.notify(
        user=person,
        kind=Notification.Kind.CERTIFICATE,
        key="event:busy",
        message=_message(),
        now=NOON_WIB,
    )
    claim = Delivery.objects.create(notification=notification, channel="email")
    # Another worker claimed email a moment ago and is still sending: this
    # one sends nothing, on no other rung either.
    assert services.notification_deliver(notification_id=notification.pk) == "busy"
    assert not Delivery.objects.filter(channel="hand").exists()
    # A claim older than the sweep's delay is a worker that died: the
    # notification goes on down the ladder, never again by email.
    Delivery.objects.filter(pk=claim.pk).update(
        created_at=claim.created_at - timedelta(hours=1)
    )
    assert (
        services.notification_deliver(notification_id=notification.pk)
        == Notification.Status.BY_HAND
    )
    assert mail.outbox == []


def test_tests_run_without_quiet_hours_whatever_the_hour():
    # The test settings turn them off; the tests above turn them on.
    assert services.quiet_until(NIGHT_WIB) is None


@pytest.mark.parametrize("pk", [True, 1.0, "1", None, [1]])
def test_a_signed_stop_token_naming_no_integer_id_is_refused(pk):
    trainee(email="satu@example.com")
    token = signing.dumps([pk, "email"], salt=services.STOP_SALT)
    with pytest.raises(signing.BadSignature):
        services.stop_by_token(token=token)
