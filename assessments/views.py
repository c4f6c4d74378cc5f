"""Quiz pages for trainees and marking pages for trainers. Every action is
a plain form POST that calls one service, so quizzes work without
JavaScript; permissions and deadlines are checked by the services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from .models import Attempt, AttemptQuestion, QuizPage
from .selectors import (
    can_mark,
    marking_queue,
    quiz_item_stats,
    review_allowed,
)
from .services import (
    Refused,
    attempt_answer,
    attempt_start,
    attempt_submit,
    essay_mark,
)


def _attempt_for(request, attempt_id: int) -> Attempt:
    """The signed-in trainee's own attempt; anyone else's is a 404."""
    return get_object_or_404(
        Attempt.objects.select_related("quiz"), pk=attempt_id, user=request.user
    )


@require_POST
@login_required
def quiz_start(request: HttpRequest, quiz_id: int) -> HttpResponse:
    quiz = get_object_or_404(QuizPage.objects.live(), pk=quiz_id)
    try:
        attempt = attempt_start(user=request.user, quiz=quiz)
    except Refused as refused:
        messages.error(request, refused.message)
        return HttpResponseRedirect(quiz.url)
    return HttpResponseRedirect(_question_url(attempt, _first_unanswered(attempt)))


def _first_unanswered(attempt: Attempt) -> int:
    order = (
        attempt.items.filter(response__isnull=True)
        .order_by("order")
        .values_list("order", flat=True)
    ).first()
    return order or 1


def _question_url(attempt: Attempt, order: int) -> str:
    return reverse("assessments:question", args=[attempt.pk, order])


@require_http_methods(["GET", "POST"])
@login_required
def attempt_question(request: HttpRequest, attempt_id: int, order: int) -> HttpResponse:
    """One question per page: light on slow connections, and each answer is
    saved as soon as the trainee moves on."""
    attempt = _attempt_for(request, attempt_id)
    if attempt.status != Attempt.Status.IN_PROGRESS or attempt.is_expired:
        if request.method == "POST":
            messages.error(
                request,
                _("Time is up: answers can no longer change.")
                if attempt.is_expired
                else _(
                    "This attempt has been submitted; answers can no longer change."
                ),
            )
        return HttpResponseRedirect(reverse("assessments:overview", args=[attempt.pk]))
    items = list(attempt.items.order_by("order"))
    item = next((i for i in items if i.order == order), None)
    if item is None:
        raise Http404
    error = None
    if request.method == "POST":
        try:
            attempt_answer(
                user=request.user, attempt_id=attempt.pk, order=order, data=request.POST
            )
        except Refused as refused:
            error = refused.message
        else:
            go = request.POST.get("go", "next")
            if go == "overview" or order == len(items):
                return HttpResponseRedirect(
                    reverse("assessments:overview", args=[attempt.pk])
                )
            target = order - 1 if go == "previous" and order > 1 else order + 1
            return HttpResponseRedirect(_question_url(attempt, target))
    context = {
        "attempt": attempt,
        "quiz": attempt.quiz,
        "items": items,
        "item": item,
        "total": len(items),
        "snapshot": item.snapshot,
        "options": _options(item.snapshot, item.response or {}),
        "response": item.response or {},
        "error": error,
        "typed": request.POST.get("text", "") if error else None,
        "positions": range(1, len(item.snapshot["choices"]) + 1),
    }
    return render(
        request,
        "assessments/attempt_question.html",
        context,
        status=400 if error else 200,
    )


def _options(snapshot: dict, response: dict) -> list[dict]:
    """The choices as shown, each with what the trainee saved for it."""
    chosen = set(response.get("choices") or []) | {response.get("choice")}
    order = response.get("order") or []
    return [
        {
            "id": c["id"],
            "text": c["text"],
            "checked": c["id"] in chosen,
            "position": order.index(c["id"]) + 1 if c["id"] in order else None,
        }
        for c in snapshot["choices"]
    ]


@login_required
def attempt_overview(request: HttpRequest, attempt_id: int) -> HttpResponse:
    attempt = _attempt_for(request, attempt_id)
    if attempt.status != Attempt.Status.IN_PROGRESS:
        return HttpResponseRedirect(reverse("assessments:result", args=[attempt.pk]))
    items = list(attempt.items.order_by("order"))
    return render(
        request,
        "assessments/attempt_overview.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "items": items,
            "unanswered": sum(1 for i in items if i.response is None),
            "expired": attempt.is_expired,
        },
    )


@require_POST
@login_required
def attempt_submit_view(request: HttpRequest, attempt_id: int) -> HttpResponse:
    attempt = _attempt_for(request, attempt_id)
    attempt_submit(user=request.user, attempt_id=attempt.pk)
    return HttpResponseRedirect(reverse("assessments:result", args=[attempt.pk]))


@login_required
def attempt_result(request: HttpRequest, attempt_id: int) -> HttpResponse:
    attempt = _attempt_for(request, attempt_id)
    if attempt.is_expired:
        attempt = attempt_submit(user=request.user, attempt_id=attempt.pk)
    if attempt.status == Attempt.Status.IN_PROGRESS:
        return HttpResponseRedirect(reverse("assessments:overview", args=[attempt.pk]))
    passed_any = Attempt.objects.filter(
        user=request.user, quiz=attempt.quiz, passed=True
    ).exists()
    return render(
        request,
        "assessments/attempt_result.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "items": list(attempt.items.order_by("order")),
            "review": review_allowed(attempt=attempt, passed_any=passed_any),
            "course_url": attempt.quiz.get_parent().get_parent().url,
        },
    )


# -- trainers --------------------------------------------------------------


def _trainee_group(request) -> tuple[dict | None, object]:
    """The `?cohort=` filter offered by apps that group trainees (lms.cohorts,
    through the `sinau_trainee_groups` hook, so this app never imports it):
    (the group filter to show or None, the chosen trainees' ids or None).
    An id the person may not see is a 404."""
    from wagtail import hooks

    for fn in hooks.get_hooks("sinau_trainee_groups"):
        group = fn(request)
        key = request.GET.get(group["param"], "")
        trainees = group["members"](key) if key else None
        if key and trainees is None:
            raise Http404
        return {**group, "selected": key}, trainees
    return None, None


@login_required
def marking_list(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("wagtailadmin.access_admin"):
        raise Http404
    group, trainees = _trainee_group(request)
    return render(
        request,
        "assessments/marking_queue.html",
        {
            "items": marking_queue(user=request.user, trainees=trainees),
            "group": group,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def marking_form(request: HttpRequest, item_id: int) -> HttpResponse:
    item = get_object_or_404(
        AttemptQuestion.objects.select_related("attempt__quiz", "attempt__user"),
        pk=item_id,
        snapshot__kind="essay",
    )
    if not can_mark(user=request.user, quiz=item.attempt.quiz):
        raise Http404
    error = None
    if request.method == "POST":
        try:
            essay_mark(
                marker=request.user,
                item_id=item.pk,
                points=request.POST.get("points", ""),
                feedback=request.POST.get("feedback", ""),
            )
        except Refused as refused:
            error = refused.message
        else:
            messages.success(request, _("The answer is marked."))
            return HttpResponseRedirect(reverse("assessments:marking"))
    return render(
        request,
        "assessments/marking_form.html",
        {"item": item, "error": error, "posted": request.POST if error else None},
        status=400 if error else 200,
    )


@login_required
def quiz_stats(request: HttpRequest, quiz_id: int) -> HttpResponse:
    quiz = get_object_or_404(QuizPage, pk=quiz_id)
    if not can_mark(user=request.user, quiz=quiz):
        raise Http404
    group, trainees = _trainee_group(request)
    return render(
        request,
        "assessments/quiz_stats.html",
        {
            "quiz": quiz,
            "stats": quiz_item_stats(quiz=quiz, trainees=trainees),
            "group": group,
        },
    )
