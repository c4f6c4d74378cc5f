"""Wagtail admin views: regrade a question, limited to the user's staff
scope (permissions.py; the rule: lms.common.staff_scope). Imports and
exports are in import_views.py."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from lms.common.errors import Refused, refusal_response

from ..models import Attempt, Question, RegradeJob
from ..services import regrade_request
from .permissions import QUESTION_POLICY


@require_http_methods(["GET", "POST"])
def regrade(request, question_id: int):
    if not request.user.has_perm("assessments.change_question"):
        raise PermissionDenied
    question = get_object_or_404(Question, pk=question_id)
    if not QUESTION_POLICY.user_has_permission_for_instance(
        request.user, "change", question
    ):
        refused = Refused(
            _(
                "You may regrade only questions that are used only in quizzes "
                "you may edit."
            )
        )
        return refusal_response(
            request,
            refused,
            redirect_to=reverse("wagtailsnippets_assessments_question:list"),
        )
    if request.method == "POST":
        regrade_request(question=question, user=request.user)
        messages.success(
            request,
            _("Regrading started. Its progress is shown in the list of regrades."),
        )
        return redirect("wagtailsnippets_assessments_regradejob:list")
    return TemplateResponse(
        request,
        "assessments/admin/regrade_confirm.html",
        {
            "question": question,
            "answered": question.attempt_items.exclude(
                attempt__status__in=Attempt.OPEN
            ).count(),
            "recent": RegradeJob.objects.filter(question=question)[:5],
            "header_title": _("Regrade"),
            "page_title": _("Regrade"),
            "header_icon": "resubmit",
        },
    )
