"""Quiz pages for trainees and marking pages for trainers. Every action is
a plain form POST that calls one service, so quizzes work without
JavaScript; permissions and deadlines are checked by the services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from wagtail import hooks

from courses.access import access_response, page_published, step_access
from courses.selectors import course_of, course_progress
from lms.common.http import whole_number

from .forms import MarkForm
from .models import Attempt, AttemptQuestion, QuizPage
from .offline.review import (
    attempt_offline_notes,
    attempt_review_decide,
    attempts_reviewable_by,
    attempts_waiting_review,
    offline_not_counted,
    review_rows,
)
from .practice.queue import task_queue, tasks_assessed, tasks_unreleased
from .selectors import (
    answers_markable_by,
    attempt_points,
    attempt_review,
    can_mark,
    essays_waiting,
    essays_waiting_elsewhere,
    lessons_to_reread,
    marked_answers,
    quiz_cached,
    quiz_item_stats,
)
from .services import (
    Refused,
    attempt_item_answer,
    attempt_start,
    attempt_submit,
    essay_is_blank,
    essay_mark,
    response_is_blank,
)
from .snapshots import answer_form_context


def _attempt_for(request, attempt_id: int) -> tuple[Attempt, HttpResponse | None]:
    """The signed-in trainee's own attempt (anyone else's is a 404), and the
    refusal to return instead when the access rule (courses/access.py) no
    longer lets the trainee act in its quiz: the quiz or an ancestor was
    unpublished or restricted, or the trainee withdrew. Applies to every
    attempt page, including results (which may show correct answers)."""
    attempt = get_object_or_404(Attempt, pk=attempt_id, user=request.user)
    # The quiz page from the content cache (no join, no page rebuilt).
    quiz = quiz_cached(attempt.quiz_id)
    if quiz is None:
        raise Http404
    attempt.quiz = quiz
    access = step_access(request=request, page=quiz, action=True)
    if not access.allowed:
        return attempt, access_response(
            request=request, access=access, return_url=attempt.quiz.url
        )
    return attempt, None


@require_POST
@login_required
def quiz_start(request: HttpRequest, quiz_id: int) -> HttpResponse:
    quiz = get_object_or_404(QuizPage, id=quiz_id)
    access = step_access(request=request, page=quiz, action=True)
    if not access.allowed:
        return access_response(
            request=request,
            access=access,
            enrol_message=_("Enrol in the course to take its quizzes."),
        )
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


def _package_redirect(attempt: Attempt) -> HttpResponse:
    """An attempt saved for offline is answered on its package page (all
    questions in one form, which also works online); the quiz page's
    "Continue online" (`quiz_start`) turns it into an online attempt."""
    return HttpResponseRedirect(
        reverse("assessments:offline_attempt", args=[attempt.pk])
    )


@require_http_methods(["GET", "POST"])
@login_required
def attempt_question(request: HttpRequest, attempt_id: int, order: int) -> HttpResponse:
    """One question per page: light on slow connections, and each answer is
    saved as soon as the trainee moves on."""
    attempt, refused = _attempt_for(request, attempt_id)
    if refused is not None:
        return refused
    if attempt.status == Attempt.Status.DOWNLOADED:
        return _package_redirect(attempt)
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
        target = _go_target(request.POST.get("go"), order=order, total=len(items))
        try:
            # Every button of the form saves what was picked before moving;
            # with nothing picked the trainee skips the question.
            if not response_is_blank(item.snapshot, request.POST):
                attempt_item_answer(user=request.user, item=item, data=request.POST)
        except Refused as refused:
            error = refused.message
        else:
            if target is None:
                return HttpResponseRedirect(
                    reverse("assessments:overview", args=[attempt.pk])
                )
            return HttpResponseRedirect(_question_url(attempt, target))
    context = {
        "attempt": attempt,
        "quiz": attempt.quiz,
        "items": items,
        "item": item,
        "total": len(items),
        # Which questions are information pages and which are answered: the
        # key of the cached question list.
        "answered_signature": "".join(
            "d" if not i.question_kind.asks else ("u" if i.response is None else "a")
            for i in items
        ),
        **answer_form_context(item.snapshot, item.response or {}),
        "error": error,
        "typed": request.POST.get("text", "") if error else None,
    }
    return render(
        request,
        "assessments/attempt_question.html",
        context,
        status=400 if error else 200,
    )


def _go_target(go: str | None, *, order: int, total: int) -> int | None:
    """Where a button of the question form leads: a question number, or None
    for the review page. `go` is "next" (the default, also for Enter),
    "previous", "overview" or a question number."""
    if go == "overview":
        return None
    if go == "previous":
        return max(1, order - 1)
    number = whole_number(go, limit=total)
    if number is not None and number >= 1:
        return number
    return order + 1 if order < total else None


@login_required
def attempt_overview(request: HttpRequest, attempt_id: int) -> HttpResponse:
    attempt, refused = _attempt_for(request, attempt_id)
    if refused is not None:
        return refused
    if attempt.status == Attempt.Status.DOWNLOADED:
        return _package_redirect(attempt)
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
            "unanswered": sum(
                1 for i in items if i.response is None and i.question_kind.asks
            ),
            "expired": attempt.is_expired,
        },
    )


@require_POST
@login_required
def attempt_submit_view(request: HttpRequest, attempt_id: int) -> HttpResponse:
    attempt, refused = _attempt_for(request, attempt_id)
    if refused is not None:
        return refused
    if attempt.status == Attempt.Status.IN_PROGRESS:
        # A submitted attempt never reopens: a second submit (a retried
        # request) has nothing to do and goes straight to the result.
        attempt_submit(user=request.user, attempt_id=attempt.pk)
    return HttpResponseRedirect(reverse("assessments:result", args=[attempt.pk]))


@login_required
def attempt_result(request: HttpRequest, attempt_id: int) -> HttpResponse:
    attempt, refused = _attempt_for(request, attempt_id)
    if refused is not None:
        return refused
    if attempt.is_expired:
        attempt = attempt_submit(user=request.user, attempt_id=attempt.pk)
    if attempt.status == Attempt.Status.IN_PROGRESS:
        return HttpResponseRedirect(reverse("assessments:overview", args=[attempt.pk]))
    if attempt.status == Attempt.Status.DOWNLOADED:
        return _package_redirect(attempt)
    items = list(attempt.items.order_by("order"))
    course = course_of(step=attempt.quiz)
    review = attempt_review(attempt=attempt)
    reread = (
        lessons_to_reread(attempt=attempt, items=items, request=request)
        if review.outcomes
        else {}
    )
    for item in items:
        item.reread = reread.get(item.pk)
    return render(
        request,
        "assessments/attempt_result.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "items": items,
            "review": review.answers,
            "outcomes": review.outcomes,
            "other_open": Attempt.objects.filter(
                user=request.user,
                quiz=attempt.quiz,
                status__in=Attempt.OPEN,
            ).exists(),
            # Held for review or kept without counting: no score on the
            # attempt, the items' points are the server's grading.
            "server_points": attempt_points(items=items),
            "offline_notes": attempt_offline_notes(attempt=attempt),
            "course_url": course.get_url(request),
            "next_step": course_progress(
                course=course, user=request.user, request=request
            ).next_step,
        },
    )


# -- trainers --------------------------------------------------------------


# Rows a page of each list on the marking queue: enough to work through,
# little enough for a cheap phone on metered data.
QUEUE_PER_PAGE = 50


def _page(request, rows, param: str = "page") -> Page:
    """One page of the queryset `rows` (`?<param>=`, QUEUE_PER_PAGE rows, read
    with LIMIT/OFFSET after a COUNT; a page number out of range or not a
    number shows the nearest page), with what the pager include
    (templates/includes/pager.html) needs: the parameter, the query string
    without it (tab, cohort and the other lists' pages kept) and the page
    numbers to link, the far ones elided."""
    page = Paginator(rows, QUEUE_PER_PAGE).get_page(request.GET.get(param))
    query = request.GET.copy()
    query.pop(param, None)
    page.param = param
    page.query = query.urlencode()
    page.numbers = list(
        page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)
    )
    return page


def _trainee_group(request) -> tuple[dict | None, object]:
    """The `?cohort=` filter offered by apps that group trainees (lms.cohorts,
    through the `sinau_trainee_groups` hook, so this app never imports it):
    (the group filter to show or None, the chosen trainees' ids or None).
    An id the person may not see is a 404."""
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
    """The essay and practical-task queue, with a "marked" tab
    (`?tab=marked`) whose answers can be marked again, and for tasks an
    "assessed, not released" tab (`?tab=release`, bulk release) and an
    "assessed" one (`?tab=assessed`) to open an assessment again. With no
    essay to mark, says where essays wait and who may mark them
    (docs/decisions/0016-marking-queue.md). Every list is paginated,
    QUEUE_PER_PAGE rows a page (`?page=`; on the waiting tab the offline
    reviews and the essays have their own, `?reviews=` and `?essays=`), so
    the page's weight and its number of queries do not grow with the
    number of submissions."""
    if not request.user.has_perm("wagtailadmin.access_admin"):
        raise Http404
    group, trainees = _trainee_group(request)
    tab = request.GET.get("tab")
    if tab not in ("marked", "release", "assessed", "offline"):
        tab = "waiting"
    user = request.user
    context = {"tab": tab, "group": group}
    if tab == "offline":
        context["not_counted"] = _page(
            request, offline_not_counted(user=user, trainees=trainees)
        )
    elif tab == "marked":
        marked = _page(request, marked_answers(user=user, trainees=trainees))
        marked.object_list = [(item, _marked_blank(item)) for item in marked]
        context["marked"] = marked
    elif tab == "release":
        context["tasks"] = _page(
            request, tasks_unreleased(user=user, trainees=trainees)
        )
    elif tab == "assessed":
        context["tasks"] = _page(request, tasks_assessed(user=user, trainees=trainees))
    else:
        context["tasks"] = _page(request, task_queue(user=user, trainees=trainees))
        reviews = _page(
            request, attempts_waiting_review(user=user, trainees=trainees), "reviews"
        )
        reviews.object_list = review_rows(reviews.object_list)
        context["reviews"] = reviews
        context["items"] = _page(
            request, essays_waiting(user=user, trainees=trainees), "essays"
        )
        if not context["items"].paginator.count:
            context["elsewhere"] = essays_waiting_elsewhere(user=user)
    return render(request, "assessments/marking_queue.html", context)


@require_POST
@login_required
def offline_review(request: HttpRequest, attempt_id: int) -> HttpResponse:
    """Accept (`decision=accept`) or refuse (`decision=refuse`) an offline
    attempt waiting for a review (`attempt_review_decide`), then back to
    the queue. An attempt outside the person's review scope, or under an
    unpublished page, is a 404."""
    attempt = get_object_or_404(
        attempts_reviewable_by(user=request.user).select_related("quiz"),
        pk=attempt_id,
    )
    if not page_published(page=attempt.quiz):
        raise Http404
    decision = request.POST.get("decision")
    back = HttpResponseRedirect(reverse("assessments:marking"))
    if decision not in ("accept", "refuse"):
        messages.error(request, _("Choose to accept or refuse the attempt."))
        return back
    try:
        attempt_review_decide(
            reviewer=request.user, attempt_id=attempt.pk, accept=decision == "accept"
        )
    except Refused as refused:
        messages.error(request, refused.message)
        return back
    messages.success(
        request,
        _("The attempt counts.")
        if decision == "accept"
        else _("The attempt is kept and does not count."),
    )
    return back


def _marked_blank(item: AttemptQuestion) -> bool:
    """Scored 0 automatically because the trainee wrote nothing."""
    return item.marked_by_id is None and essay_is_blank(response=item.response)


@require_http_methods(["GET", "POST"])
@login_required
def marking_form(request: HttpRequest, item_id: int) -> HttpResponse:
    # The staff scope, minus the marker's own attempts: anything else is a 404.
    item = get_object_or_404(
        answers_markable_by(user=request.user).select_related(
            "attempt__quiz", "attempt__user"
        ),
        pk=item_id,
    )
    if not page_published(page=item.attempt.quiz):
        raise Http404
    error = None
    remark = item.points is not None
    mark_form = MarkForm(
        request.POST if request.method == "POST" else None,
        initial={"points": item.points},
    )
    if request.method == "POST":
        try:
            if not mark_form.is_valid():
                raise Refused(mark_form.errors["points"][0])
            essay_mark(
                marker=request.user,
                item_id=item.pk,
                points=mark_form.cleaned_data["points"],
                feedback=request.POST.get("feedback", ""),
            )
        except Refused as refused:
            error = refused.message
        else:
            messages.success(request, _("The answer is marked."))
            back = reverse("assessments:marking")
            return HttpResponseRedirect(back + ("?tab=marked" if remark else ""))
    return render(
        request,
        "assessments/marking_form.html",
        {
            "item": item,
            "mark_form": mark_form,
            "error": error,
            "posted": request.POST if error else None,
            "blank": item.points is not None and _marked_blank(item),
        },
        status=400 if error else 200,
    )


@login_required
def quiz_stats(request: HttpRequest, quiz_id: int) -> HttpResponse:
    quiz = get_object_or_404(QuizPage, id=quiz_id)
    if not can_mark(user=request.user, quiz=quiz) or not page_published(page=quiz):
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
