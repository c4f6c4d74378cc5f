"""Trainers' pages for practical tasks: the assess page (rubric levels,
comments with the comment bank, feedback, decision), reallocation to
another trainer, and the bulk release of assessments. Plain form POSTs,
no JavaScript needed; every write is one service in assessing.py, and
anything outside the person's scope (their own work included) is a 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from lms.common.errors import refusal_response
from lms.common.http import whole_number

from ..errors import Refused
from .assessing import (
    SubmissionNotFound,
    submission_reassign,
    task_assess,
    task_assessments_release,
)
from .queue import CriterionRow, task_assess_detail
from .selectors import submissions_assessable_by, task_assessors


def _read_form(post, criteria: list[CriterionRow]) -> dict:
    """The assess form as the service takes it: a level per criterion
    (`level_<id>`), its comment (`comment_<id>`) with the comment picked
    from its bank (`bank_<id>`, only one of the bank's own lines) added on
    a new line, the feedback and the decision ("" follows the rubric)."""
    levels, comments = {}, {}
    for row in criteria:
        pk = row.criterion.pk
        level = whole_number(post.get(f"level_{pk}"))
        if level is not None:
            levels[pk] = level
        comment = post.get(f"comment_{pk}", "").strip()
        picked = post.get(f"bank_{pk}", "")
        if picked and picked in row.bank and picked not in comment:
            comment = f"{comment}\n{picked}" if comment else picked
        comments[pk] = comment
    return {
        "levels": levels,
        "comments": comments,
        "feedback": post.get("feedback", ""),
        "decision": post.get("decision", "") or None,
    }


@require_http_methods(["GET", "POST"])
@login_required
def task_assess_view(request: HttpRequest, submission_id: int) -> HttpResponse:
    page = task_assess_detail(user=request.user, submission_id=submission_id)
    if page is None:
        raise Http404
    error, field, posted = None, None, None
    if request.method == "POST":
        posted = _read_form(request.POST, page.criteria)
        reassessed = page.assessment is not None
        try:
            assessment = task_assess(
                assessor=request.user, submission_id=submission_id, **posted
            )
        except SubmissionNotFound:
            raise Http404 from None
        except Refused as refused:
            error, field = refused.message, refused.field
        else:
            if assessment.released_at is not None:
                messages.success(
                    request, _("The assessment is saved and shown to the trainee.")
                )
            else:
                messages.success(
                    request,
                    _(
                        "The assessment is saved. The trainee sees it once it is "
                        "released."
                    ),
                )
            back = reverse("assessments:marking")
            if reassessed:
                back += "?tab=assessed" if assessment.released_at else "?tab=release"
            return HttpResponseRedirect(back)
    for row in page.criteria:
        pk = row.criterion.pk
        row.error = field in (f"level_{pk}", f"comment_{pk}")
        if posted is not None:
            row.chosen = posted["levels"].get(pk)
            row.comment = posted["comments"].get(pk, "")
    assessment = page.assessment
    if posted is not None:
        feedback, decision = posted["feedback"], posted["decision"] or ""
    elif assessment is not None:
        feedback = assessment.feedback
        follows = assessment.decision == (
            "passed" if assessment.rubric_passed else "revision"
        )
        decision = "" if follows else assessment.decision
    else:
        feedback, decision = "", ""
    return render(
        request,
        "assessments/task_assess.html",
        {
            "page": page,
            "submission": page.submission,
            "task": page.submission.task,
            "rubric": page.submission.task.rubric,
            "assessment": assessment,
            "feedback": feedback,
            "decision": decision,
            "assessors": list(
                task_assessors(
                    task=page.submission.task, trainee_id=page.submission.user_id
                )
            ),
            "error": error,
            "error_field": field,
        },
        status=400 if error else 200,
    )


@require_POST
@login_required
def task_reassign_view(request: HttpRequest, submission_id: int) -> HttpResponse:
    back = reverse("assessments:task_assess", args=[submission_id])
    if task_assess_detail(user=request.user, submission_id=submission_id) is None:
        raise Http404
    try:
        submission = submission_reassign(
            user=request.user,
            submission_id=submission_id,
            assessor_id=request.POST.get("assessor", ""),
        )
    except SubmissionNotFound:
        raise Http404 from None
    except Refused as refused:
        return refusal_response(request, refused, redirect_to=back)
    messages.success(
        request,
        _("The submission is now allocated to %(person)s.")
        % {"person": submission.assessor},
    )
    return HttpResponseRedirect(reverse("assessments:marking"))


@require_POST
@login_required
def task_release_view(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("wagtailadmin.access_admin"):
        raise Http404
    ids = request.POST.getlist("assessment")
    released = task_assessments_release(user=request.user, assessment_ids=ids)
    if released:
        messages.success(
            request,
            ngettext(
                "%(n)s assessment released to its trainee.",
                "%(n)s assessments released to their trainees.",
                released,
            )
            % {"n": released},
        )
    elif (
        submissions_assessable_by(user=request.user)
        .filter(assessment__pk__in=[n for n in map(whole_number, ids) if n is not None])
        .exists()
    ):
        messages.info(request, _("These assessments were already released."))
    else:
        # Nothing chosen, or nothing that names an assessment this person
        # may release (unknown, out of scope or unreadable ids).
        messages.error(request, _("Choose at least one assessment to release."))
    # Back to the same page of the tab, with the same cohort filter (the
    # form's action carries them): the next assessments now stand there.
    back = request.GET.copy()
    back["tab"] = "release"
    return HttpResponseRedirect(reverse("assessments:marking") + "?" + back.urlencode())
