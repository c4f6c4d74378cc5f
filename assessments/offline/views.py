"""Offline pages and endpoints (docs/decisions/0027-offline.md; the HTTP
contract is in docs/architecture.md, "Offline"):

- `package`: POST, makes the attempt a phone takes away (JSON).
- `attempt_package`: the package itself, every question of the attempt in
  one form, with no answer key; cached by the service worker and posted
  by it (or, online without JavaScript, by the browser) to `submit_all`.
- `sync`: GET a fresh CSRF token; POST the phone's queued work (JSON).
- `saved`: what the trainee has offline and what became of it.
- `module_page`, `module_manifest`: "Simpan untuk offline" for a module,
  and the list of what the phone downloads for it (saving.py).

JSON endpoints answer JSON, also when they refuse (with a translated
"message"), never an HTML page."""

from __future__ import annotations

import json
import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
)
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from courses.access import Outcome, access_response, step_access
from courses.models import ModulePage
from lms.accounts.selectors import offline_user_key
from lms.common.http import whole_number

from ..errors import Refused
from ..models import Attempt, QuizPage, SyncItem
from ..selectors import accommodation_for, quiz_cached, time_limit_for
from ..snapshots import answer_form_context
from .saving import module_save
from .selectors import offline_state
from .services import (
    SyncInvalid,
    package_make,
    package_release,
    sync_apply,
    sync_item_apply,
    sync_items_read,
)


def _refuse(message: str, *, status: int = 400) -> JsonResponse:
    return JsonResponse({"message": message}, status=status)


def _signed_out(message: str | None = None) -> JsonResponse:
    return _refuse(
        message or _("Please log in again to send your offline work."), status=401
    )


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _package_json(
    attempt: Attempt, quiz: QuizPage, *, questions: int | None = None
) -> dict:
    minutes = time_limit_for(
        quiz=quiz,
        accommodation=accommodation_for(user=attempt.user, quiz=quiz),
    )
    return {
        "attempt": attempt.pk,
        "quiz": quiz.pk,
        "title": quiz.title,
        "url": reverse("assessments:offline_attempt", args=[attempt.pk]),
        "page": quiz.url,
        "downloaded_at": _iso(attempt.downloaded_at or attempt.started_at),
        "time_limit_seconds": minutes * 60 if minutes else None,
        "closes_at": _iso(quiz.closes_at),
        "questions": attempt.items.count() if questions is None else questions,
    }


@never_cache
@require_POST
def package(request: HttpRequest, quiz_id: int) -> JsonResponse:
    """Make (or return the open) attempt a phone takes away for the quiz:
    JSON {attempt, quiz, title, url (the package page), page (the quiz's
    own page: offline, the phone shows the package there), downloaded_at,
    time_limit_seconds, closes_at, questions}. 401 signed out; 403/404 when
    the access rule refuses; 400 with a message when the quiz refuses (closed,
    attempts used, not enrolled)."""
    if not request.user.is_authenticated:
        return _signed_out(_("Please log in again to save quizzes for offline."))
    quiz = QuizPage.objects.filter(pk=quiz_id).first()
    if quiz is None:
        return _refuse(_("This quiz does not exist."), status=404)
    access = step_access(request=request, page=quiz, action=True)
    if not access.allowed:
        return _refuse(access.message, status=403)
    try:
        attempt = package_make(user=request.user, quiz=quiz)
    except Refused as refused:
        return _refuse(refused.message)
    attempt.user = request.user
    return JsonResponse(_package_json(attempt, quiz))


def _own_attempt(request: HttpRequest, attempt_id: int):
    """The trainee's own attempt with its quiz from the content cache, and
    the refusal to return when the access rule no longer lets them act."""
    attempt = get_object_or_404(Attempt, pk=attempt_id, user=request.user)
    quiz = quiz_cached(attempt.quiz_id)
    if quiz is None:
        return attempt, HttpResponse(status=404)
    attempt.quiz = quiz
    access = step_access(request=request, page=quiz, action=True)
    if not access.allowed:
        return attempt, access_response(
            request=request, access=access, return_url=quiz.url
        )
    return attempt, None


@never_cache
@require_GET
@login_required
def attempt_package(request: HttpRequest, attempt_id: int) -> HttpResponse:
    """The package: every question of the trainee's open attempt on one
    page, in one form whose fields are named `q<order>-<name>`, built from
    the frozen snapshot (texts and opaque choice keys only: no answer key,
    no correct flags, no feedback). A submitted attempt goes to its
    result."""
    attempt, refused = _own_attempt(request, attempt_id)
    if refused is not None:
        return refused
    if attempt.status not in Attempt.OPEN:
        return HttpResponseRedirect(reverse("assessments:result", args=[attempt.pk]))
    items = list(attempt.items.order_by("order"))
    for item in items:
        item.form = {
            **answer_form_context(item.snapshot, item.response or {}),
            "prefix": f"q{item.order}-",
        }
    attempt.user = request.user
    return render(
        request,
        "assessments/offline_attempt.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "items": items,
            "package": _package_json(attempt, attempt.quiz, questions=len(items)),
            "client_id": uuid.uuid4(),
        },
    )


@require_POST
@login_required
def submit_all(request: HttpRequest, attempt_id: int) -> HttpResponse:
    """The package's form posted by the browser (online, or queued by the
    service worker and replayed): applied exactly like a synced item, under
    the form's `client_id`, then the result page with what happened."""
    attempt, refused = _own_attempt(request, attempt_id)
    if refused is not None:
        return refused
    raw = {
        "id": request.POST.get("client_id", ""),
        "type": SyncItem.Kind.ATTEMPT_SUBMIT,
        "attempt": attempt.pk,
        "fields": [
            [name, value]
            for name, values in request.POST.lists()
            if name.startswith("q")
            for value in values
        ],
        "submitted_at": timezone.now().isoformat(),
    }
    # ASCII digits only: "²".isdigit() is true and int("²") raises.
    elapsed = whole_number(request.POST.get("elapsed_seconds"), limit=99_999_999)
    if elapsed is not None:
        raw["elapsed_seconds"] = elapsed
    result = sync_item_apply(request=request, raw=raw)
    level = messages.SUCCESS if result.outcome == "counted" else messages.WARNING
    messages.add_message(request, level, result.message)
    return HttpResponseRedirect(reverse("assessments:result", args=[attempt.pk]))


def _sync_body(request: HttpRequest):
    limit = settings.SINAU_OFFLINE_SYNC_MAX_BYTES
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = limit + 1
    if length > limit:
        raise SyncInvalid(_("This sync is too large. Send fewer items at a time."))
    try:
        body = request.body
    except RequestDataTooBig as exc:
        raise SyncInvalid(
            _("This sync is too large. Send fewer items at a time.")
        ) from exc
    if len(body) > limit:
        raise SyncInvalid(_("This sync is too large. Send fewer items at a time."))
    try:
        return json.loads(body)
    except (ValueError, RecursionError) as exc:
        raise SyncInvalid(_("This is not a sync from Sinau.")) from exc


@require_POST
def release(request: HttpRequest, attempt_id: int) -> HttpResponse:
    """Give back a package (`package_release`): the phone removed it, or
    the trainee cancels it on "Tersimpan offline". JSON {"released": bool}
    for a script (Accept: application/json); otherwise back to the saved
    page with a message. 401 JSON / the login page when signed out."""
    wants_json = "application/json" in request.headers.get("Accept", "")
    if not request.user.is_authenticated:
        if wants_json:
            return _refuse(_("Please log in first."), status=401)
        return HttpResponseRedirect(
            f"{reverse('account_login')}?next={reverse('assessments:offline_saved')}"
        )
    released = package_release(user=request.user, attempt_id=attempt_id)
    if wants_json:
        return JsonResponse({"released": released})
    if released:
        messages.success(request, _("The quiz saved for offline was cancelled."))
    else:
        messages.error(
            request,
            _(
                "This quiz cannot be cancelled: it has answers, it was sent, "
                "or it has a time limit."
            ),
        )
    return HttpResponseRedirect(reverse("assessments:offline_saved"))


@never_cache
@require_http_methods(["GET", "POST"])
def sync(request: HttpRequest) -> JsonResponse:
    """GET: {"csrf": a fresh CSRF token, "user": the per-user key} for the
    service worker. POST (JSON {"items": [...]}, CSRF in X-CSRFToken, at
    most SINAU_OFFLINE_SYNC_MAX_BYTES): apply each item once; answers
    {"items": [{id, outcome, message, url}], "synced_at"}. 401 signed out
    (the phone keeps its queue), 400 for a body that is not a sync."""
    if not request.user.is_authenticated:
        return _signed_out()
    if request.method == "GET":
        return JsonResponse(
            {"csrf": get_token(request), "user": offline_user_key(user=request.user)}
        )
    try:
        items = sync_items_read(_sync_body(request))
    except SyncInvalid as refused:
        return _refuse(refused.message)
    results = sync_apply(request=request, items=items)
    return JsonResponse(
        {
            "items": [result.as_json() for result in results],
            "synced_at": timezone.now().isoformat(),
        }
    )


@require_GET
@login_required
def saved(request: HttpRequest) -> HttpResponse:
    """ "Tersimpan offline": the trainee's packages not yet sent back and what
    became of the work the phone sent (newest first); the page script adds
    what is saved on this phone."""
    return render(
        request,
        "assessments/offline_saved.html",
        offline_state(user=request.user),
    )


def _module_of(module_id: int) -> ModulePage | None:
    return ModulePage.objects.filter(pk=module_id).first()


@never_cache
@require_GET
def module_page(request: HttpRequest, module_id: int) -> HttpResponse:
    """ "Simpan untuk offline": the module's lessons and quizzes the trainee
    may open, the estimated download, and the button static/js/offline.js
    enhances (hidden until it does). Only for active enrolees; others get
    the access rule's answer (log in, enrol first, 403, 404)."""
    module = _module_of(module_id)
    if module is None:
        raise Http404
    access = step_access(request=request, page=module, action=True)
    if not access.allowed:
        return access_response(request=request, access=access)
    save = module_save(request=request, module=module)
    return render(
        request,
        "assessments/offline_module.html",
        {
            "save": save,
            "module": module,
            "course": save.course,
            "manifest_url": reverse("assessments:offline_manifest", args=[module.pk]),
        },
    )


@never_cache
@require_GET
def module_manifest(request: HttpRequest, module_id: int) -> JsonResponse:
    """The save manifest (the offline contract, §1): JSON {module, title,
    url, user, bytes, urls, shell, quizzes} (assessments/offline/saving.py).
    401 signed out; 404 no such module or unpublished; 403 when the access
    rule refuses (not enrolled, withdrawn, restricted), with a message."""
    if not request.user.is_authenticated:
        return _signed_out_save()
    module = _module_of(module_id)
    if module is None:
        return _refuse(_("This module does not exist."), status=404)
    access = step_access(request=request, page=module, action=True)
    if not access.allowed:
        status = 404 if access.outcome == Outcome.NOT_FOUND else 403
        return _refuse(access.message, status=status)
    return JsonResponse(module_save(request=request, module=module).as_json())


def _signed_out_save() -> JsonResponse:
    return _refuse(_("Please log in again to save this module."), status=401)
