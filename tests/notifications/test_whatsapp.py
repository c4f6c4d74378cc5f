"""The WhatsApp Cloud API sender against a fake Graph API on 127.0.0.1
(tests/notifications/fakes.py): the request it makes, the id it keeps,
consent, and how each kind of failure is read."""

from datetime import UTC, datetime

import pytest

from lms.notifications import services
from lms.notifications.channels import sender_get
from lms.notifications.channels.base import ChannelDown, ChannelError, Message
from lms.notifications.models import Channel, Delivery, Notification
from tests.factories import trainee
from tests.notifications.fakes import WA_TOKEN, fake_server, fake_whatsapp, use_settings

__all__ = ["fake_server", "fake_whatsapp"]

pytestmark = pytest.mark.django_db

NOON_WIB = datetime(2026, 12, 7, 5, 0, tzinfo=UTC)


def _message(template="pengingat_belajar") -> Message:
    return Message(
        subject="Ayo lanjut belajar",
        body="Sudah 20 hari Anda belum belajar.",
        url="http://127.0.0.1:8000/belajarku/",
        template=template,
        params=("Slamet", "Copywriting", "http://127.0.0.1:8000/belajarku/"),
    )


def _person(**extra):
    person = trainee(phone="+6281311112222", email=None, **extra)
    services.consent_set(
        user=person, channel=Channel.WHATSAPP, allowed=True, source="seed"
    )
    return person


def _deliver(person, message=None, key="reminder:1"):
    notification = services.notify(
        user=person,
        kind=Notification.Kind.REMINDER,
        key=key,
        message=message or _message(),
        now=NOON_WIB,
    )
    status = services.notification_deliver(
        notification_id=notification.pk, now=NOON_WIB
    )
    return notification, status


def test_a_template_goes_to_the_messages_endpoint_and_keeps_the_wamid(fake_whatsapp):
    notification, status = _deliver(_person())
    delivery = Delivery.objects.get(notification=notification)
    [request] = fake_whatsapp.seen
    assert status == Notification.Status.SENT
    assert (delivery.channel, delivery.status) == ("whatsapp", "sent")
    assert delivery.provider_id == "wamid.FAKE0001"
    assert delivery.cost == 320
    assert request.headers["Authorization"] == f"Bearer {WA_TOKEN}"
    assert request.json() == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": "6281311112222",
        "type": "template",
        "template": {
            "name": "pengingat_belajar",
            "language": {"code": "id"},
            "components": [
                {
                    "type": "body",
                    "parameters": [
                        {"type": "text", "text": "Slamet"},
                        {"type": "text", "text": "Copywriting"},
                        {"type": "text", "text": "http://127.0.0.1:8000/belajarku/"},
                    ],
                }
            ],
        },
    }


def test_the_rate_setting_is_the_recorded_cost(fake_whatsapp, settings):
    settings.SINAU_NOTIFICATION_RATES = {
        **settings.SINAU_NOTIFICATION_RATES,
        "whatsapp": 410,
    }
    notification, _status = _deliver(_person())
    assert Delivery.objects.get(notification=notification).cost == 410


def test_a_message_without_a_template_does_not_go_by_whatsapp(fake_whatsapp):
    notification, status = _deliver(_person(), message=_message(template=""))
    assert fake_whatsapp.seen == []
    assert status == Notification.Status.BY_HAND
    assert not Delivery.objects.filter(
        notification=notification, channel="whatsapp"
    ).exists()


def test_no_yes_no_whatsapp(fake_whatsapp):
    person = trainee(phone="+6281311112222", email=None)
    sender = sender_get("whatsapp")
    assert sender.address(user=person, allowed={}) is None
    assert sender.address(user=person, allowed={"whatsapp": False}) is None
    assert sender.address(user=person, allowed={"whatsapp": True}) == "6281311112222"
    _notification, status = _deliver(person)
    assert fake_whatsapp.seen == []
    assert status == Notification.Status.BY_HAND


def test_a_person_without_a_phone_has_no_whatsapp_address(fake_whatsapp):
    person = trainee(phone=None, email="a@example.com")
    assert (
        sender_get("whatsapp").address(user=person, allowed={"whatsapp": True}) is None
    )


def test_on_only_with_a_token_and_a_phone_number_id(settings):
    use_settings(settings, SINAU_WHATSAPP_TOKEN="t", SINAU_WHATSAPP_PHONE_NUMBER_ID="")
    assert sender_get("whatsapp").configured() is False
    use_settings(settings, SINAU_WHATSAPP_TOKEN="", SINAU_WHATSAPP_PHONE_NUMBER_ID="1")
    assert sender_get("whatsapp").configured() is False
    use_settings(settings, SINAU_WHATSAPP_TOKEN="t", SINAU_WHATSAPP_PHONE_NUMBER_ID="1")
    assert sender_get("whatsapp").configured() is True


def test_a_refusal_is_recorded_and_the_next_rung_is_tried(fake_whatsapp):
    fake_whatsapp.refuse(131026, "Message undeliverable")
    notification, status = _deliver(_person())
    failed = Delivery.objects.get(notification=notification, channel="whatsapp")
    assert status == Notification.Status.BY_HAND
    assert failed.status == "failed"
    assert failed.error == "131026: Message undeliverable (Message undeliverable)"
    assert (
        Delivery.objects.get(notification=notification, channel="hand").status
        == "waiting"
    )


def _send_directly(fake_whatsapp):
    person = _person()
    notification = services.notify(
        user=person,
        kind=Notification.Kind.REMINDER,
        key="r",
        message=_message(),
        now=NOON_WIB,
    )
    return sender_get("whatsapp").send(
        notification=notification, address="6281311112222"
    )


@pytest.mark.parametrize("status", [500, 502, 503, 429])
def test_a_server_error_or_throttle_means_down(fake_whatsapp, status):
    fake_whatsapp.down(status)
    with pytest.raises(ChannelDown, match=str(status)):
        _send_directly(fake_whatsapp)


def test_a_transient_cloud_api_code_means_down(fake_whatsapp):
    fake_whatsapp.refuse(130429, "Rate limit hit")
    with pytest.raises(ChannelDown, match="130429: Rate limit hit"):
        _send_directly(fake_whatsapp)


def test_a_4xx_without_an_error_object_is_a_refusal(fake_whatsapp):
    fake_whatsapp.then(401, raw="nope")
    with pytest.raises(ChannelError, match="HTTP 401: nope"):
        _send_directly(fake_whatsapp)


def test_a_success_without_a_message_id_is_a_refusal(fake_whatsapp):
    fake_whatsapp.then(200, {"messaging_product": "whatsapp"})
    with pytest.raises(ChannelError, match="without a message id"):
        _send_directly(fake_whatsapp)


def test_a_timeout_means_down(fake_whatsapp, settings):
    settings.SINAU_NOTIFICATION_HTTP_TIMEOUT = 0.3
    fake_whatsapp.hang()
    with pytest.raises(ChannelDown, match="Timeout"):
        _send_directly(fake_whatsapp)


def test_nobody_listening_means_down(fake_whatsapp, fake_server, settings):
    url = settings.SINAU_WHATSAPP_API_URL
    fake_server.stop()  # the port is free now: connection refused
    settings.SINAU_WHATSAPP_API_URL = url
    with pytest.raises(ChannelDown, match="ConnectionError"):
        _send_directly(fake_whatsapp)
    fake_server.start()  # the fixture stops it again


def test_down_then_retried_sends_once(fake_whatsapp):
    fake_whatsapp.down(503)
    person = _person()
    notification = services.notify(
        user=person,
        kind=Notification.Kind.REMINDER,
        key="r",
        message=_message(),
        now=NOON_WIB,
    )
    with pytest.raises(ChannelDown):
        services.notification_deliver(notification_id=notification.pk, now=NOON_WIB)
    assert not Delivery.objects.filter(notification=notification).exists()
    status = services.notification_deliver(
        notification_id=notification.pk, now=NOON_WIB
    )
    again = services.notification_deliver(notification_id=notification.pk, now=NOON_WIB)
    assert (status, again) == ("sent", "sent")
    assert len(fake_whatsapp.seen) == 2
    assert (
        Delivery.objects.get(notification=notification).provider_id == "wamid.FAKE0001"
    )
