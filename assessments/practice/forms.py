"""The trainee's submission form: a plain multipart form (it works without
JavaScript; static/js/task-submit.js only enhances it). It only reads the
fields; every rule (words, photo count, link, file types and sizes) is the
service's (services.submission_create, uploads.py)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import TaskPage
from .uploads import PHOTO_FORMATS, TEXT_MAX_CHARS


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input; empty ones are kept for the service to
    refuse with its own message."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("allow_empty_file", True)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class TaskSubmitForm(forms.Form):
    """The parts `task` accepts, and nothing else."""

    text = forms.CharField(
        label=_("Your answer"),
        required=False,
        strip=False,
        max_length=TEXT_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 10, "data-task-text": ""}),
    )
    photos = MultipleFileField(
        label=_("Photos"),
        required=False,
        widget=MultipleFileInput(
            attrs={
                "accept": ",".join(f"image/{f.lower()}" for f in sorted(PHOTO_FORMATS)),
                "data-task-photos": "",
            }
        ),
    )
    voice = forms.FileField(
        label=_("Voice note"),
        required=False,
        allow_empty_file=True,
        widget=forms.ClearableFileInput(attrs={"accept": "audio/*", "capture": ""}),
    )
    link = forms.CharField(
        label=_("Link"),
        required=False,
        max_length=2_000,  # the service says why beyond 500
        widget=forms.URLInput(attrs={"inputmode": "url", "placeholder": "https://"}),
    )
    pdf = forms.FileField(
        label=_("PDF file"),
        required=False,
        allow_empty_file=True,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def __init__(self, *args, task: TaskPage, **kwargs):
        super().__init__(*args, **kwargs)
        self.task = task
        # A part the task does not take has no field, but what was sent in
        # it is kept for the service to refuse with its message: dropping
        # it silently would store work without the part the trainee sent.
        self.unasked: dict = {}
        for name in ("text", "photos", "voice", "link", "pdf"):
            if name not in task.parts():
                del self.fields[name]
                self.unasked.update(self._sent(name))
        if "text" in self.fields:
            self.fields["text"].help_text = _words_help(task)
        if "photos" in self.fields:
            self.fields["photos"].help_text = _photos_help(task)

    def _sent(self, name: str) -> dict:
        """What the request holds for the part `name` (as `submission_create`
        takes it), or {} when it holds nothing there."""
        if name in ("text", "link"):
            value = self.data.get(name, "") if self.is_bound else ""
            return {name: value} if value.strip() else {}
        files = self.files.getlist(name) if self.is_bound else []
        files = [f for f in files if f]
        if not files:
            return {}
        return {name: files if name == "photos" else files[0]}

    def submission_kwargs(self) -> dict:
        """The cleaned parts as `submission_create` takes them, with what was
        sent in parts the task does not take (the service refuses those)."""
        data = self.cleaned_data
        return {
            "text": data.get("text") or "",
            "link": data.get("link") or "",
            "photos": data.get("photos") or [],
            "voice": data.get("voice") or None,
            "pdf": data.get("pdf") or None,
        } | self.unasked


def _words_help(task: TaskPage) -> str:
    low, high = task.text_min_words, task.text_max_words
    if high is not None:
        return _("From %(min)s to %(max)s words.") % {"min": low, "max": high}
    if low:
        return _("At least %(min)s words.") % {"min": low}
    return ""


def _photos_help(task: TaskPage) -> str:
    if task.photos_min == task.photos_max:
        text = _("%(count)s photos.") % {"count": task.photos_max}
    else:
        text = _("From %(min)s to %(max)s photos.") % {
            "min": task.photos_min,
            "max": task.photos_max,
        }
    return f"{text} {_('JPEG, PNG or WebP.')}"
