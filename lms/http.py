"""Small HTTP helpers shared by the apps' views."""

from functools import wraps

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
