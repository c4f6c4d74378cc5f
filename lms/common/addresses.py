"""One rule for every link Sinau hands out that must open elsewhere: QR
codes, WhatsApp shares, set-password links, email links, the credential
issuer's did:web and its status list.

`public_url(path, request=None)` answers, in this order:

1. `SINAU_PUBLIC_URL`, when the operator set it (production: always set it,
   the links then never depend on who asked);
2. otherwise, while serving a request, that request's own scheme and host
   (the host has passed ALLOWED_HOSTS, so a visitor cannot choose it);
3. otherwise (a Celery worker, beat or a command, with no request) the
   address staff browsers last reached Sinau at, as `ServedAddressMiddleware`
   recorded it in the database (`lms.models.ServedAddress`). Only a
   signed-in person who may open the admin (a trainer, a manager, a
   superuser) moves it: with ALLOWED_HOSTS = ["*"] (`make run` on the
   network) anyone else could send a made-up Host header and have the next
   set-password links point at their own server. Anyone's loopback visit
   counts (it reaches no other device, like the default below). A loopback
   address (127.0.0.1, localhost, ::1) never replaces a recorded address
   other devices can reach: a QR code made for a phone must not point at
   the server's own loopback because a trainer also opened Sinau on it;
4. with nothing recorded yet, WAGTAILADMIN_BASE_URL (by default
   http://127.0.0.1:8000, where `make run` serves).

So `make run` on another host or port (`SINAU_HOST=0.0.0.0 PORT=8123 make
run`, opened from a phone at http://192.168.1.5:8123/) makes links to
http://192.168.1.5:8123 in pages and, after that first visit, in workers.

Rule 3 reads the database, so within one request (`ServedAddressMiddleware`)
and one Celery task run (`lms.celery`) `recorded_origin` reads it at most
once: a page or a task that builds a link per row costs one query, not one
per row. Other bulk builders (commands) wrap their loop in
`recorded_origin_once()`. Nothing is kept between requests or tasks: the
database row is the answer, and another process may record a newer address.

Links already handed out keep their address: a certificate's QR code and
its signed credential (issuer did:web, status list URL) are fixed when it is
issued, and verification accepts any did:web Sinau signed with its key."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.db import DatabaseError
from django.http import HttpRequest
from django.utils import timezone

from lms.models import ServedAddress

# The origin this process last saw and recorded: a hint that spares a query
# per request, not state anything relies on (another process may record a
# newer address; the database row is the answer).
_seen: dict[str, str] = {}

# The recorded origin as read within the current unit of work (a request, a
# task run, a `recorded_origin_once()` block): {"origin": ...} once read,
# None outside any unit (every call then reads the database).
_memo: ContextVar[dict[str, str] | None] = ContextVar(
    "sinau_recorded_origin", default=None
)


def _configured() -> str:
    return (getattr(settings, "SINAU_PUBLIC_URL", "") or "").strip().rstrip("/")


def request_origin(request: HttpRequest) -> str:
    """`scheme://host[:port]` of `request`, as the browser addressed it.
    Raises DisallowedHost for a host outside ALLOWED_HOSTS."""
    return f"{request.scheme}://{request.get_host()}"


def is_loopback(origin: str) -> bool:
    """Is `origin`'s host reachable only from the machine itself?"""
    host = (urlsplit(origin).hostname or "").lower()
    if host in ("localhost", "") or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def recorded_origin_unit_start() -> Token:
    """Start a unit of work in which `recorded_origin` reads the database at
    most once; end it with `recorded_origin_unit_end(token)`, in the same
    thread. Nested in another unit it starts afresh (a request's or a task's
    own read). For a `with` block use `recorded_origin_once()`."""
    return _memo.set({})


def recorded_origin_unit_end(token: Token) -> None:
    """End the unit `token` started: the next read goes to the database."""
    _memo.reset(token)


@contextmanager
def recorded_origin_once() -> Iterator[None]:
    """Within the block, `recorded_origin` (so `public_url` without a
    request) reads the database at most once, for a loop that builds a link
    per person. Inside a request or a task run already, the block shares
    its read."""
    if _memo.get() is not None:
        yield
        return
    token = recorded_origin_unit_start()
    try:
        yield
    finally:
        recorded_origin_unit_end(token)


def recorded_origin() -> str:
    """The origin `ServedAddressMiddleware` recorded, or '' (none yet, or the
    database cannot be read). Read once per unit of work (see the module's
    docstring); an unreadable database is not remembered."""
    memo = _memo.get()
    if memo is not None and "origin" in memo:
        return memo["origin"]
    try:
        origin = (
            ServedAddress.objects.filter(pk=1).values_list("origin", flat=True).first()
            or ""
        )
    except DatabaseError:
        return ""
    if memo is not None:
        memo["origin"] = origin
    return origin


def public_origin(*, request: HttpRequest | None = None) -> str:
    """The base of every public link, without a trailing slash: the rule in
    this module's docstring. Never raises for a missing request."""
    if configured := _configured():
        return configured
    if request is not None:
        return request_origin(request)
    return (recorded_origin() or settings.WAGTAILADMIN_BASE_URL.rstrip("/")).rstrip("/")


def public_url(path: str = "", *, request: HttpRequest | None = None) -> str:
    """The absolute URL of `path` (e.g. from `reverse()`, starting with "/")
    that opens for whoever receives it (see `public_origin`)."""
    return public_origin(request=request) + path


def served_origin_record(*, origin: str) -> bool:
    """Record `origin` as the address browsers reach Sinau at, unless it is a
    loopback address and a reachable one is recorded already. Returns True
    when it wrote. Idempotent."""
    current = recorded_origin()
    if current == origin or (current and is_loopback(origin)):
        return False
    ServedAddress.objects.update_or_create(
        pk=1, defaults={"origin": origin, "seen_at": timezone.now()}
    )
    if (memo := _memo.get()) is not None:
        memo["origin"] = origin  # later links in this unit follow the write
    return True


def _trusted(request) -> bool:
    """Is `request` from someone whose Host header may set the address in
    links (staff who may open the admin)? Needs AuthenticationMiddleware
    above."""
    user = getattr(request, "user", None)
    return bool(
        user is not None
        and user.is_authenticated
        and user.has_perm("wagtailadmin.access_admin")
    )


class ServedAddressMiddleware:
    """Records the address a staff request reached Sinau at (`public_origin`,
    rule 3), when SINAU_PUBLIC_URL is not set. A query only when this
    process sees an address it has not recorded yet, from staff. The request
    is one unit of work: `recorded_origin` reads the database at most once
    in it, and forgets the answer when the response is returned."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = recorded_origin_unit_start()
        try:
            return self._record_and_respond(request)
        finally:
            recorded_origin_unit_end(token)

    def _record_and_respond(self, request):
        if not _configured():
            try:
                origin = request_origin(request)
            except DisallowedHost:  # Django answers 400 further on
                origin = ""
            if (
                origin
                and _seen.get("origin") != origin
                and (is_loopback(origin) or _trusted(request))
            ):
                try:
                    served_origin_record(origin=origin)
                except DatabaseError:
                    pass  # no table yet, or the database is down: try again later
                else:
                    _seen["origin"] = origin
        return self.get_response(request)
