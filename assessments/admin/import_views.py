"""Wagtail admin views: import a question bank (small files in the
request, large ones on a Celery worker, with a result page), and export a
category as Moodle XML or GIFT. Both keep to the user's staff scope."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from lms.common.errors import refusal_response

from ..errors import Refused
from ..exporters import questions_export
from ..forms import ExportForm, ImportForm
from ..importers.jobs import import_job_create, import_job_is_inline, import_job_run
from ..models import ImportJob, Question, category_tree_ids
from ..selectors import question_categories_usable_by, questions_editable_by

REFRESH_SECONDS = 2


@require_http_methods(["GET", "POST"])
def import_questions(request):
    """The upload form. A small file is imported at once: on failure the
    form shows why (nothing imported); on success, the result page. A large
    file becomes a job for a worker and the result page follows it."""
    if not request.user.has_perm("assessments.add_question"):
        raise PermissionDenied
    usable = question_categories_usable_by(user=request.user)
    form = ImportForm(request.POST or None, request.FILES or None, categories=usable)
    job = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = import_job_create(
            user=request.user,
            filename=upload.name,
            content=upload.read(),
            file_format=form.cleaned_data["format"],
            category=form.cleaned_data["category"],
            skip_unsupported=form.cleaned_data["skip_unsupported"],
        )
        if not import_job_is_inline(job):
            return redirect("questions_import_job", job_id=job.pk)
        job = import_job_run(job_id=job.pk)
        if job.status == ImportJob.Status.DONE:
            return redirect("questions_import_job", job_id=job.pk)
    return TemplateResponse(
        request,
        "assessments/admin/import.html",
        {
            "form": form,
            "errors": job.report.get("errors", []) if job else [],
            "skipped": job.report.get("skipped", []) if job else [],
            "importable": job.report.get("importable", 0) if job else 0,
            "header_title": _("Import questions"),
            "page_title": _("Import questions"),
            "header_icon": "upload",
        },
        status=400 if job else 200,
    )


def import_job(request, job_id: int):
    """An import's progress (refreshing itself while it runs, no script
    needed) and, once finished, what was imported, skipped and why. Only
    the person who started it (or a superuser) sees it; others get 404."""
    if not request.user.has_perm("assessments.add_question"):
        raise PermissionDenied
    jobs = ImportJob.objects.defer("content")
    if not request.user.is_superuser:
        jobs = jobs.filter(requested_by=request.user)
    job = jobs.filter(pk=job_id).first()
    if job is None:
        raise Http404
    running = job.status in (ImportJob.Status.PENDING, ImportJob.Status.RUNNING)
    report = job.report or {}
    names = report.get("names", [])
    return TemplateResponse(
        request,
        "assessments/admin/import_job.html",
        {
            "job": job,
            "running": running,
            "refresh": REFRESH_SECONDS,
            "report": report,
            "names": names,
            "more": max(0, job.created - len(names)),
            "header_title": _("Import: %(file)s") % {"file": job.filename},
            "page_title": _("Import questions"),
            "header_icon": "upload",
        },
    )


def _confirmed(query) -> str:
    """`query` with confirm=1, URL-encoded."""
    query = query.copy()
    query["confirm"] = "1"
    return query.urlencode()


@require_http_methods(["GET"])
def export_questions(request):
    """Download a category and its subcategories as Moodle XML or GIFT.
    A trainer may export a category only when they may edit every question
    in it (exports carry the answer keys). When the format cannot hold
    some values (GIFT: points, combined feedback...), the page lists them
    first, with the download link (`confirm=1`) below."""
    if not request.user.has_perm("assessments.change_question"):
        raise PermissionDenied
    form = ExportForm(request.GET or None)
    if request.GET and form.is_valid():
        category = form.cleaned_data["category"]
        if not request.user.is_superuser:
            ids = category_tree_ids(root_ids=[category.pk])
            foreign = Question.objects.filter(category_id__in=ids).exclude(
                pk__in=questions_editable_by(user=request.user).values("pk")
            )
            if foreign.exists():
                refused = Refused(
                    _(
                        "This category holds questions used in quizzes you may "
                        "not edit, so you cannot export it."
                    )
                )
                return refusal_response(
                    request, refused, redirect_to=reverse("questions_export")
                )
        result = questions_export(category=category, fmt=form.cleaned_data["format"])
        if result.notes and not request.GET.get("confirm"):
            return TemplateResponse(
                request,
                "assessments/admin/export.html",
                {
                    "form": form,
                    "notes": result.notes,
                    "download": f"{request.path}?{_confirmed(request.GET)}",
                    "header_title": _("Export questions"),
                    "page_title": _("Export questions"),
                    "header_icon": "download",
                },
            )
        content_type = (
            "application/xml" if result.filename.endswith(".xml") else "text/plain"
        )
        response = HttpResponse(
            result.content, content_type=f"{content_type}; charset=utf-8"
        )
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=result.filename
        )
        return response
    return TemplateResponse(
        request,
        "assessments/admin/export.html",
        {
            "form": form,
            "header_title": _("Export questions"),
            "page_title": _("Export questions"),
            "header_icon": "download",
        },
        status=400 if request.GET else 200,
    )
