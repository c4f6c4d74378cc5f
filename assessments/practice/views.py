"""The trainee's side of practical tasks: sending work (a plain multipart
form, POST then redirect; static/js/task-submit.js only enhances it), the
private files of a submission, and the portfolio switch. Every rule is a
service's or a selector's; a refusal re-renders the task page with its
message and what the trainee typed (400), never a 500."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import (
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from courses.access import access_response, step_access
from lms.common.errors import Refused, refusal_response

from ..models import SubmissionFile, TaskPage
from . import uploads
from .forms import TaskSubmitForm
from .selectors import submission_visible_to
from .services import submission_create, submission_publish

# Sent by static/js/task-submit.js: it wants the history's address, not a
# redirect (see `_task_submit`).
FETCH_HEADER = "Sinau-Fetch"

FILE_LIMITS = {
    "photos": "PHOTO_MAX_BYTES",
    "voice": "VOICE_MAX_BYTES",
    "pdf": "PDF_MAX_BYTES",
}


class BoundedUploadHandler(FileUploadHandler):
    """First in the chain: a file larger than its part's limit (uploads.py)
    is skipped as it arrives, never written whole to memory or disk, and
    noted on the request (`task_skipped`: field names) for the view to
    refuse with a message. So is every file of a request larger than
    `REQUEST_MAX_BYTES`, and any file in a field the form does not have."""

    def __init__(self, request=None):
        super().__init__(request)
        request.task_skipped = []
        self.too_big = False

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding):
        self.too_big = content_length > uploads.limit("REQUEST_MAX_BYTES")

    def new_file(self, field_name, *args, **kwargs):
        super().new_file(field_name, *args, **kwargs)
        if field_name not in FILE_LIMITS or self.too_big:
            self._skip()

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > uploads.limit(FILE_LIMITS[self.field_name]):
            self._skip()
        return raw_data

    def file_complete(self, file_size):
        return None

    def _skip(self):
        self.request.task_skipped.append(self.field_name)
        raise SkipFile


def _skipped_refusal(request: HttpRequest) -> Refused | None:
    skipped = getattr(request, "task_skipped", [])
    if not skipped:
        return None
    field = skipped[0]
    if field not in FILE_LIMITS:
        return Refused(_("The form sent a file it does not take."))
    names = {
        "photos": _("A photo"),
        "voice": _("The voice note"),
        "pdf": _("The PDF file"),
    }
    return Refused(
        _("%(what)s is too large: at most %(limit)s.")
        % {
            "what": names[field],
            "limit": uploads.megabytes(uploads.limit(FILE_LIMITS[field])),
        },
        field=field,
    )


def _task_page(
    request: HttpRequest,
    task: TaskPage,
    *,
    form: TaskSubmitForm | None = None,
    refused: Refused | None = None,
) -> TemplateResponse:
    """The task page again, with the trainee's form (what they typed kept)
    and the refusal's message at the top, linked to its field (400)."""
    context = task.get_context(request)
    if form is not None:
        context["form"] = form
    if refused is not None:
        context["error"] = refused.message
        if (
            refused.field
            and context.get("form")
            and refused.field in context["form"].fields
        ):
            context["error_field"] = f"id_{refused.field}"
            # The message also beside its field, which Django then marks
            # aria-invalid and describes by it (the form may be unbound:
            # what the trainee typed, shown again).
            shown = context["form"]
            if not hasattr(shown, "cleaned_data"):
                shown.cleaned_data = {}
            if refused.field not in shown.errors:
                shown.add_error(refused.field, refused.message)
    return TemplateResponse(request, task.get_template(request), context, status=400)


def _task_for(
    request: HttpRequest, task_id: int
) -> tuple[TaskPage, HttpResponse | None]:
    task = get_object_or_404(TaskPage, id=task_id)
    access = step_access(request=request, page=task, action=True)
    if not access.allowed:
        return task, access_response(
            request=request,
            access=access,
            enrol_message=_("Enrol in the course to send your work."),
        )
    return task, None


@csrf_exempt  # checked by csrf_protect below, once the upload handler is set
@require_POST
@login_required
def task_submit(request: HttpRequest, task_id: int) -> HttpResponse:
    """Send a version of the work on task `task_id` (multipart POST): the
    access rule, then `submission_create`; a redirect to the task's history
    on success (for task-submit.js, JSON `{"location": <the history>}`).
    Files beyond their limit are never stored whole
    (`BoundedUploadHandler`); a request beyond Django's own bounds on its
    fields is answered with a message too."""
    request.upload_handlers.insert(0, BoundedUploadHandler(request))
    try:
        return _task_submit(request, task_id)
    except (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent):
        task, refusal = _task_for(request, task_id)
        if refusal is not None:
            return refusal
        return _task_page(
            request,
            task,
            form=TaskSubmitForm(task=task),
            refused=Refused(_("What you sent is too large. Send less at once.")),
        )


@csrf_protect
def _task_submit(request: HttpRequest, task_id: int) -> HttpResponse:
    task, refusal = _task_for(request, task_id)
    if refusal is not None:
        return refusal
    form = TaskSubmitForm(request.POST, request.FILES, task=task)
    refused = _skipped_refusal(request)
    if refused is not None:
        return _task_page(
            request, task, form=_unbound_with_text(form, task), refused=refused
        )
    if not form.is_valid():
        return _task_page(request, task, form=form)
    try:
        submission_create(user=request.user, task=task, **form.submission_kwargs())
    except Refused as refused:
        return _task_page(
            request, task, form=_unbound_with_text(form, task), refused=refused
        )
    messages.success(
        request, _("Your work was sent. A trainer will assess it and you will be told.")
    )
    history = f"{task.get_url(request)}#riwayat"
    if request.headers.get(FETCH_HEADER) == "1":
        # static/js/task-submit.js opens `location` itself: a redirect would
        # be followed inside fetch, downloading the page twice over slow data
        # and showing the success message to nobody.
        return JsonResponse({"location": history})
    return HttpResponseRedirect(history)


def _unbound_with_text(form: TaskSubmitForm, task: TaskPage) -> TaskSubmitForm:
    """A fresh form holding what the trainee typed (files cannot be sent
    back: the browser asks for them again)."""
    return TaskSubmitForm(
        task=task,
        initial={
            "text": form.data.get("text", ""),
            "link": form.data.get("link", ""),
        },
    )


@require_GET
def task_file(request: HttpRequest, file_id: int) -> HttpResponse:
    """A photo, voice note or PDF of a submission, from private storage, to
    whoever may see the submission (`submission_visible_to`); anyone else,
    and a voice note not transcoded yet, gets a 404."""
    row = get_object_or_404(
        SubmissionFile.objects.select_related("submission"), pk=file_id
    )
    if not row.ready or not submission_visible_to(
        user=request.user, submission=row.submission
    ):
        raise Http404
    try:
        handle = row.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    extension = row.file.name.rsplit(".", 1)[-1]
    response = FileResponse(
        handle,
        content_type=row.content_type,
        as_attachment=False,
        filename=f"{row.kind}-{row.submission_id}-{row.position + 1}.{extension}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, private=True, max_age=3600)
    patch_vary_headers(response, ["Cookie"])
    return response


@require_POST
@login_required
def task_publish(request: HttpRequest, submission_id: int) -> HttpResponse:
    """Show a passed submission on the trainee's portfolio (`public=1`) or
    hide it again (`public=0`)."""
    public = request.POST.get("public") == "1"
    try:
        submission = submission_publish(
            user=request.user, submission_id=submission_id, public=public
        )
    except Refused as refused:
        if refused.status == 404:
            raise Http404 from None
        task = get_object_or_404(TaskPage, submissions__pk=submission_id)
        return refusal_response(request, refused, redirect_to=f"{task.url}#riwayat")
    if public:
        messages.success(request, _("This work is now on your portfolio."))
    else:
        messages.success(request, _("This work is no longer on your portfolio."))
    return HttpResponseRedirect(f"{submission.task.url}#riwayat")
