"""The SMS gateway adapter against a fake gateway on 127.0.0.1: field
names, formats, the id path, consent, cost and failures."""

from datetime import UTC, datetime

import pytest

from lms.notifications import services
from lms.notifications.channels import sender_get
from lms.notifications.channels.base import ChannelDown, ChannelError, Message
from lms.notifications.models import Channel, Delivery, Notification
from tests.factories import trainee
from tests.notifications.fakes import SMS_TOKEN, fake_server, fake_sms, use_settings

__all__ = ["fake_server", "fake_sms"]

pytestmark = pytest.mark.django_db

NOON_WIB = datetime(2026, 12, 7, 5, 0, tzinfo=UTC)
SHORT = "Sinau: sudah 20 hari belum belajar. Lanjut: http://127.0.0.1:8000/b/"


def _person():
    person = trainee(phone="+6281311112222", email=None)
    services.consent_set(user=person, channel=Channel.SMS, allowed=True, source="seed")
    return person


def _deliver(person, key="reminder:1"):
    notification = services.notify(
        user=person,
        kind=Notification.Kind.REMINDER,
        key=key,
        message=Message(subject="Ayo belajar", body="Panjang...", short=SHORT),
        now=NOON_WIB,
    )
    status = services.notification_deliver(
        notification_id=notification.pk, now=NOON_WIB
    )
    return notification, status


def test_json_post_with_the_configured_fields(fake_sms, settings):
    use_settings(
        settings,
        SINAU_SMS_GATEWAY_SENDER_FIELD="sender",
        SINAU_SMS_GATEWAY_SENDER="SINAU",
        SINAU_SMS_GATEWAY_EXTRA={"type": "otp", "route": 2},
    )
    notification, status = _deliver(_person())
    [request] = fake_sms.seen
    delivery = Delivery.objects.get(notification=notification)
    assert status == Notification.Status.SENT
    assert (delivery.channel, delivery.provider_id, delivery.cost) == (
        "sms",
        "SMS0001",
        200,
    )
    assert request.headers["Authorization"] == f"Bearer {SMS_TOKEN}"
    assert request.json() == {
        "type": "otp",
        "route": 2,
        "to": "6281311112222",
        "message": SHORT,
        "sender": "SINAU",
    }


def test_form_post_local_numbers_and_renamed_fields(fake_sms, settings):
    use_settings(
        settings,
        SINAU_SMS_GATEWAY_FORMAT="form",
        SINAU_SMS_GATEWAY_NUMBER_FORMAT="local",
        SINAU_SMS_GATEWAY_TO_FIELD="msisdn",
        SINAU_SMS_GATEWAY_TEXT_FIELD="content",
        SINAU_SMS_GATEWAY_TOKEN="",
        SINAU_SMS_GATEWAY_EXTRA={"userkey": "u1", "passkey": "p1"},
    )
    _deliver(_person())
    [request] = fake_sms.seen
    assert "Authorization" not in request.headers
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert request.form == {
        "userkey": "u1",
        "passkey": "p1",
        "msisdn": "081311112222",
        "content": SHORT,
    }


def test_the_id_path_may_index_a_list(fake_sms, settings):
    use_settings(settings, SINAU_SMS_GATEWAY_ID_FIELD="messages.0.id")
    fake_sms.then(200, {"messages": [{"id": 98765, "status": 0}]})
    notification, _status = _deliver(_person())
    assert Delivery.objects.get(notification=notification).provider_id == "98765"


def test_no_id_in_the_answer_still_counts_as_sent(fake_sms):
    fake_sms.then(200, raw="OK")
    notification, status = _deliver(_person())
    assert status == "sent"
    assert Delivery.objects.get(notification=notification).provider_id == ""


def test_an_error_field_in_a_200_answer_is_a_refusal(fake_sms, settings):
    use_settings(settings, SINAU_SMS_GATEWAY_ERROR_FIELD="error")
    fake_sms.then(200, {"error": "Saldo tidak cukup"})
    notification, status = _deliver(_person())
    failed = Delivery.objects.get(notification=notification, channel="sms")
    assert status == Notification.Status.BY_HAND
    assert failed.status == "failed"
    assert "Saldo tidak cukup" in failed.error


def test_a_4xx_is_a_refusal_and_a_5xx_is_down(fake_sms):
    person = _person()
    notification = services.notify(
        user=person,
        kind=Notification.Kind.REMINDER,
        key="r",
        message=Message(subject="s", body="b", short="x"),
        now=NOON_WIB,
    )
    sender = sender_get("sms")
    fake_sms.then(400, {"message": "invalid msisdn"}).down(502).then(429, raw="slow")
    with pytest.raises(ChannelError, match="HTTP 400"):
        sender.send(notification=notification, address="6281311112222")
    with pytest.raises(ChannelDown, match="HTTP 502"):
        sender.send(notification=notification, address="6281311112222")
    with pytest.raises(ChannelDown, match="HTTP 429"):
        sender.send(notification=notification, address="6281311112222")


def test_no_yes_no_sms(fake_sms):
    person = trainee(phone="+6281311112222", email=None)
    sender = sender_get("sms")
    assert sender.address(user=person, allowed={}) is None
    assert sender.address(user=person, allowed={"sms": False}) is None
    assert sender.address(user=person, allowed={"sms": True}) == "6281311112222"
    _deliver(person)
    assert fake_sms.seen == []


def test_on_only_with_a_gateway_url(settings):
    use_settings(settings, SINAU_SMS_GATEWAY_URL="")
    assert sender_get("sms").configured() is False
    use_settings(settings, SINAU_SMS_GATEWAY_URL="http://127.0.0.1:9/send")
    assert sender_get("sms").configured() is True


def test_whatsapp_refused_falls_to_sms(fake_sms, settings, fake_server):
    from tests.notifications.fakes import FakeWhatsApp

    whatsapp = FakeWhatsApp(fake_server)
    use_settings(settings, **whatsapp.settings())
    whatsapp.refuse(131026, "Message undeliverable")
    person = _person()
    services.consent_set(
        user=person, channel=Channel.WHATSAPP, allowed=True, source="seed"
    )
    notification = services.notify(
        user=person,
        kind=Notification.Kind.REMINDER,
        key="r",
        message=Message(
            subject="s", body="b", short="pendek", template="pengingat_belajar"
        ),
        now=NOON_WIB,
    )
    status = services.notification_deliver(
        notification_id=notification.pk, now=NOON_WIB
    )
    rows = list(
        Delivery.objects.filter(notification=notification).values_list(
            "channel", "status"
        )
    )
    assert status == "sent"
    assert rows == [("whatsapp", "failed"), ("sms", "sent")]
    assert fake_sms.seen[0].json()["message"] == "pendek"
