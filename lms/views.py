"""Project-level views: the language switch, the CSRF failure page and
health checks."""

import uuid

from celery.exceptions import TimeoutError as CeleryTimeout
from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from lms.common.http import redirect_back

from .middleware import SUPPORTED
from .tasks import ping as ping_task

WORKER_PING_TIMEOUT = 10


@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    """Switch the interface language. A plain form POST, so it works without
    JavaScript; remembered in a cookie and, when signed in, on the account."""
    response = redirect_back(request, "/")
    language = request.POST.get("language")
    if language not in SUPPORTED:
        return response
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE or 60 * 60 * 24 * 365,
        samesite="Lax",
        secure=request.is_secure(),
    )
    user = request.user
    if user.is_authenticated and user.preferred_language != language:
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])
    return response


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: a form sent without a valid token (usually one
    left open past its session, or cookies off) gets a page in the person's
    language with Sinau's header, saying nothing was saved; status 403.
    Django's own page is in English and meant for developers. A script
    asking for JSON (Accept: application/json, as the offline scripts do)
    gets JSON {"message"} instead, so it can tell the trainee."""
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse(
            {
                "message": _(
                    "This page was open too long. Reload it and try again: "
                    "nothing was saved."
                )
            },
            status=403,
        )
    return render(request, "403_csrf.html", status=403)


HEALTH_KEY = "sinau:health"


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """Liveness for load balancers and monitoring: `{"database": "ok",
    "cache": "ok" | "down"}`. 200 while the database answers, also with the
    cache down (the site then serves every page from the database, slower,
    so a load balancer must keep sending traffic); alert on `"cache":
    "down"`. A database that does not answer is a 500."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    reachable = getattr(cache, "reachable", None)
    if reachable is not None:  # Redis (lms.common.cache.TolerantRedisCache)
        ok = reachable()
    else:
        cache.set(HEALTH_KEY, "ok", 10)
        ok = cache.get(HEALTH_KEY) == "ok"
    return JsonResponse({"database": "ok", "cache": "ok" if ok else "down"})


@never_cache
@require_GET
@staff_member_required(login_url=settings.WAGTAILADMIN_LOGIN_URL)
def health_worker(request: HttpRequest) -> JsonResponse:
    """Send a task through the broker and wait for a worker to answer it.
    Staff only: it costs a round-trip through the queue."""
    token = uuid.uuid4().hex
    try:
        result = ping_task.delay(token)
    except Exception:  # the broker cannot be reached: say so, no 500
        return JsonResponse({"worker": "broker unreachable"}, status=503)
    try:
        answer = result.get(timeout=WORKER_PING_TIMEOUT)
    except CeleryTimeout:
        return JsonResponse({"worker": "timeout"}, status=503)
    finally:
        result.forget()
    status = "ok" if answer == f"pong:{token}" else "error"
    return JsonResponse({"worker": status}, status=200 if status == "ok" else 503)
