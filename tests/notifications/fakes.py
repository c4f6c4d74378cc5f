"""Fake providers on 127.0.0.1 for the notification channels: a WhatsApp
Cloud API, an SMS gateway and a Web Push service, each a pytest-httpserver
handler that records what it got and answers as the real one would.

    def test_x(fake_whatsapp, fake_sms, fake_push): ...

Each fixture also points the settings at its fake (`FakeX.settings()`;
a test running a real Celery worker passes the same values as
environment variables) and resets the senders. Answers are queued with
`then(...)` and helpers (`refuse`, `down`, `hang`); with nothing queued
the fake accepts. `FakePush` really decrypts each message (RFC 8291,
aes128gcm, with the key pair it made for the subscription) and really
checks the VAPID JWT signature (RFC 8292) against the configured key.
"""

from __future__ import annotations

import base64
import itertools
import json
import re
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass, field

import http_ece
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from lms.notifications.channels import senders_reset
from lms.notifications.management.commands.vapid_keys import vapid_pair
from lms.notifications.models import PushSubscription

WA_PHONE_NUMBER_ID = "106540352242922"
WA_TOKEN = "fake-whatsapp-token"
WA_APP_SECRET = "fake-app-secret"
WA_VERIFY_TOKEN = "fake-verify-token"
SMS_TOKEN = "fake-sms-token"
SMS_REPORT_TOKEN = "fake-report-token"
VAPID_SUBJECT = "mailto:ops@sinau.example"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Seen:
    """One request the fake received."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    form: dict[str, str] = field(default_factory=dict)

    def json(self):
        return json.loads(self.body)


class Fake:
    """A queue of answers on one server path, and a log of requests."""

    accept_status = 200

    def __init__(self, server: HTTPServer, uri, method: str = "POST"):
        self.server = server
        self.seen: list[Seen] = []
        self.queue: deque = deque()
        self.release = threading.Event()
        server.expect_request(uri, method=method).respond_with_handler(self._handle)

    def then(self, status: int, body=None, *, raw: str | None = None) -> Fake:
        """Answer the next request with `status` and JSON `body` (or `raw`
        text)."""
        self.queue.append(("answer", status, body, raw))
        return self

    def down(self, status: int = 503) -> Fake:
        return self.then(status, raw="Service Unavailable")

    def hang(self) -> Fake:
        """Hold the next request until the test ends (a timeout)."""
        self.queue.append(("hang", 0, None, None))
        return self

    def accept_body(self, request: Request):  # overridden
        return {}

    def _handle(self, request: Request) -> Response:
        self.seen.append(
            Seen(
                method=request.method,
                path=request.path,
                headers=dict(request.headers),
                body=request.get_data(),
                form=dict(request.form),
            )
        )
        kind, status, body, raw = (
            self.queue.popleft()
            if self.queue
            else ("answer", self.accept_status, self.accept_body(request), None)
        )
        if kind == "hang":
            self.release.wait(30)
            return Response("late", status=200)
        if raw is not None:
            return Response(raw, status=status, content_type="text/plain")
        return Response(
            json.dumps(body), status=status, content_type="application/json"
        )


class FakeWhatsApp(Fake):
    """POST /v21.0/{phone number id}/messages. Accepts with a new wamid."""

    def __init__(self, server: HTTPServer):
        super().__init__(server, f"/v21.0/{WA_PHONE_NUMBER_ID}/messages")
        self._ids = itertools.count(1)

    def settings(self) -> dict[str, str]:
        return {
            "SINAU_WHATSAPP_API_URL": self.server.url_for("/v21.0"),
            "SINAU_WHATSAPP_TOKEN": WA_TOKEN,
            "SINAU_WHATSAPP_PHONE_NUMBER_ID": WA_PHONE_NUMBER_ID,
            "SINAU_WHATSAPP_APP_SECRET": WA_APP_SECRET,
            "SINAU_WHATSAPP_VERIFY_TOKEN": WA_VERIFY_TOKEN,
        }

    def accept_body(self, request: Request):
        to = json.loads(request.get_data()).get("to", "")
        return {
            "messaging_product": "whatsapp",
            "contacts": [{"input": to, "wa_id": to}],
            "messages": [{"id": f"wamid.FAKE{next(self._ids):04d}"}],
        }

    def refuse(self, code: int, message: str, status: int = 400) -> FakeWhatsApp:
        """A Cloud API error object (e.g. 131026 "Message undeliverable")."""
        return self.then(
            status,
            {
                "error": {
                    "message": message,
                    "type": "OAuthException",
                    "code": code,
                    "error_data": {"messaging_product": "whatsapp", "details": message},
                    "fbtrace_id": "AbCdEf",
                }
            },
        )


class FakeSms(Fake):
    """POST /sms/send. Accepts with {"status": "ok", "data": {"message_id"}}
    by default; `settings(**overrides)` shapes the adapter."""

    def __init__(self, server: HTTPServer):
        super().__init__(server, "/sms/send")
        self._ids = itertools.count(1)

    def settings(self, **overrides) -> dict:
        values = {
            "SINAU_SMS_GATEWAY_URL": self.server.url_for("/sms/send"),
            "SINAU_SMS_GATEWAY_TOKEN": SMS_TOKEN,
            "SINAU_SMS_GATEWAY_FORMAT": "json",
            "SINAU_SMS_GATEWAY_NUMBER_FORMAT": "digits",
            "SINAU_SMS_GATEWAY_TO_FIELD": "to",
            "SINAU_SMS_GATEWAY_TEXT_FIELD": "message",
            "SINAU_SMS_GATEWAY_SENDER_FIELD": "",
            "SINAU_SMS_GATEWAY_SENDER": "",
            "SINAU_SMS_GATEWAY_ID_FIELD": "data.message_id",
            "SINAU_SMS_GATEWAY_ERROR_FIELD": "",
            "SINAU_SMS_GATEWAY_EXTRA": {},
            "SINAU_SMS_REPORT_TOKEN": SMS_REPORT_TOKEN,
        }
        values.update(overrides)
        return values

    def accept_body(self, request: Request):
        return {"status": "ok", "data": {"message_id": f"SMS{next(self._ids):04d}"}}


@dataclass
class Browser:
    """A subscribing browser's keys (what PushManager makes)."""

    endpoint: str
    private_key: ec.EllipticCurvePrivateKey
    auth: bytes

    @property
    def p256dh(self) -> str:
        return b64url(
            self.private_key.public_key().public_bytes(
                serialization.Encoding.X962,
                serialization.PublicFormat.UncompressedPoint,
            )
        )


class FakePush(Fake):
    """A push service: POST /push/<id>. Answers 201 Created. `subscribe`
    makes a browser key pair and its PushSubscription row; `message(seen)`
    decrypts what was pushed; `vapid_claims(seen)` verifies the JWT."""

    def __init__(self, server: HTTPServer):
        super().__init__(server, re.compile(r"^/push/[A-Za-z0-9]+$"))
        self.public_key, self.private_key = vapid_pair()
        self.browsers: dict[str, Browser] = {}

    def settings(self) -> dict[str, str]:
        return {
            "SINAU_VAPID_PUBLIC_KEY": self.public_key,
            "SINAU_VAPID_PRIVATE_KEY": self.private_key,
            "SINAU_VAPID_PRIVATE_KEY_FILE": "",
            "SINAU_VAPID_SUBJECT": VAPID_SUBJECT,
        }

    accept_status = 201

    def browser(self) -> Browser:
        endpoint = self.server.url_for(f"/push/{secrets.token_hex(8)}")
        browser = Browser(
            endpoint=endpoint,
            private_key=ec.generate_private_key(ec.SECP256R1()),
            auth=secrets.token_bytes(16),
        )
        self.browsers[endpoint] = browser
        return browser

    def subscribe(self, user) -> PushSubscription:
        browser = self.browser()
        return PushSubscription.objects.create(
            user=user,
            endpoint=browser.endpoint,
            p256dh=browser.p256dh,
            auth=b64url(browser.auth),
        )

    def message(self, seen: Seen) -> dict:
        """Decrypt a pushed body with its browser's keys (RFC 8291)."""
        browser = self.browsers[self.server.url_for(seen.path)]
        assert seen.headers["Content-Encoding"] == "aes128gcm"
        plain = http_ece.decrypt(
            seen.body,
            private_key=browser.private_key,
            auth_secret=browser.auth,
            version="aes128gcm",
        )
        return json.loads(plain)

    def vapid_claims(self, seen: Seen) -> dict:
        """Verify the `Authorization: vapid t=<JWT>, k=<key>` header
        (RFC 8292) with the configured public key; return the claims.
        Raises AssertionError or InvalidSignature when it does not check."""
        scheme, _, params = seen.headers["Authorization"].partition(" ")
        assert scheme == "vapid"
        fields = dict(p.strip().split("=", 1) for p in params.split(","))
        assert fields["k"] == self.public_key
        head, claims, signature = fields["t"].split(".")
        assert json.loads(b64url_decode(head)) == {"typ": "JWT", "alg": "ES256"}
        raw = b64url_decode(signature)
        assert len(raw) == 64
        der = encode_dss_signature(
            int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big")
        )
        key = ec.EllipticCurvePublicKey.from_encoded_point(
            ec.SECP256R1(), b64url_decode(self.public_key)
        )
        key.verify(der, f"{head}.{claims}".encode(), ec.ECDSA(hashes.SHA256()))
        data = json.loads(b64url_decode(claims))
        assert data["exp"] > time.time()
        return data


def _use(settings, values: dict) -> None:
    for name, value in values.items():
        setattr(settings, name, value)
    senders_reset()


@pytest.fixture
def fake_server():
    """An HTTP server on 127.0.0.1 (an ephemeral port), threaded so a
    hanging answer does not block the others."""
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    yield server
    server.clear()
    server.stop()


@pytest.fixture
def fake_whatsapp(fake_server, settings):
    fake = FakeWhatsApp(fake_server)
    _use(settings, fake.settings())
    yield fake
    fake.release.set()
    senders_reset()


@pytest.fixture
def fake_sms(fake_server, settings):
    fake = FakeSms(fake_server)
    _use(settings, fake.settings())
    yield fake
    fake.release.set()
    senders_reset()


@pytest.fixture
def fake_push(fake_server, settings):
    fake = FakePush(fake_server)
    _use(settings, fake.settings())
    yield fake
    fake.release.set()
    senders_reset()


def use_settings(settings, **values) -> None:
    """Set channel settings for one test and rebuild the senders."""
    _use(settings, values)
