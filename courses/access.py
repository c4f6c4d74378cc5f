"""Access: the one rule that decides whether a request may see a page of the
course tree now, and act on it.

A request may see a page when

1. the page and every ancestor below the tree root are live (an unpublished
   course or module hides everything under it: 404, for everyone);
2. every Wagtail view restriction on the page, on any ancestor, and on the
   source page of any of them that is an alias, accepts the request
   (Wagtail's own `BaseViewRestriction.accept_request`, so a password typed
   into Wagtail's password form earlier in the session counts);

and may act on it (start a quiz, answer, submit, mark a lesson done, see a
result) when, in addition,

3. the user has an active enrolment (active or completed; withdrawn is not
   enrolled) in the course the page belongs to.

`step_access` answers for one page; `visible_page_ids` and
`pages_visible_filter` answer for many pages at once with a constant number of
queries; `access_response` turns a refusal into the response every view
returns. Pages (the `before_serve_page` hook in wagtail_hooks.py), actions by
id, attempt and result pages, outlines, the catalogue and Belajarku all ask
here; none re-implements a piece of it.

The tree data the rule needs (unpublished paths, aliases, view restrictions
with their groups) is read once per content version and shared through the
cache (content/cache.py), so a check costs no query beyond, at most, one for
the user's groups per request and one for the enrolment of an action."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import F, QuerySet, prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from wagtail.models import BaseViewRestriction, Page, PageViewRestriction

from content.cache import cached

from .models import Enrollment
from .progress import progress_snapshot

STEPLEN = Page.steplen


class Outcome(StrEnum):
    """What the view does with a request."""

    ALLOW = "allow"
    NOT_FOUND = "not_found"  # 404: unpublished page or ancestor
    LOGIN = "login"  # redirect to log in, then back
    PASSWORD = "password"  # noqa: S105 - Wagtail's password form, then back
    FORBIDDEN = "forbidden"  # 403: signed in but not in the allowed groups
    ENROL = "enrol"  # back to the page with a message: enrol first


REASONS = {
    "ok": "",
    "unpublished": _("This page is not published."),
    "login": _("Log in to open this page."),
    "password": _("This page is protected by a password."),
    "groups": _("This page is not open to your account."),
    "not_enrolled": _("Enrol in the course first."),
    "withdrawn": _("You left this course. Enrol again to continue."),
}


@dataclass(frozen=True)
class Access:
    """The answer of `step_access`.

    allowed: the request may see the page (and act, when asked for an action).
    reason: a code among REASONS ("ok", "unpublished", "login", "password",
        "groups", "not_enrolled", "withdrawn").
    outcome: what the view should do (see Outcome).
    page: the page asked about.
    restriction: the view restriction that refused, if one did.
    enrollment: the user's enrolment in the page's course (only looked up for
        actions; None otherwise or when there is none)."""

    allowed: bool
    reason: str
    outcome: Outcome
    page: Page
    restriction: PageViewRestriction | None = None
    enrollment: Enrollment | None = field(default=None, compare=False)

    @property
    def message(self) -> str:
        return str(REASONS[self.reason])

    @property
    def listable(self) -> bool:
        """May a listing (catalogue, outline, Belajarku) show a link to the
        page? Yes when it may be opened now, or when only a password is
        missing (the link leads to the password form)."""
        return self.allowed or self.outcome == Outcome.PASSWORD


@dataclass(frozen=True)
class _TreeRules:
    """What the rule needs of the whole tree, cached per content version."""

    unpublished: frozenset[str]
    aliases: dict[str, str]  # alias page path -> its source page path
    restrictions: dict[str, tuple[PageViewRestriction, ...]]  # by page path


def _tree_rules() -> _TreeRules:
    def build() -> _TreeRules:
        unpublished = frozenset(
            Page.objects.filter(live=False).values_list("path", flat=True)
        )
        aliases = dict(
            Page.objects.filter(alias_of__isnull=False).values_list(
                "path", "alias_of__path"
            )
        )
        by_path: dict[str, list[PageViewRestriction]] = {}
        for restriction in (
            PageViewRestriction.objects.annotate(page_path=F("page__path"))
            .prefetch_related("groups")
            .order_by("page__path", "pk")
        ):
            by_path.setdefault(restriction.page_path, []).append(restriction)
        return _TreeRules(
            unpublished=unpublished,
            aliases=aliases,
            restrictions={p: tuple(rs) for p, rs in by_path.items()},
        )

    return cached("access-rules", build)


def _ancestor_paths(path: str) -> list[str]:
    """The paths of a page and its ancestors below the tree root, top first."""
    return [path[:end] for end in range(2 * STEPLEN, len(path) + 1, STEPLEN)]


def _user_groups_loaded(request: HttpRequest) -> None:
    """Load the user's groups once per request, so Wagtail's
    `accept_request` reads them from memory for every restriction."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.is_superuser:
        return
    if "groups" not in getattr(user, "_prefetched_objects_cache", {}):
        prefetch_related_objects([user], "groups")


def _path_access(request: HttpRequest, path: str, rules: _TreeRules):
    """(outcome, reason, restriction) for the page at `path`, ignoring
    enrolment."""
    paths = _ancestor_paths(path)
    restrictions = []
    for p in paths:  # one pass: this runs for every row of every outline
        if p in rules.unpublished:
            return Outcome.NOT_FOUND, "unpublished", None
        if p in rules.restrictions:
            restrictions += rules.restrictions[p]
    if rules.aliases:
        restrictions += [
            r
            for p in paths
            if p in rules.aliases
            for r in rules.restrictions.get(rules.aliases[p], ())
        ]
    if restrictions:
        _user_groups_loaded(request)
    for restriction in restrictions:
        if restriction.accept_request(request):
            continue
        kind = restriction.restriction_type
        if kind == BaseViewRestriction.PASSWORD:
            return Outcome.PASSWORD, "password", restriction
        if not request.user.is_authenticated:
            return Outcome.LOGIN, "login", restriction
        return Outcome.FORBIDDEN, "groups", restriction
    return Outcome.ALLOW, "ok", None


def step_access(*, request: HttpRequest, page: Page, action: bool = False) -> Access:
    """May this request see `page` now, and, with `action=True`, act on it?

    Checks that the page and every ancestor are live, that every view
    restriction on them (login, groups, password) accepts the request, and,
    for an action, that the user has an active enrolment in the page's
    course. Returns an Access; never raises. Queries: none for the tree (it
    is cached per content version), at most one for the user's groups (once
    per request) and, for an action, one for the enrolment on a POST (a GET
    reads the trainee's progress snapshot, courses/progress.py)."""
    if not page.live:
        return Access(False, "unpublished", Outcome.NOT_FOUND, page)
    outcome, reason, restriction = _path_access(request, page.path, _tree_rules())
    if outcome != Outcome.ALLOW or not action:
        return Access(outcome == Outcome.ALLOW, reason, outcome, page, restriction)
    user = request.user
    enrollment = None
    if user.is_authenticated:
        ancestors = _ancestor_paths(page.path)
        if request.method in ("GET", "HEAD"):
            # Showing a page: the trainee's progress snapshot, replaced on
            # every enrolment change (courses/progress.py). Changing
            # anything: the database.
            enrollment = next(
                (
                    e
                    for e in progress_snapshot(user, request).enrollments.values()
                    if e.course_path in ancestors
                ),
                None,
            )
        else:
            enrollment = Enrollment.objects.filter(
                user=user, course__path__in=ancestors
            ).first()
    if not user.is_authenticated:
        return Access(False, "login", Outcome.LOGIN, page)
    if enrollment is None:
        return Access(False, "not_enrolled", Outcome.ENROL, page)
    if not enrollment.is_active:
        return Access(False, "withdrawn", Outcome.ENROL, page, enrollment=enrollment)
    return Access(True, "ok", Outcome.ALLOW, page, enrollment=enrollment)


def page_published(*, page: Page) -> bool:
    """Are `page` and every ancestor live? The part of the rule that also
    binds staff views (marking, statistics), which have their own scope
    instead of view restrictions."""
    rules = _tree_rules()
    return page.live and not any(
        p in rules.unpublished for p in _ancestor_paths(page.path)
    )


def _path_of(page) -> str:
    return page["path"] if isinstance(page, dict) else page.path


def _id_of(page) -> int:
    if isinstance(page, dict):
        return page.get("id", page.get("pk"))
    return page.pk


def visible_page_ids(
    *, request: HttpRequest | None, pages: Iterable, listable: bool = True
) -> set[int]:
    """The ids of `pages` (Page objects, or dicts with "id" and "path") that
    the request may see: with `listable=True` (the default, for listings)
    also those that only need a password. Enrolment is not considered.
    With `request=None` only publication is checked. Queries: at most one
    (the user's groups), whatever the number of pages."""
    rules = _tree_rules()
    keep = {Outcome.ALLOW, Outcome.PASSWORD} if listable else {Outcome.ALLOW}
    ids = set()
    for page in pages:
        path = _path_of(page)
        if request is None:
            if not any(p in rules.unpublished for p in _ancestor_paths(path)):
                ids.add(_id_of(page))
            continue
        if _path_access(request, path, rules)[0] in keep:
            ids.add(_id_of(page))
    return ids


def pages_visible(
    *, request: HttpRequest | None, pages: Iterable, listable: bool = True
) -> list:
    """`pages` (objects or dicts) without those the request may not see,
    order kept. See `visible_page_ids`."""
    pages = list(pages)
    ids = visible_page_ids(request=request, pages=pages, listable=listable)
    return [p for p in pages if _id_of(p) in ids]


def pages_visible_filter(
    *, request: HttpRequest | None, queryset: QuerySet, listable: bool = True
) -> QuerySet:
    """`queryset` of pages narrowed to those the request may see (one query
    for the candidates' paths; the result is still a queryset)."""
    rows = queryset.values("id", "path")
    ids = visible_page_ids(request=request, pages=rows, listable=listable)
    return queryset.filter(pk__in=ids)


def _login_url() -> str:
    return getattr(settings, "WAGTAIL_FRONTEND_LOGIN_URL", None) or settings.LOGIN_URL


def access_response(
    *,
    request: HttpRequest,
    access: Access,
    return_url: str | None = None,
    enrol_message: str | None = None,
) -> HttpResponse:
    """The response for a refused Access, the same for pages and actions:

    - NOT_FOUND raises Http404; FORBIDDEN raises PermissionDenied (403);
    - LOGIN redirects to log in, then back to `return_url` (default: the
      current URL for GET, the page for other methods);
    - PASSWORD shows Wagtail's password form for the refusing restriction,
      which returns to `return_url` once the password is right;
    - ENROL adds a message (`enrol_message` when the user never enrolled,
      else the reason) and redirects to the page.
    Nothing is written."""
    if access.allowed:
        raise ValueError("access_response is for refusals")
    page = access.page
    if return_url is None:
        return_url = (
            request.get_full_path()
            if request.method in ("GET", "HEAD")
            else page.get_url(request) or "/"
        )
    if access.outcome == Outcome.NOT_FOUND:
        raise Http404(access.message)
    if access.outcome == Outcome.FORBIDDEN:
        raise PermissionDenied(access.message)
    if access.outcome == Outcome.LOGIN:
        response = redirect_to_login(return_url, _login_url())
    elif access.outcome == Outcome.PASSWORD:
        from wagtail.forms import PasswordViewRestrictionForm

        form = PasswordViewRestrictionForm(
            instance=access.restriction, initial={"return_url": return_url}
        )
        action_url = reverse(
            "wagtailcore_authenticate_with_password",
            args=[access.restriction.pk, page.pk],
        )
        response = page.specific_deferred.serve_password_required_response(
            request, form, action_url
        )
        if request.method not in ("GET", "HEAD"):
            response.status_code = 403
    else:
        message = access.message
        if enrol_message and access.reason == "not_enrolled":
            message = enrol_message
        messages.error(request, message)
        response = HttpResponseRedirect(page.get_url(request) or "/")
    add_never_cache_headers(response)
    return response
