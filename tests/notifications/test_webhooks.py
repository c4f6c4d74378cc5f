"""The channels' endpoints: WhatsApp and SMS webhooks (anonymous, refused
without the signature or token; hostile bodies get 400, never 500), the
push subscription endpoint (signed in, CSRF), the service worker and the
manifest."""

import hashlib
import hmac
import json

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from lms.notifications import services
from lms.notifications.channels.whatsapp import PayloadError, webhook_events
from lms.notifications.models import (
    Channel,
    ChannelConsent,
    Delivery,
    Notification,
    PushSubscription,
)
from tests.factories import trainee
from tests.notifications.fakes import (
    SMS_REPORT_TOKEN,
    WA_APP_SECRET,
    WA_VERIFY_TOKEN,
    FakePush,
    b64url,
    use_settings,
)

pytestmark = pytest.mark.django_db

WA_URL = "/pesan/webhook/whatsapp/"


@pytest.fixture(autouse=True)
def _channels(settings):
    use_settings(
        settings,
        SINAU_WHATSAPP_APP_SECRET=WA_APP_SECRET,
        SINAU_WHATSAPP_VERIFY_TOKEN=WA_VERIFY_TOKEN,
        SINAU_SMS_REPORT_TOKEN=SMS_REPORT_TOKEN,
        SINAU_WEBHOOK_MAX_BYTES=100_000,
    )


def _delivery(channel="whatsapp", provider_id="wamid.A1", status="sent"):
    person = trainee(email=None)
    notification = Notification.objects.create(
        user=person,
        kind=Notification.Kind.REMINDER,
        key=f"r:{provider_id}",
        subject="s",
        body="b",
        status=Notification.Status.SENT,
        channel=channel,
    )
    return Delivery.objects.create(
        notification=notification,
        channel=channel,
        status=status,
        provider_id=provider_id,
    )


def _signed(body: bytes, secret: str = WA_APP_SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _post_whatsapp(client, payload, *, signature=None, raw=None):
    body = raw if raw is not None else json.dumps(payload).encode()
    return client.post(
        WA_URL,
        body,
        content_type="application/json",
        headers={"X-Hub-Signature-256": signature or _signed(body)},
    )


def _statuses(*items):
    return {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "WABA",
                "changes": [
                    {
                        "field": "messages",
                        "value": {
                            "messaging_product": "whatsapp",
                            "metadata": {"phone_number_id": "1"},
                            "statuses": list(items),
                        },
                    }
                ],
            }
        ],
    }


def _reply(text, phone="6281311112222"):
    payload = _statuses()
    payload["entry"][0]["changes"][0]["value"] = {
        "messages": [
            {"from": phone, "id": "wamid.IN", "type": "text", "text": {"body": text}}
        ]
    }
    return payload


# --- WhatsApp verification ------------------------------------------------------


def test_verification_echoes_the_challenge(client):
    response = client.get(
        WA_URL,
        {
            "hub.mode": "subscribe",
            "hub.verify_token": WA_VERIFY_TOKEN,
            "hub.challenge": "1158201444",
        },
    )
    assert response.status_code == 200
    assert response.content == b"1158201444"


@pytest.mark.parametrize(
    "query",
    [
        {"hub.mode": "subscribe", "hub.verify_token": "wrong", "hub.challenge": "1"},
        {
            "hub.mode": "unsubscribe",
            "hub.verify_token": WA_VERIFY_TOKEN,
            "hub.challenge": "1",
        },
        {
            "hub.mode": "subscribe",
            "hub.verify_token": WA_VERIFY_TOKEN,
            "hub.challenge": "<b>",
        },
        {},
    ],
)
def test_verification_refuses_otherwise(client, query):
    assert client.get(WA_URL, query).status_code == 403


def test_verification_refuses_when_no_token_is_configured(client, settings):
    settings.SINAU_WHATSAPP_VERIFY_TOKEN = ""
    query = {"hub.mode": "subscribe", "hub.verify_token": "", "hub.challenge": "1"}
    assert client.get(WA_URL, query).status_code == 403


# --- WhatsApp events ------------------------------------------------------------


def test_receipts_move_the_delivery_forward():
    delivery = _delivery()
    client = Client(enforce_csrf_checks=True)  # webhooks are CSRF-exempt
    for status in ("delivered", "read"):
        payload = _statuses(
            {"id": "wamid.A1", "status": status, "timestamp": "1", "recipient_id": "62"}
        )
        assert _post_whatsapp(client, payload).status_code == 200
        delivery.refresh_from_db()
        assert delivery.status == status
    assert Notification.objects.get().status == "read"


def test_a_failed_receipt_keeps_its_error(client):
    delivery = _delivery()
    payload = _statuses(
        {
            "id": "wamid.A1",
            "status": "failed",
            "errors": [{"code": 131026, "title": "Message undeliverable"}],
        }
    )
    assert _post_whatsapp(client, payload).status_code == 200
    delivery.refresh_from_db()
    assert (delivery.status, delivery.error) == (
        "failed",
        "131026 Message undeliverable",
    )
    assert Notification.objects.get().status == Notification.Status.PENDING


@pytest.mark.parametrize("signature", ["", "sha256=00", "sha1=abc", "sha256=é"])
def test_a_bad_signature_is_refused_and_changes_nothing(client, signature):
    delivery = _delivery()
    body = json.dumps(_statuses({"id": "wamid.A1", "status": "read"})).encode()
    response = client.post(
        WA_URL,
        body,
        content_type="application/json",
        headers={"X-Hub-Signature-256": signature} if signature else {},
    )
    delivery.refresh_from_db()
    assert response.status_code == 403
    assert delivery.status == "sent"


def test_a_signature_under_another_secret_is_refused(client):
    delivery = _delivery()
    body = json.dumps(_statuses({"id": "wamid.A1", "status": "read"})).encode()
    response = _post_whatsapp(client, None, raw=body, signature=_signed(body, "other"))
    delivery.refresh_from_db()
    assert response.status_code == 403
    assert delivery.status == "sent"


def test_without_an_app_secret_everything_is_refused(client, settings):
    settings.SINAU_WHATSAPP_APP_SECRET = ""
    body = json.dumps(_statuses()).encode()
    assert (
        _post_whatsapp(client, None, raw=body, signature=_signed(body, "")).status_code
        == 403
    )


@pytest.mark.parametrize(
    "raw",
    [
        b"{not json",
        b"\xff\xfe\x00",
        b'{"entry": "x"}',
        b'{"entry": [{"changes": [{"value": {"statuses": [{"id": 1.5}]}}]}]}',
        b'{"entry": [{"changes": [{"value": {"statuses": '
        b'[{"id": "a\\u0000b", "status": "read"}]}}]}]}',
        b"[" * 100_000,
        b"[]",
        b'"text"',
    ],
)
def test_hostile_bodies_are_400(client, raw):
    assert _post_whatsapp(client, None, raw=raw).status_code == 400


def test_a_body_over_the_cap_is_400(client):
    raw = json.dumps({"entry": [], "pad": "x" * 100_001}).encode()
    assert _post_whatsapp(client, None, raw=raw).status_code == 400


def test_a_stop_reply_stops_whatsapp(client):
    person = trainee(phone="+6281311112222", email=None)
    services.consent_set(
        user=person, channel=Channel.WHATSAPP, allowed=True, source="seed"
    )
    assert _post_whatsapp(client, _reply(" berhenti ")).status_code == 200
    assert ChannelConsent.objects.get(user=person, channel="whatsapp").allowed is False


def test_another_reply_changes_nothing(client):
    person = trainee(phone="+6281311112222", email=None)
    services.consent_set(
        user=person, channel=Channel.WHATSAPP, allowed=True, source="seed"
    )
    assert _post_whatsapp(client, _reply("Terima kasih")).status_code == 200
    assert ChannelConsent.objects.get(user=person, channel="whatsapp").allowed is True


def test_other_change_fields_are_ignored():
    payload = {"entry": [{"changes": [{"field": "account_update", "value": 3}]}]}
    events = webhook_events(payload)
    assert (events.receipts, events.replies) == ([], [])


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "entry",
                    "changes",
                    "value",
                    "statuses",
                    "messages",
                    "id",
                    "status",
                    "errors",
                    "code",
                    "title",
                    "from",
                    "type",
                    "text",
                    "body",
                    "field",
                    "x",
                ]
            ),
            children,
            max_size=5,
        )
    ),
    max_leaves=30,
)


@hsettings(max_examples=300, deadline=None)
@given(json_values)
def test_the_parser_reads_anything_or_refuses_with_payload_error(payload):
    try:
        events = webhook_events(payload)
    except PayloadError:
        return
    for provider_id, status, error in events.receipts:
        assert isinstance(provider_id, str)
        assert provider_id
        assert "\x00" not in provider_id
        assert isinstance(status, str)
        assert isinstance(error, str)
    for phone, text in events.replies:
        assert isinstance(phone, str)
        assert isinstance(text, str)


status_items = st.fixed_dictionaries(
    {
        "id": st.text(
            st.characters(blacklist_characters="\x00"), min_size=1, max_size=40
        ),
        "status": st.sampled_from(["sent", "delivered", "read", "failed"]),
    }
)


@hsettings(max_examples=100, deadline=None)
@given(st.lists(status_items, max_size=5))
def test_the_parser_returns_every_status_in_order(items):
    events = webhook_events(_statuses(*items))
    assert events.receipts == [(i["id"], i["status"], "") for i in items]


@hsettings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.binary(max_size=300))
def test_the_webhook_never_fails_on_signed_bytes(client, raw):
    response = _post_whatsapp(client, None, raw=raw)
    assert response.status_code in (200, 400)


# --- SMS reports and replies ------------------------------------------------------


def _sms_url(token=SMS_REPORT_TOKEN, reply=False):
    name = "sms_reply" if reply else "sms_report"
    return reverse(f"notification_channels:{name}", args=[token])


def test_a_form_report_marks_delivered(client):
    delivery = _delivery(channel="sms", provider_id="SMS0001")
    response = client.post(_sms_url(), {"id": "SMS0001", "status": "DELIVRD"})
    delivery.refresh_from_db()
    assert response.status_code == 200
    assert delivery.status == "delivered"


def test_a_query_string_report_with_renamed_fields(client, settings):
    settings.SINAU_SMS_REPORT_ID_FIELD = "msgid"
    settings.SINAU_SMS_REPORT_STATUS_FIELD = "dlr_status"
    delivery = _delivery(channel="sms", provider_id="77")
    response = client.get(_sms_url(), {"msgid": "77", "dlr_status": "delivrd"})
    delivery.refresh_from_db()
    assert response.status_code == 200
    assert delivery.status == "delivered"


def test_a_json_list_of_reports_and_a_failure_with_its_error(client, settings):
    settings.SINAU_SMS_REPORT_ERROR_FIELD = "detail.reason"
    ok = _delivery(channel="sms", provider_id="A")
    bad = _delivery(channel="sms", provider_id="B")
    reports = [
        {"id": "A", "status": "DELIVRD"},
        {"id": "B", "status": "UNDELIV", "detail": {"reason": "absent subscriber"}},
        {"id": "C", "status": "WEIRD"},
        "junk",
    ]
    response = client.post(
        _sms_url(), json.dumps(reports), content_type="application/json"
    )
    ok.refresh_from_db()
    bad.refresh_from_db()
    assert response.status_code == 200
    assert ok.status == "delivered"
    assert (bad.status, bad.error) == ("failed", "UNDELIV absent subscriber")


@pytest.mark.parametrize("token", ["wrong", SMS_REPORT_TOKEN + "x", "a" * 300])
def test_a_wrong_report_token_is_refused(client, token):
    delivery = _delivery(channel="sms", provider_id="SMS0001")
    response = client.post(_sms_url(token), {"id": "SMS0001", "status": "DELIVRD"})
    reply = client.post(
        _sms_url(token, reply=True), {"from": "081311112222", "text": "STOP"}
    )
    delivery.refresh_from_db()
    assert (response.status_code, reply.status_code) == (403, 403)
    assert delivery.status == "sent"


def test_reports_are_refused_when_no_token_is_configured(client, settings):
    settings.SINAU_SMS_REPORT_TOKEN = ""
    response = client.post(reverse("notification_channels:sms_report", args=["x"]), {})
    assert response.status_code == 403


@pytest.mark.parametrize(
    "raw", [b"{bad", b"[" * 100_000, b'{"id": "a\\u0000", "status": "DELIVRD"}']
)
def test_hostile_report_bodies_never_500(client, raw):
    response = client.post(_sms_url(), raw, content_type="application/json")
    assert response.status_code in (200, 400)


def test_a_report_body_over_the_cap_is_400(client):
    response = client.post(_sms_url(), {"id": "x" * 100_001, "status": "DELIVRD"})
    assert response.status_code == 400


def test_an_sms_stop_reply_stops_sms(client):
    person = trainee(phone="+6281311112222", email=None)
    services.consent_set(user=person, channel=Channel.SMS, allowed=True, source="seed")
    response = client.post(
        _sms_url(reply=True), {"from": "081311112222", "text": "STOP"}
    )
    assert response.status_code == 200
    assert ChannelConsent.objects.get(user=person, channel="sms").allowed is False


def test_a_stop_on_the_report_url_stops_sms_too(client):
    person = trainee(phone="+6281311112222", email=None)
    services.consent_set(user=person, channel=Channel.SMS, allowed=True, source="seed")
    response = client.get(_sms_url(), {"from": "6281311112222", "text": "Berhenti"})
    assert response.status_code == 200
    assert ChannelConsent.objects.get(user=person, channel="sms").allowed is False


# --- push subscription ----------------------------------------------------------

PUSH_URL = "/pesan/push/langganan/"


@pytest.fixture
def push_on(settings, fake_server_less_push):
    return fake_server_less_push


@pytest.fixture
def fake_server_less_push(settings):
    """VAPID settings and browser keys, no server: nothing is sent here."""

    class NoServer:
        def url_for(self, suffix):
            return "https://push.example.net" + suffix

        def expect_request(self, *args, **kwargs):
            class Handler:
                def respond_with_handler(self, handler):
                    return None

            return Handler()

    fake = FakePush(NoServer())
    use_settings(settings, **fake.settings())
    return fake


def _subscription(fake):
    browser = fake.browser()
    return {
        "endpoint": browser.endpoint,
        "expirationTime": None,
        "keys": {"p256dh": browser.p256dh, "auth": b64url(browser.auth)},
    }


def _csrf_client(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get("/akun/profil/")  # sets the CSRF cookie
    return client, client.cookies["csrftoken"].value


def test_a_person_subscribes_this_browser(push_on):
    person = trainee()
    client, token = _csrf_client(person)
    data = _subscription(push_on)
    response = client.post(
        PUSH_URL,
        json.dumps(data),
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    again = client.post(
        PUSH_URL,
        json.dumps(data),
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    sub = PushSubscription.objects.get()
    assert (response.status_code, again.status_code) == (201, 201)
    assert (sub.user, sub.endpoint, sub.p256dh) == (
        person,
        data["endpoint"],
        data["keys"]["p256dh"],
    )
    assert ChannelConsent.objects.get(user=person, channel="push").allowed is True


def test_subscribing_without_the_csrf_token_is_refused(push_on):
    client, _token = _csrf_client(trainee())
    response = client.post(
        PUSH_URL, json.dumps(_subscription(push_on)), content_type="application/json"
    )
    assert response.status_code == 403
    assert not PushSubscription.objects.exists()


def test_anonymous_may_not_subscribe(client, push_on):
    response = client.post(
        PUSH_URL, json.dumps(_subscription(push_on)), content_type="application/json"
    )
    assert response.status_code == 403
    assert not PushSubscription.objects.exists()


def test_subscribing_when_push_is_off_is_refused(client, settings):
    use_settings(settings, SINAU_VAPID_PUBLIC_KEY="")
    client.force_login(trainee())
    response = client.post(PUSH_URL, "{}", content_type="application/json")
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"endpoint": "http://push.example.net/x"}, "alamat https"),
        ({"endpoint": "https://push.example.net/" + "x" * 1000}, "alamat https"),
        ({"endpoint": "javascript:alert(1)"}, "alamat https"),
        ({"keys": {"p256dh": "AAAA", "auth": "AAAAAAAAAAAAAAAAAAAAAA"}}, "Kunci"),
        ({"keys": {"p256dh": None, "auth": "x"}}, "Kunci"),
        ({"keys": "x"}, "bukan langganan"),
        ({"endpoint": 5}, "bukan langganan"),
    ],
)
def test_a_bad_subscription_is_400_with_a_translated_message(
    client, push_on, change, message
):
    client.force_login(trainee())
    data = {**_subscription(push_on), **change}
    response = client.post(PUSH_URL, json.dumps(data), content_type="application/json")
    assert response.status_code == 400
    assert message in response.json()["error"]
    assert not PushSubscription.objects.exists()


@pytest.mark.parametrize("raw", [b"{bad", b"[]", b"\x00", b"[" * 100_000])
def test_a_body_that_is_not_a_subscription_is_400(client, push_on, raw):
    client.force_login(trainee())
    response = client.post(PUSH_URL, raw, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"] == "Ini bukan langganan notifikasi."


def test_a_person_unsubscribes_only_their_own(client, push_on):
    me, other = trainee(), trainee()
    mine = push_on.subscribe(me)
    theirs = push_on.subscribe(other)
    client.force_login(me)
    gone = client.delete(
        PUSH_URL,
        json.dumps({"endpoint": mine.endpoint}),
        content_type="application/json",
    )
    kept = client.post(
        "/pesan/push/langganan/hapus/",
        json.dumps({"endpoint": theirs.endpoint}),
        content_type="application/json",
    )
    assert (gone.json(), kept.json()) == (
        {"ok": True, "deleted": True},
        {"ok": True, "deleted": False},
    )
    assert list(PushSubscription.objects.all()) == [theirs]


def test_anonymous_may_not_unsubscribe(client, push_on):
    sub = push_on.subscribe(trainee())
    response = client.post(
        "/pesan/push/langganan/hapus/",
        json.dumps({"endpoint": sub.endpoint}),
        content_type="application/json",
    )
    assert response.status_code == 403
    assert PushSubscription.objects.count() == 1


# --- service worker and manifest ----------------------------------------------------


def test_the_service_worker_is_served_at_the_root(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/javascript"
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Cache-Control"] == "no-cache"
    assert b'addEventListener("push"' in response.content
    assert b'addEventListener("notificationclick"' in response.content


def test_the_offline_page_is_the_same_for_everyone_and_holds_no_one_s_data(client):
    """The service worker keeps it in the cache every person on a phone
    shares (static/js/sw.js): signed in or not, the same page, in
    Indonesian, with no name, key or CSRF token in it."""
    anonymous = client.get("/luring/offline/")
    person = trainee(phone="+6281234567890", display_name="Sari Wulandari")
    client.force_login(person)
    signed_in = client.get("/luring/offline/")
    assert anonymous.status_code == signed_in.status_code == 200
    assert anonymous.content == signed_in.content
    page = signed_in.content.decode()
    assert "<h1>Anda sedang offline</h1>" in page
    assert "data-offline-saved" in page
    for private in ("Sari", "sinau-user", "csrfmiddlewaretoken"):
        assert private not in page


def test_the_manifest_names_sinau_and_its_icons_exist(client):
    from django.contrib.staticfiles import finders

    response = client.get("/manifest.webmanifest")
    data = json.loads(response.content)
    assert response["Content-Type"] == "application/manifest+json"
    assert (data["name"], data["display"], data["start_url"]) == (
        "Sinau",
        "standalone",
        "/",
    )
    assert [i["sizes"] for i in data["icons"]] == ["192x192", "512x512"]
    for icon in data["icons"]:
        assert finders.find(icon["src"].removeprefix("/static/"))
