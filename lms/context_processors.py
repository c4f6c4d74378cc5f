import functools
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.functional import SimpleLazyObject
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from content.cache import cached, content_version
from courses.models import CourseIndexPage
from lms.accounts.selectors import offline_user_key
from lms.common.http import reaches_admin
from lms.notifications.selectors import unread_count


def _catalogue_url(request) -> str:
    def find() -> str:
        index = CourseIndexPage.objects.live().only("id", "url_path", "path").first()
        return (index.get_url(request) or "") if index else ""

    return cached("catalogue-url", find)


# The header's links besides the catalogue (a page, found by `_catalogue_url`).
NAV_ROUTES = {
    "my_learning": "courses:my_learning",
    "marking": "assessments:marking",
    "cohorts": "cohorts:list",
    "account": "account_profile",
    "messages": "notifications:inbox",
}


@functools.cache
def _nav_paths(urlconf, script_prefix: str) -> dict[str, str]:
    """Path -> name of the header's routed links, reversed once per process
    (and URL configuration and script prefix)."""
    return {reverse(route, urlconf=urlconf): name for name, route in NAV_ROUTES.items()}


def nav_current(request) -> str:
    """Which header link is the page being shown: "catalogue", one of
    NAV_ROUTES's names, or "" (the header fragment is keyed on it, not on
    the path, so every other page shares one copy)."""
    path = request.path
    if path == _catalogue_url(request):
        return "catalogue"
    return _nav_paths(get_urlconf(), get_script_prefix()).get(path, "")


def language_next(request) -> str:
    """Where the footer's language switch returns to: this page; but a page
    that answers a form (a POST: the expired-form page, a form shown again
    with errors) returns to the page the form was on (its Referer, on this
    site), else to the home page, since the address a form posts to may
    take only POST and answer the switch's redirect with a blank 405."""
    if request.method in ("GET", "HEAD"):
        return request.get_full_path()
    referer = request.headers.get("referer", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        parts = urlsplit(referer)
        return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return "/"


def site(request) -> dict:
    """What every page needs: the help link, where the catalogue lives and
    the person's unread messages for the header (each looked up only when a
    template asks: the count is one query, on pages with the header)."""
    return {
        "help_url": settings.SINAU_HELP_URL,
        "help_label": settings.SINAU_HELP_LABEL or _("Help via WhatsApp"),
        "catalogue_url": SimpleLazyObject(lambda: _catalogue_url(request)),
        "content_version": SimpleLazyObject(content_version),
        "marking_link": SimpleLazyObject(lambda: reaches_admin(request)),
        "nav_current": SimpleLazyObject(lambda: nav_current(request)),
        "language_next": SimpleLazyObject(lambda: language_next(request)),
        "unread_count": SimpleLazyObject(lambda: unread_count(user=request.user)),
        "offline_user_key": SimpleLazyObject(
            lambda: (
                offline_user_key(user=request.user)
                if request.user.is_authenticated
                else ""
            )
        ),
    }
