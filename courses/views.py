"""Trainee actions on courses. Each is one POST that calls one service and
redirects back, so it works without JavaScript; and "Belajarku".

Each redirect lands where the trainee acted, with the next step in reach
(docs/architecture.md, "No back-tracking"): marking a lesson done returns to the
lesson's `#selesai` block (the done note and the Next button), enrolling and leaving
to the course's `#mulai` block (the Start/Continue or Rejoin button)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from wagtail import hooks

from lms.common.http import redirect_back

from .access import access_response, page_published, step_access
from .models import CoursePage, LessonPage
from .selectors import enrollment_for, my_learning
from .services import (
    EnrollmentRefused,
    enrollment_create,
    enrollment_withdraw,
    lesson_complete,
)

# Fragments the redirects land on (ids in the templates).
DONE_ANCHOR = "#selesai"
START_ANCHOR = "#mulai"


@require_POST
@login_required
def course_enroll(request: HttpRequest, course_id: int) -> HttpResponse:
    """Enrol: only in a course the request may see now (a password-protected
    course needs its password first)."""
    course = get_object_or_404(CoursePage, pk=course_id)
    access = step_access(request=request, page=course)
    if not access.allowed:
        return access_response(request=request, access=access)
    try:
        enrollment_create(user=request.user, course=course)
    except EnrollmentRefused as refused:
        messages.error(request, refused.message)
        return HttpResponseRedirect(course.url + START_ANCHOR)
    messages.success(
        request, _("You are enrolled in “%(course)s”.") % {"course": course.title}
    )
    return redirect_back(request, course.url + START_ANCHOR)


def _withdraw_refusal(request, course: CoursePage) -> tuple[HttpResponse | None, str]:
    """Whether the request may leave `course`: (the refusal to return, or
    None; where to land after leaving). Allowed for a course the request may
    see now, or, since leaving only removes, for a published course the
    user is actively enrolled in but may no longer open (restricted since
    they joined, or its password not given in this session): they land on
    Belajarku then. An unpublished course stays a 404."""
    access = step_access(request=request, page=course)
    if access.allowed:
        return None, course.url + START_ANCHOR
    enrollment = enrollment_for(user=request.user, course=course)
    if (
        enrollment is None
        or not enrollment.is_active
        or not page_published(page=course)
    ):
        return access_response(request=request, access=access), ""
    return None, reverse("courses:my_learning")


@require_GET
@login_required
def course_withdraw_confirm(request: HttpRequest, course_id: int) -> HttpResponse:
    """The confirmation step before leaving a course (a plain form, no
    JavaScript): says what is kept and posts to `course_withdraw`. Someone
    not enrolled has nothing to leave and goes to the course page."""
    course = get_object_or_404(CoursePage, pk=course_id)
    refused, _target = _withdraw_refusal(request, course)
    if refused is not None:
        return refused
    enrollment = enrollment_for(user=request.user, course=course)
    if enrollment is None or not enrollment.is_active:
        return HttpResponseRedirect(course.url + START_ANCHOR)
    return render(
        request,
        "courses/withdraw_confirm.html",
        {"course": course, "enrollment": enrollment},
    )


@require_POST
@login_required
def course_withdraw(request: HttpRequest, course_id: int) -> HttpResponse:
    """Leave a course, after `course_withdraw_confirm` (see
    `_withdraw_refusal` for who may)."""
    course = get_object_or_404(CoursePage, pk=course_id)
    refused, target = _withdraw_refusal(request, course)
    if refused is not None:
        return refused
    if enrollment_withdraw(user=request.user, course=course) is not None:
        messages.success(
            request,
            _(
                "You stopped “%(course)s”. Your progress and certificates are "
                "kept if you come back."
            )
            % {"course": course.title},
        )
    return HttpResponseRedirect(target)


@require_POST
@login_required
def lesson_done(request: HttpRequest, lesson_id: int) -> HttpResponse:
    """Mark done: a lesson the request may see, by an active enrolee. The
    body is not read: nothing here shows it."""
    lesson = get_object_or_404(LessonPage.objects.defer("body"), id=lesson_id)
    access = step_access(request=request, page=lesson, action=True)
    if not access.allowed:
        return access_response(
            request=request,
            access=access,
            enrol_message=_("Enrol in the course to mark lessons as done."),
        )
    try:
        lesson_complete(user=request.user, lesson=lesson)
    except PermissionDenied:
        messages.error(request, _("Enrol in the course to mark lessons as done."))
        return HttpResponseRedirect(lesson.url)
    messages.success(
        request, _("“%(lesson)s” is marked as done.") % {"lesson": lesson.title}
    )
    return redirect_back(request, lesson.url + DONE_ANCHOR)


@require_GET
@login_required
def my_learning_view(request: HttpRequest) -> HttpResponse:
    context = my_learning(user=request.user, request=request)
    # Other apps (quizzes) add their own sections without this app knowing
    # them: each hook returns HTML for the signed-in trainee.
    context["panels"] = [
        panel(request) for panel in hooks.get_hooks("sinau_my_learning_panels")
    ]
    # Things waiting for an answer (cohort invitations), above the courses.
    context["notices"] = [
        notice(request) for notice in hooks.get_hooks("sinau_my_learning_notices")
    ]
    return render(request, "courses/my_learning.html", context)
