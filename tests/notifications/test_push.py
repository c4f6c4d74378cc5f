"""Web push against a fake push service on 127.0.0.1 that decrypts each
message with the browser key pair the test made (RFC 8291) and verifies
the VAPID JWT with the configured public key (RFC 8292)."""

from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.management import call_command

from lms.notifications import services
from lms.notifications.channels import sender_get
from lms.notifications.channels.base import ChannelDown, ChannelError, Message
from lms.notifications.models import Delivery, Notification, PushSubscription
from tests.factories import trainee
from tests.notifications.fakes import (
    VAPID_SUBJECT,
    FakePush,
    fake_push,
    fake_server,
    use_settings,
)

__all__ = ["fake_push", "fake_server"]

pytestmark = pytest.mark.django_db

NOON_WIB = datetime(2026, 12, 7, 5, 0, tzinfo=UTC)


def _notification(person, key="cert:1"):
    return services.notify(
        user=person,
        kind=Notification.Kind.CERTIFICATE,
        key=key,
        message=Message(
            subject="Sertifikat Anda siap",
            body="Selamat, Sri! Sertifikat Copywriting sudah terbit.",
            url="http://127.0.0.1:8000/sertifikat/abc/",
        ),
        now=NOON_WIB,
    )


def _deliver(person):
    notification = _notification(person)
    return notification, services.notification_deliver(
        notification_id=notification.pk, now=NOON_WIB
    )


def test_the_pushed_message_decrypts_and_its_vapid_token_verifies(fake_push, settings):
    person = trainee(phone="+6281311112222", email=None)
    fake_push.subscribe(person)
    notification, status = _deliver(person)
    [request] = fake_push.seen
    claims = fake_push.vapid_claims(request)
    delivery = Delivery.objects.get(notification=notification)
    assert status == Notification.Status.SENT
    assert (delivery.channel, delivery.status, delivery.cost) == ("push", "sent", 0)
    assert fake_push.message(request) == {
        "title": "Sertifikat Anda siap",
        "body": "Selamat, Sri! Sertifikat Copywriting sudah terbit.",
        "url": "http://127.0.0.1:8000/sertifikat/abc/",
    }
    assert request.headers["Ttl"] == str(settings.SINAU_PUSH_TTL) == "86400"
    assert claims["sub"] == VAPID_SUBJECT
    assert claims["aud"] == fake_push.server.url_for("/").rstrip("/")


def test_a_tampered_message_does_not_decrypt(fake_push):
    from http_ece import ECEException

    person = trainee(phone="+6281311112222", email=None)
    fake_push.subscribe(person)
    _deliver(person)
    [request] = fake_push.seen
    request.body = request.body[:-1] + bytes([request.body[-1] ^ 1])
    with pytest.raises(ECEException, match="InvalidTag"):
        fake_push.message(request)


def test_every_subscription_gets_it_and_a_gone_one_is_deleted(fake_push):
    person = trainee(phone="+6281311112222", email=None)
    gone = fake_push.subscribe(person)
    kept = fake_push.subscribe(person)
    fake_push.then(410, raw="Gone")  # the first request (pk order) is the gone one
    _notification_row, status = _deliver(person)
    assert status == "sent"
    seen = [fake_push.server.url_for(s.path) for s in fake_push.seen]
    assert seen == [gone.endpoint, kept.endpoint]
    assert list(PushSubscription.objects.filter(user=person)) == [kept]


def test_all_gone_is_a_refusal_and_the_next_rung_is_tried(fake_push):
    person = trainee(phone="+6281311112222", email=None)
    fake_push.subscribe(person)
    fake_push.subscribe(person)
    fake_push.then(404, raw="Not Found").then(410, raw="Gone")
    notification, status = _deliver(person)
    failed = Delivery.objects.get(notification=notification, channel="push")
    assert status == Notification.Status.BY_HAND
    assert failed.status == "failed"
    assert failed.error == "no subscription took it: 404 gone, 410 gone"
    assert not PushSubscription.objects.filter(user=person).exists()


def test_a_refused_request_keeps_the_subscription(fake_push):
    person = trainee(phone="+6281311112222", email=None)
    fake_push.subscribe(person)
    fake_push.then(403, raw="bad vapid")
    notification = _notification(person)
    with pytest.raises(ChannelError, match="403"):
        sender_get("push").send(notification=notification, address="1")
    assert PushSubscription.objects.filter(user=person).count() == 1


@pytest.mark.parametrize("status", [500, 503, 429])
def test_a_push_service_error_is_down(fake_push, status):
    person = trainee(phone="+6281311112222", email=None)
    fake_push.subscribe(person)
    fake_push.down(status)
    notification = _notification(person)
    with pytest.raises(ChannelDown, match=str(status)):
        sender_get("push").send(notification=notification, address="1")
    assert PushSubscription.objects.filter(user=person).count() == 1


def test_a_timeout_is_down(fake_push, settings):
    settings.SINAU_NOTIFICATION_HTTP_TIMEOUT = 0.3
    person = trainee(phone="+6281311112222", email=None)
    fake_push.subscribe(person)
    fake_push.hang()
    with pytest.raises(ChannelDown, match="Timeout"):
        sender_get("push").send(notification=_notification(person), address="1")


def test_one_success_is_enough(fake_push):
    person = trainee(phone="+6281311112222", email=None)
    fake_push.subscribe(person)
    fake_push.subscribe(person)
    fake_push.down(503)
    assert (
        sender_get("push").send(notification=_notification(person), address="2") == ""
    )


def test_address_is_the_subscription_count_unless_stopped(fake_push):
    person = trainee(phone="+6281311112222", email=None)
    sender = sender_get("push")
    assert sender.address(user=person, allowed={}) is None
    fake_push.subscribe(person)
    fake_push.subscribe(person)
    assert sender.address(user=person, allowed={}) == "2"
    assert sender.address(user=person, allowed={"push": False}) is None


def test_on_only_with_keys_and_a_subject(settings):
    use_settings(
        settings,
        SINAU_VAPID_PUBLIC_KEY="",
        SINAU_VAPID_PRIVATE_KEY="x",
        SINAU_VAPID_SUBJECT="mailto:a@b.c",
    )
    assert sender_get("push").configured() is False
    use_settings(settings, SINAU_VAPID_PUBLIC_KEY="k", SINAU_VAPID_SUBJECT="")
    assert sender_get("push").configured() is False
    use_settings(settings, SINAU_VAPID_SUBJECT="mailto:a@b.c")
    assert sender_get("push").configured() is True


def test_vapid_keys_prints_a_pair_that_signs_and_verifies(fake_server, settings):
    out = StringIO()
    call_command("vapid_keys", "--subject", "mailto:ops@sinau.example", stdout=out)
    lines = dict(line.split("=", 1) for line in out.getvalue().splitlines())
    assert set(lines) == {
        "SINAU_VAPID_PUBLIC_KEY",
        "SINAU_VAPID_PRIVATE_KEY",
        "SINAU_VAPID_SUBJECT",
    }
    assert lines["SINAU_VAPID_SUBJECT"] == "mailto:ops@sinau.example"
    fake = FakePush(fake_server)
    fake.public_key = lines["SINAU_VAPID_PUBLIC_KEY"]
    use_settings(settings, **{**fake.settings(), **lines})
    person = trainee(phone="+6281311112222", email=None)
    fake.subscribe(person)
    _deliver(person)
    [request] = fake.seen
    assert fake.vapid_claims(request)["sub"] == "mailto:ops@sinau.example"
    assert fake.message(request)["title"] == "Sertifikat Anda siap"


def test_a_pem_key_file_works_too(fake_push, settings, tmp_path):
    from py_vapid import Vapid

    key = Vapid.from_string(private_key=fake_push.private_key)
    path = tmp_path / "vapid.pem"
    path.write_bytes(key.private_pem())
    use_settings(
        settings, SINAU_VAPID_PRIVATE_KEY="", SINAU_VAPID_PRIVATE_KEY_FILE=str(path)
    )
    person = trainee(phone="+6281311112222", email=None)
    fake_push.subscribe(person)
    _deliver(person)
    assert fake_push.vapid_claims(fake_push.seen[0])["sub"] == VAPID_SUBJECT
