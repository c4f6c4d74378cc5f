"""The question form, one type at a time: adding a question starts with a
page that lists the types (plain links, no JavaScript needed), then shows
the form with only that type's fields (`models.question_panels`). Editing
shows the form of the question's type; a question keeps its type. The live
preview (Wagtail's preview panel) and a saved-question preview page show
the question as a trainee sees it in an attempt."""

import random

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail.admin.panels import ObjectList
from wagtail.admin.utils import set_query_params
from wagtail.snippets.views import snippets as snippet_views

from lms.common import staff_scope

from ..kinds import KIND_HELP
from ..models import Question, QuestionKind, question_panels
from ..snapshots import answer_form_context, snapshot_for
from . import permissions

_PANELS: dict[str, ObjectList] = {}


def kind_panel(kind: str) -> ObjectList:
    """The bound edit handler showing only the fields of `kind`."""
    if kind not in _PANELS:
        _PANELS[kind] = ObjectList(question_panels(kind)).bind_to_model(Question)
    return _PANELS[kind]


def kind_from(request) -> str | None:
    kind = request.GET.get("kind") or ""
    return kind if kind in QuestionKind.values else None


class KindPanelMixin:
    kind: str | None = None

    def get_panel(self):
        if self.kind:
            return kind_panel(self.kind)
        return super().get_panel()

    def get_form_class(self):
        if self.kind:
            return kind_panel(self.kind).get_form_class()
        return super().get_form_class()


class QuestionCreateView(KindPanelMixin, snippet_views.CreateView):
    def setup(self, request, *args, **kwargs):
        self.kind = kind_from(request)
        super().setup(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        if self.kind is None:
            return self.kind_choice_response()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if self.kind is None:
            return self.kind_choice_response()
        return super().post(request, *args, **kwargs)

    def kind_choice_response(self):
        base = super().get_add_url()
        kinds = [
            {
                "label": label,
                "help": KIND_HELP.get(value, ""),
                "url": set_query_params(base, {"kind": value}),
            }
            for value, label in QuestionKind.choices
        ]
        return TemplateResponse(
            self.request,
            "assessments/admin/question_kind_choose.html",
            {
                "kinds": kinds,
                "page_title": _("New question: choose its type"),
                "header_title": _("New question: choose its type"),
                "breadcrumbs_items": self.get_breadcrumbs_items(),
            },
        )

    def get_initial_form_instance(self):
        instance = super().get_initial_form_instance() or self.model()
        instance.kind = self.kind
        return instance

    def get_page_subtitle(self):
        return (
            QuestionKind(self.kind).label if self.kind else super().get_page_subtitle()
        )

    def get_add_url(self):
        return set_query_params(super().get_add_url(), {"kind": self.kind})

    def get_preview_url(self):
        url = super().get_preview_url()
        return set_query_params(url, {"kind": self.kind}) if url else url


class QuestionEditView(KindPanelMixin, staff_scope.ScopedSnippetEditView):
    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.kind = (
            self.object.kind if self.object.kind in QuestionKind.values else None
        )
        self.panel = self.get_panel()


class QuestionPreviewOnCreateView(snippet_views.PreviewOnCreateView):
    def get_object(self):
        instance = super().get_object()
        instance.kind = kind_from(self.request) or QuestionKind.SINGLE
        return instance

    def get_form_class(self):
        return kind_panel(self.object.kind).get_form_class()


class QuestionPreviewOnEditView(staff_scope.ScopedPreviewOnEditView):
    """The live preview of an existing question, in the staff scope like
    every other view of one question."""

    def get_form_class(self):
        return kind_panel(self.object.kind).get_form_class()


def question_preview(request, question_id: int):
    """A saved question as a trainee sees it in an attempt: works without
    JavaScript, for anyone who may edit the question (staff scope)."""
    question = get_object_or_404(
        Question.objects.select_related("product").prefetch_related("choices"),
        pk=question_id,
    )
    if not permissions.QUESTION_POLICY.user_has_permission_for_instance(
        request.user, "change", question
    ):
        raise PermissionDenied
    snapshot = snapshot_for(question, shuffle_choices=False, rng=random.Random(0))  # noqa: S311
    return TemplateResponse(
        request,
        "assessments/question_preview.html",
        {
            **answer_form_context(snapshot, {}),
            "question": question,
            "back_url": reverse(
                "wagtailsnippets_assessments_question:edit", args=[question.pk]
            ),
        },
    )
