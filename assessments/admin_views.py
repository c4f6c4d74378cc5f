"""Wagtail admin views: import a question bank, regrade a question. Both
are limited to the user's staff scope (selectors.py)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .forms import ImportForm
from .importers import ImportFailed, parse
from .models import Question, RegradeJob
from .selectors import question_categories_usable_by, questions_editable_by
from .services import questions_import, regrade_request


@require_http_methods(["GET", "POST"])
def import_questions(request):
    if not request.user.has_perm("assessments.add_question"):
        raise PermissionDenied
    usable = question_categories_usable_by(user=request.user)
    form = ImportForm(request.POST or None, request.FILES or None, categories=usable)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = parse(upload.read(), form.cleaned_data["format"])
            report = questions_import(
                result=result,
                category=form.cleaned_data["category"],
                source=upload.name,
                usable_categories=usable,
            )
        except ImportFailed as failed:
            errors = failed.errors
        else:
            messages.success(
                request,
                _("%(n)s questions imported into %(categories)s.")
                % {"n": report.created, "categories": ", ".join(report.categories)},
            )
            for skipped in report.skipped:
                messages.warning(request, skipped)
            return redirect("wagtailsnippets_assessments_question:list")
    return TemplateResponse(
        request,
        "assessments/admin/import.html",
        {
            "form": form,
            "errors": errors,
            "header_title": _("Import questions"),
            "page_title": _("Import questions"),
            "header_icon": "upload",
        },
        status=400 if errors else 200,
    )


@require_http_methods(["GET", "POST"])
def regrade(request, question_id: int):
    if not request.user.has_perm("assessments.change_question"):
        raise PermissionDenied
    question = get_object_or_404(Question, pk=question_id)
    if not questions_editable_by(user=request.user).filter(pk=question.pk).exists():
        messages.error(
            request,
            _(
                "You may regrade only questions that are used only in quizzes "
                "you may edit."
            ),
        )
        return redirect("wagtailsnippets_assessments_question:list")
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
                attempt__status="in_progress"
            ).count(),
            "recent": RegradeJob.objects.filter(question=question)[:5],
            "header_title": _("Regrade"),
            "page_title": _("Regrade"),
            "header_icon": "resubmit",
        },
    )
