"""A person's own notifications: the list ("Pesan"), their channel choices
and the stop link in a message.

Each view acts on the signed-in person's own rows only (the list, reading
them, the choices), except the stop link, which needs no log-in: its
signed token names the person and the channel (`services.stop_token`)."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from lms.accounts.selectors import user_email_mailable
from lms.common.addresses import public_origin
from lms.common.errors import Refused, refusal_response

from .forms import ChannelChoicesForm
from .models import Channel, PushSubscription
from .selectors import notifications_of
from .services import (
    consent_set,
    consents_of,
    notifications_read,
    stop_by_token,
    stop_token_read,
)

PER_PAGE = 20


def sinau_hosts(*, request: HttpRequest) -> set[str]:
    """The hosts (with port) a link into Sinau may name: this request's,
    and that of the address links are made with (`public_origin`: the
    configured public address, or the one recorded for workers)."""
    hosts = {request.get_host().lower()}
    public = urlsplit(public_origin()).netloc.lower()
    if public:
        hosts.add(public)
    return hosts


def link_in_sinau(url: str, *, hosts: set[str]) -> str:
    """The path (with its query) `url` points to when it points into Sinau:
    a path on this site ("/…", not "//…"), or an http(s) address on one of
    `hosts` (`sinau_hosts`). Anything else (another site, javascript:, a
    malformed address) gives "" so that no link is shown: the list never
    sends anyone off-site."""
    url = (url or "").strip()
    if not url or "\\" in url or any(ord(ch) < 32 for ch in url):
        return ""
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    if parts.scheme or parts.netloc:
        if parts.scheme not in ("http", "https") or parts.netloc.lower() not in hosts:
            return ""
    elif not url.startswith("/") or url.startswith("//"):
        return ""
    path = parts.path or "/"
    if not path.startswith("/") or path.startswith("//"):
        return ""
    return path + (f"?{parts.query}" if parts.query else "")


@never_cache
@require_http_methods(["GET", "HEAD"])
@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """The signed-in person's notifications, newest first, PER_PAGE a page
    (`?page=`; a page number out of range or not a number shows the
    nearest page). The unread ones shown are marked read after the page is
    rendered: they show as new on this view and are read the next time
    (the header's count drops with the next page). Only the person's own
    rows are read or marked. Queries: constant in the number of rows."""
    page = Paginator(notifications_of(user=request.user), PER_PAGE).get_page(
        request.GET.get("page")
    )
    notifications = list(page.object_list)
    hosts = sinau_hosts(request=request) if any(n.url for n in notifications) else set()
    rows = [
        {"notification": n, "link": link_in_sinau(n.url, hosts=hosts)}
        for n in notifications
    ]
    unread = [row["notification"].pk for row in rows if not row["notification"].read_at]
    response = render(
        request,
        "notifications/notification_list.html",
        {"page": page, "rows": rows, "any_unread": bool(unread)},
    )
    if unread:
        notifications_read(user=request.user, ids=unread)
    return response


@require_POST
@login_required
def inbox_read_all(request: HttpRequest) -> HttpResponse:
    """Mark every notification of the signed-in person read ("Tandai semua
    sudah dibaca"). Idempotent."""
    count = notifications_read(user=request.user)
    if count:
        messages.success(request, _("All your messages are marked as read."))
    return redirect("notifications:inbox")


def _channel_context(user, form) -> dict:
    return {
        "form": form,
        "phone": user.phone or "",
        "email": user_email_mailable(user=user) or "",
        "push_count": PushSubscription.objects.filter(user=user).count(),
        "push_stopped": form.initial.get("push") is False,
    }


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def channel_choices(request: HttpRequest) -> HttpResponse:
    """How the signed-in person wants to get Sinau's messages: WhatsApp and
    SMS to their phone, email to their address (each on or off), and
    whether their phone gets phone notifications (shown, switched on from
    the phone itself). Saving records a `ChannelConsent` per channel shown
    (source "settings"). A channel without an address (no phone, no email)
    cannot be switched on: the page says how to add one."""
    user = request.user
    consents = consents_of(user=user)
    has_email = bool(user_email_mailable(user=user))
    form = ChannelChoicesForm(
        request.POST or None,
        consents=consents,
        has_phone=bool(user.phone),
        has_email=has_email,
    )
    if request.method == "POST":
        if form.is_valid():
            for channel, allowed in form.choices().items():
                consent_set(
                    user=user, channel=channel, allowed=allowed, source="settings"
                )
            messages.success(request, _("Your choices are saved."))
            return redirect("notifications:channels")
        return render(
            request,
            "notifications/channel_choices.html",
            _channel_context(user, form),
            status=400,
        )
    return render(
        request, "notifications/channel_choices.html", _channel_context(user, form)
    )


class StopLinkInvalid(Refused):
    """The stop link is not one Sinau made (or its account is gone)."""


def _stop_invalid(request: HttpRequest) -> HttpResponse:
    return refusal_response(
        request,
        StopLinkInvalid(
            _(
                "This link is not valid. Nothing was changed. You can choose "
                "how Sinau sends you messages on your account page."
            )
        ),
        template="notifications/stop_invalid.html",
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def stop(request: HttpRequest, token: str) -> HttpResponse:
    """The link at the end of a message that stops one channel, without
    logging in. GET shows what would stop and a button; only the POST
    stops (a chat app's link preview or a prefetcher opens links with GET
    and must not stop anything). A token Sinau did not sign, or a deleted
    account, gets a 400 page saying so, changing nothing. Idempotent."""
    try:
        if request.method == "POST":
            _user, channel = stop_by_token(token=token)
        else:
            _user, channel = stop_token_read(token=token)
    except signing.BadSignature:
        return _stop_invalid(request)
    return render(
        request,
        "notifications/stop.html",
        {
            "channel": Channel(channel).label,
            "stopped": request.method == "POST",
            "token": token,
        },
    )
