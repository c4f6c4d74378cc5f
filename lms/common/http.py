"""Small HTTP helpers shared by the apps' views."""

import ipaddress
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme


def redirect_back(request: HttpRequest, default: str) -> HttpResponseRedirect:
    """Redirect to the form's `next` field when it points at this site,
    otherwise to `default` (never to another host)."""
    target = request.POST.get("next") or default
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = default
    return HttpResponseRedirect(target)


def whole_number(value, *, limit: int = 2_147_483_647) -> int | None:
    """`value` (a form field or query parameter, str or None) read as a whole
    number from 0 to `limit`, or None for anything else. Only ASCII digits
    count: `str.isdigit()` accepts "²" and Arabic-Indic digits, on which
    `int()` raises or reads a number nobody typed. Never raises."""
    if not isinstance(value, str) or not value.isascii() or not value.isdigit():
        return None
    if len(value) > len(str(limit)):
        return None
    number = int(value)
    return number if number <= limit else None


def no_compression(view):
    """Serve this view's responses uncompressed and uncached: for pages that
    show a secret (`lms.middleware.GZipMiddleware` explains why). The token
    in such a page's URL never leaves the site in a Referer: Django's
    SecurityMiddleware sends `Referrer-Policy: same-origin` (a stricter
    `no-referrer` would make the browser send `Origin: null` with the form,
    which the CSRF check refuses)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response.sinau_no_compression = True
        response["Cache-Control"] = "private, no-store"
        return response

    return wrapped


def _address(value: str | None) -> str | None:
    """`value` read as an IPv4 or IPv6 address (brackets and a port allowed:
    `[2001:db8::1]:443`, `203.0.113.7:5123`), normalised; None otherwise."""
    text = (value or "").strip()
    if not text or len(text) > 64:
        return None
    candidates = [text]
    if text.startswith("[") and "]" in text:
        candidates.append(text[1 : text.index("]")])
    elif text.count(":") == 1:
        candidates.append(text.split(":", 1)[0])
    for candidate in candidates:
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            continue
    return None


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address, for every limit Sinau counts per client (the
    password throttle, allauth's own limits through the account adapter, the
    certificate verify page). Nothing else reads `REMOTE_ADDR` or a forwarded
    header (a test walks the code).

    The connection's address (`REMOTE_ADDR`), unless a proxy of ours is
    configured: `settings.SINAU_TRUSTED_CLIENT_IP_HEADER` (e.g. `X-Real-IP`,
    set by the proxy) wins; otherwise with `SINAU_TRUSTED_PROXY_COUNT = n`
    the n-th address from the right of `X-Forwarded-For` (each proxy appends
    the address it saw). A missing, short or malformed header falls back to
    the connection's address. Returns a normalised IPv4/IPv6 string, or None
    without a request or an address (a shell, the test client's `login()`).
    Never raises."""
    if request is None:
        return None
    remote = _address(request.META.get("REMOTE_ADDR"))
    if remote is None:
        return None
    header = getattr(settings, "SINAU_TRUSTED_CLIENT_IP_HEADER", None)
    count = getattr(settings, "SINAU_TRUSTED_PROXY_COUNT", 0) or 0
    forwarded = None
    if header:
        forwarded = _address(request.headers.get(header))
    elif count > 0:
        header_value = request.headers.get("X-Forwarded-For", "")
        chain = header_value.split(",") if header_value.strip() else []
        if len(chain) >= count:
            forwarded = _address(chain[-count])
    return forwarded or remote


def client_network(request: HttpRequest | None) -> str | None:
    """What a per-client limit counts: `client_ip`, with an IPv6 address
    widened to its /64 network (one household or phone usually holds a whole
    /64, so counting single IPv6 addresses would not limit anyone)."""
    ip = client_ip(request)
    if ip is None or ":" not in ip:
        return ip
    return str(ipaddress.IPv6Network(f"{ip}/64", strict=False).network_address)


def reaches_admin(request) -> bool:
    """Does the signed-in person reach the admin (trainers, managers)? For
    the header's staff links (cohorts, marking, admin) and Belajarku's
    marking panel, not for access (views
    check permissions themselves). Remembered in the session, so pages cost
    no extra queries; a changed role shows after the next log-in."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    session = getattr(request, "session", None)
    if session is None:
        return user.has_perm("wagtailadmin.access_admin")
    if (remembered := session.get("sinau_marking_link")) is None:
        remembered = user.has_perm("wagtailadmin.access_admin")
        session["sinau_marking_link"] = remembered
    return remembered
