"""The channels' web endpoints: provider webhooks (anonymous by design,
each refused without its signature or token), the push subscription
endpoint, the service worker and the web app manifest.

- `whatsapp_webhook`: GET verification (hub.mode, hub.verify_token ==
  SINAU_WHATSAPP_VERIFY_TOKEN -> hub.challenge) and POST events signed
  with X-Hub-Signature-256 = "sha256=" + HMAC-SHA256(app secret, raw body)
  (Meta, "Webhooks: Event notifications, validating payloads").
- `sms_report`, `sms_reply`: the gateway's delivery reports and inbound
  messages, on a URL carrying SINAU_SMS_REPORT_TOKEN.
- `push_subscription`: POST a PushSubscription JSON to subscribe, DELETE
  (or POST to `push_unsubscribe`) to forget it; signed-in people only,
  CSRF checked (the X-CSRFToken header).
- `service_worker` (/sw.js), `offline_page` (/luring/offline/, what the
  worker shows offline for a page not saved) and `manifest`
  (/manifest.webmanifest).

A body that is too large, not JSON, of the wrong shape, or holding a NUL
character is answered 400, never 500.
"""

import hashlib
import hmac
import json
import re

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseForbidden,
    JsonResponse,
    QueryDict,
)
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from . import services
from .channels import sms, whatsapp
from .channels.push import (
    SubscriptionRefused,
    push_configured,
    push_subscription_delete,
    push_subscription_save,
    subscription_clean,
)
from .models import Channel

CHALLENGE = re.compile(r"[A-Za-z0-9_-]{1,200}")


class BadBody(ValueError):
    """The request body is too large or unreadable."""


def _body(request: HttpRequest) -> bytes:
    """The raw body, at most SINAU_WEBHOOK_MAX_BYTES. Raises BadBody."""
    limit = settings.SINAU_WEBHOOK_MAX_BYTES
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError as exc:
        raise BadBody("bad Content-Length") from exc
    if length > limit:
        raise BadBody("too large")
    try:
        body = request.body
    except RequestDataTooBig as exc:
        raise BadBody("too large") from exc
    if len(body) > limit:
        raise BadBody("too large")
    return body


def _json(body: bytes):
    """Parse JSON, or raise BadBody (bad UTF-8, bad JSON, too deep)."""
    try:
        return json.loads(body)
    except (ValueError, RecursionError) as exc:
        raise BadBody("not JSON") from exc


def _same(given: str, expected: str) -> bool:
    """Constant-time comparison of two texts (header or URL values)."""
    return hmac.compare_digest(
        given.encode("utf-8", "replace"), expected.encode("utf-8", "replace")
    )


# --- WhatsApp ----------------------------------------------------------------


def whatsapp_signature_ok(*, body: bytes, header: str) -> bool:
    """Whether `header` (X-Hub-Signature-256) is "sha256=" + the hex
    HMAC-SHA256 of `body` under SINAU_WHATSAPP_APP_SECRET. False when no
    secret is configured."""
    secret = settings.SINAU_WHATSAPP_APP_SECRET
    if not secret or not header:
        return False
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return _same(header.strip(), f"sha256={digest}")


@csrf_exempt
@require_http_methods(["GET", "POST"])
def whatsapp_webhook(request: HttpRequest) -> HttpResponse:
    """Meta's webhook: GET answers the subscription check (403 unless the
    verify token matches); POST applies status receipts
    (`services.delivery_receipt`) and replies (`services.reply_received`)
    from a body whose signature checks (403 otherwise; 400 for a body that
    is not the Cloud API's shape)."""
    if request.method == "GET":
        token = settings.SINAU_WHATSAPP_VERIFY_TOKEN
        challenge = request.GET.get("hub.challenge", "")
        if (
            token
            and request.GET.get("hub.mode") == "subscribe"
            and _same(request.GET.get("hub.verify_token", ""), token)
            and CHALLENGE.fullmatch(challenge)
        ):
            return HttpResponse(challenge, content_type="text/plain")
        return HttpResponseForbidden("", content_type="text/plain")
    try:
        body = _body(request)
    except BadBody:
        return HttpResponseBadRequest("", content_type="text/plain")
    if not whatsapp_signature_ok(
        body=body, header=request.headers.get("X-Hub-Signature-256", "")
    ):
        return HttpResponseForbidden("", content_type="text/plain")
    try:
        events = whatsapp.webhook_events(_json(body))
    except ValueError:  # BadBody, PayloadError
        return HttpResponseBadRequest("", content_type="text/plain")
    for provider_id, status, error in events.receipts:
        services.delivery_receipt(
            channel=Channel.WHATSAPP,
            provider_id=provider_id,
            status=status,
            error=error,
        )
    for phone, text in events.replies:
        services.reply_received(channel=Channel.WHATSAPP, phone=phone, text=text)
    return HttpResponse("ok", content_type="text/plain")


# --- SMS gateway ---------------------------------------------------------------


def _gateway_data(request: HttpRequest):
    """The report's fields: the query string (GET), or a JSON body (object
    or list), or a form body (urlencoded or multipart). Raises BadBody."""
    if request.method == "GET":
        return {k: request.GET.get(k) for k in request.GET}
    body = _body(request)
    if request.content_type == "application/json":
        return _json(body)
    try:
        if request.content_type == "multipart/form-data":
            form = request.POST
        else:
            form = QueryDict(body, encoding="utf-8")
    except (ValueError, UnicodeDecodeError, MultiPartParserError) as exc:
        raise BadBody("bad form") from exc
    return {k: form.get(k) for k in form}


def _sms_token_ok(token: str) -> bool:
    expected = settings.SINAU_SMS_REPORT_TOKEN
    return bool(expected) and _same(token, expected)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def sms_report(request: HttpRequest, token: str) -> HttpResponse:
    """The gateway's delivery reports (`sms.report_events`) ->
    `services.delivery_receipt`. 403 for a wrong token, 400 for an
    unreadable body; unknown ids and statuses are ignored (200). A report
    that is also an inbound message (has the from and text fields and no
    id) is read as a reply, for gateways with one callback URL."""
    if not _sms_token_ok(token):
        return HttpResponseForbidden("", content_type="text/plain")
    try:
        data = _gateway_data(request)
    except BadBody:
        return HttpResponseBadRequest("", content_type="text/plain")
    events = sms.report_events(data)
    for provider_id, status, error in events:
        services.delivery_receipt(
            channel=Channel.SMS, provider_id=provider_id, status=status, error=error
        )
    if not events:
        reply = sms.reply_event(data)
        if reply:
            services.reply_received(channel=Channel.SMS, phone=reply[0], text=reply[1])
    return HttpResponse("ok", content_type="text/plain")


@csrf_exempt
@require_http_methods(["GET", "POST"])
def sms_reply(request: HttpRequest, token: str) -> HttpResponse:
    """An inbound SMS (`sms.reply_event`) -> `services.reply_received`
    (STOP / BERHENTI stops SMS). 403 for a wrong token, 400 for an
    unreadable body."""
    if not _sms_token_ok(token):
        return HttpResponseForbidden("", content_type="text/plain")
    try:
        data = _gateway_data(request)
    except BadBody:
        return HttpResponseBadRequest("", content_type="text/plain")
    reply = sms.reply_event(data)
    if reply:
        services.reply_received(channel=Channel.SMS, phone=reply[0], text=reply[1])
    return HttpResponse("ok", content_type="text/plain")


# --- web push ---------------------------------------------------------------


def _refuse(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def _subscription_json(request: HttpRequest):
    try:
        return _json(_body(request))
    except BadBody as exc:
        raise SubscriptionRefused(_("This is not a push subscription.")) from exc


@never_cache
@require_http_methods(["POST", "DELETE"])
def push_subscription(request: HttpRequest) -> JsonResponse:
    """POST: keep this browser's PushSubscription JSON for the signed-in
    person (201), and record their yes to push. DELETE: forget it (body
    {"endpoint": ...}). 403 when not signed in or push is off; 400 with a
    translated message for a body that is not a subscription."""
    if not request.user.is_authenticated:
        return _refuse(_("Please log in first."), status=403)
    if request.method == "DELETE":
        return _unsubscribe(request)
    if not push_configured():
        return _refuse(_("Phone notifications are not turned on here."), status=403)
    try:
        fields = subscription_clean(_subscription_json(request))
    except SubscriptionRefused as exc:
        return _refuse(exc.message)
    push_subscription_save(user=request.user, **fields)
    services.consent_set(
        user=request.user, channel=Channel.PUSH, allowed=True, source="subscribe"
    )
    return JsonResponse({"ok": True}, status=201)


@never_cache
@require_http_methods(["POST"])
def push_unsubscribe(request: HttpRequest) -> JsonResponse:
    """POST {"endpoint": ...}: forget this browser's subscription (for
    browsers that cannot send DELETE). 403 when not signed in."""
    if not request.user.is_authenticated:
        return _refuse(_("Please log in first."), status=403)
    return _unsubscribe(request)


def _unsubscribe(request: HttpRequest) -> JsonResponse:
    try:
        data = _subscription_json(request)
    except SubscriptionRefused as exc:
        return _refuse(exc.message)
    endpoint = data.get("endpoint") if isinstance(data, dict) else None
    if not isinstance(endpoint, str) or not endpoint or len(endpoint) > 1000:
        return _refuse(_("This is not a push subscription."))
    deleted = push_subscription_delete(user=request.user, endpoint=endpoint)
    return JsonResponse({"ok": True, "deleted": deleted})


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """static/js/sw.js at the site's root, so it may control every page
    (Service-Worker-Allowed: /), never cached by the browser's HTTP cache
    so an update reaches phones at once."""
    script = (settings.BASE_DIR / "static" / "js" / "sw.js").read_bytes()
    response = HttpResponse(script, content_type="application/javascript")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def offline_page(request: HttpRequest) -> HttpResponse:
    """The page the service worker shows when there is no signal and the
    page asked for is not saved for the person signed in on the phone
    (static/js/sw.js keeps it in its shell cache). The same for everyone:
    no person's data in it; static/js/offline.js lists that person's saved
    modules from the phone's IndexedDB."""
    return render(request, "offline/offline_page.html")


@require_GET
def manifest(request: HttpRequest) -> JsonResponse:
    """The web app manifest: what "Add to Home screen" installs (name,
    icons, colours, start page), in the request's language."""
    data = {
        "name": "Sinau",
        "short_name": "Sinau",
        "description": _("Digital marketing lessons for village programmes"),
        "lang": getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE),
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0b5d4b",
        "icons": [
            {
                "src": static(f"img/icon-{size}.png"),
                "sizes": f"{size}x{size}",
                "type": "image/png",
                "purpose": "any maskable",
            }
            for size in (192, 512)
        ],
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    response["Cache-Control"] = "public, max-age=3600"
    return response
