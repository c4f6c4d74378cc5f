"""Bahasa Indonesia unless the person chose otherwise."""

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.http.request import split_domain_port
from django.middleware.gzip import GZipMiddleware as DjangoGZipMiddleware
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from wagtail.models import Site

from content.cache import (
    cached,
    pinned_version,
    shared_caches_bypassed,
    shared_caches_usable,
)

SUPPORTED = {code for code, _name in settings.LANGUAGES}


def language_for(request) -> str:
    """The language cookie (set by the switch) wins, then the signed-in
    person's preference, then Bahasa Indonesia. The browser's
    Accept-Language is deliberately ignored: cheap phones are often set to
    English while their owners read Indonesian."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if chosen in SUPPORTED:
        return chosen
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        if user.preferred_language in SUPPORTED:
            return user.preferred_language
    return settings.LANGUAGE_CODE


class LanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = language_for(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ["Cookie"])
        return response


class ContentCacheMiddleware:
    """Read the content version once per request, and give Wagtail the
    request's site (with its root page, already specific) from the content
    cache (one entry listing every site) instead of two queries per
    request. Wagtail's preview requests (`is_dummy`, set before the
    middleware runs) bypass the shared caches."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not shared_caches_usable(request):
            with shared_caches_bypassed():
                return self._serve(request)
        return self._serve(request)

    def _serve(self, request):
        with pinned_version():
            hostname = split_domain_port(request._get_raw_host())[0]
            request._wagtail_site = site_for_hostname(
                cached("sites", _sites), hostname, request.get_port()
            )
            return self.get_response(request)


def _sites() -> list[Site]:
    """Every Site, with its root page (specific): one cache entry, however
    many hosts and ports visitors send (the Host header is theirs to
    choose, so it is never part of a key)."""
    sites = list(Site.objects.select_related("root_page"))
    for site in sites:
        site.root_page = site.root_page.specific
    return sites


def site_for_hostname(sites: list[Site], hostname: str, port) -> Site | None:
    """Wagtail's `get_site_for_hostname` over the list `sites` instead of a
    query: an exact hostname and port first, then the hostname of the
    default site, then the default site (or the only other site with that
    hostname); None when nothing matches."""
    port = int(port) if str(port).isdigit() else None
    exact, host_default, default, host = 0, 1, 2, 3

    def rank(site: Site) -> int:
        if site.hostname == hostname and site.port == port:
            return exact
        if site.hostname == hostname and site.is_default_site:
            return host_default
        if site.is_default_site:
            return default
        return host

    matches = sorted(
        (s for s in sites if s.hostname == hostname or s.is_default_site), key=rank
    )
    if not matches:
        return None
    if len(matches) == 1 or rank(matches[0]) in (exact, host_default):
        return matches[0]
    if rank(matches[0]) == default:
        return matches[len(matches) == 2]
    return None


class GZipMiddleware(DjangoGZipMiddleware):
    """Django's GZipMiddleware (which pads each compressed body with random
    bytes against BREACH, "Heal the Breach"), except for responses a view
    marks with `lms.common.http.no_compression`: pages that show a secret an
    attacker could probe by reflecting guesses next to it (a one-time
    password link). CSRF tokens are masked afresh on every response, so
    they are no such secret. Static files never get here: WhiteNoise,
    above this middleware, answers them with its precompressed copies."""

    def process_response(self, request, response):
        if getattr(response, "sinau_no_compression", False):
            return response
        return super().process_response(request, response)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware: `CONTENT_SECURITY_POLICY` for every page,
    except under `SINAU_ADMIN_CSP_PATHS` (the Wagtail admin and its
    previews), which get `SINAU_ADMIN_CONTENT_SECURITY_POLICY`. Wagtail
    renders a preview through a request of its own for the page's URL
    (`is_dummy`), whose header is the one sent: it keeps the site's policy,
    except that the admin (same origin) may frame it. A view's own django-csp
    decorator still wins over all of these."""

    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if report_only or parts.config is not None:
            return parts
        if request.path_info.startswith(settings.SINAU_ADMIN_CSP_PATHS):
            parts.config = settings.SINAU_ADMIN_CONTENT_SECURITY_POLICY
        elif getattr(request, "is_dummy", False):
            parts.replace = {**(parts.replace or {}), "frame-ancestors": ["'self'"]}
        return parts


class PrivateNoStoreMiddleware:
    """Nothing shown to a signed-in person is kept by a browser or a proxy.

    Every response to a request whose user is signed in when the response
    leaves gets `Cache-Control: private, no-store`, so after log-out the
    back button on a shared phone fetches the page again (and is sent to
    log in) instead of showing the last trainee's answers, results, profile
    or certificates from the browser's cache. `private` and `no-store` are
    added to what a view set (Django's `never_cache` already has both), so
    the one way to opt out is to declare the response `public` (the
    credential documents, Wagtail's image renditions). Pages for anonymous
    visitors are left as they are, and the server-side content caches are
    not affected either way."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if "public" not in get_cache_control(response):
                patch_cache_control(response, private=True, no_store=True)
        return response


def get_cache_control(response) -> set[str]:
    """The directive names in `response`'s Cache-Control header, lower-cased
    (`{"private", "max-age"}` for `private, max-age=0`); empty without one."""
    header = response.get("Cache-Control", "")
    return {part.split("=", 1)[0].strip().lower() for part in header.split(",") if part}
