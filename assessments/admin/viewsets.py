"""The question bank's admin screens: scoped snippet viewsets for
questions, categories, accommodations and regrade jobs, grouped under one
menu, and the rubrics of practical tasks beside it (registered in
assessments/wagtail_hooks.py). Every screen goes through
the staff scope (lms.common.staff_scope; policies in admin/permissions.py)."""

import django_filters
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.chooser import SnippetCreateView
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from lms.common import staff_scope

from ..models import (
    Accommodation,
    Question,
    QuestionCategory,
    QuestionKind,
    RegradeJob,
    Rubric,
    questions_in_quizzes_q,
)
from . import question_views


class QuestionIndexView(staff_scope.ScopedSnippetIndexView):
    """The question listing, limited to the user's scope. It searches with
    the database (`icontains` on text and name), not the search backend:
    SQLite's full-text backend cannot search within the scope's id filter."""

    search_backend_name = None
    search_fields = ["text", "name"]


class CategoryIndexView(staff_scope.ScopedSnippetIndexView):
    """Every category is listed (names only); each row links to edit or
    delete only when the scope allows it."""

    list_scoped = False


class ChooserCreateView(SnippetCreateView):
    """The chooser's 'create' tab, absent for these snippets: a 404 rather
    than Wagtail's error when the URL is called anyway."""

    def dispatch(self, request, *args, **kwargs):
        if self.get_creation_form_class() is None:
            raise Http404
        return super().dispatch(request, *args, **kwargs)


# Choosers that search the database (`icontains` on these fields) rather
# than the search index: the importers write questions in bulk, which adds
# no index entries, and a bank is small enough for a plain search.
DATABASE_SEARCH_FIELDS = {Question: ("text", "name"), Rubric: ("title",)}


class DatabaseSearchFilterMixin:
    """A chooser filter form whose search (`q`) matches `search_fields`
    with `icontains`, then applies the form's other filters."""

    search_fields: tuple[str, ...] = ()

    def filter(self, objects):
        query = self.cleaned_data.get("q") or ""
        self.cleaned_data["q"] = ""  # the other filters, without the index
        objects = super().filter(objects)
        self.cleaned_data["q"] = query
        if query:
            match = Q()
            for field in self.search_fields:
                match |= Q(**{f"{field}__icontains": query})
            objects = objects.filter(match)
            self.is_searching = True
            self.search_query = query
        return objects


class DatabaseSearchChooserMixin:
    """Chooser views of the models in DATABASE_SEARCH_FIELDS search the
    database (the staff scope comes from `staff_scope.ScopedChooserMixin`)."""

    def get_filter_form_class(self):
        form_class = super().get_filter_form_class()
        fields = DATABASE_SEARCH_FIELDS.get(self.model_class)
        if fields is None or "q" not in form_class.base_fields:
            return form_class
        return type(
            f"Database{form_class.__name__}",
            (DatabaseSearchFilterMixin, form_class),
            {"search_fields": fields},
        )


class BankChooseView(DatabaseSearchChooserMixin, staff_scope.ScopedChooseView):
    pass


class BankChooseResultsView(
    DatabaseSearchChooserMixin, staff_scope.ScopedChooseResultsView
):
    pass


class ChooserViewSet(staff_scope.ScopedSnippetChooserViewSet):
    create_view_class = ChooserCreateView
    choose_view_class = BankChooseView
    choose_results_view_class = BankChooseResultsView


class ScopedViewSet(staff_scope.ScopedSnippetViewSet):
    """A question-bank viewset: listing, chooser and every view of one
    object (edit, delete, copy, history, usage, inspect) keep to the staff
    scope (a question's copy form carries its answer key, and the others
    describe another course's use of it). The add forms offer only
    in-scope choices."""

    chooser_viewset_class = ChooserViewSet


class QuestionFilterSet(WagtailFilterSet):
    """The bank listing's filters: a category with all its subcategories,
    the type, and whether a quiz asks the question (fixed, or by drawing
    from its category)."""

    category = django_filters.ModelChoiceFilter(
        label=_("Category (and its subcategories)"),
        queryset=QuestionCategory.objects.all(),
        method="filter_category",
    )
    kind = django_filters.ChoiceFilter(label=_("Type"), choices=QuestionKind.choices)
    in_quizzes = django_filters.ChoiceFilter(
        label=_("Used in quizzes"),
        choices=[("yes", _("Used in a quiz")), ("no", _("Not used in any quiz"))],
        method="filter_in_quizzes",
    )

    class Meta:
        model = Question
        fields = []

    def filter_category(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(category_id__in=value.descendant_ids())

    def filter_in_quizzes(self, queryset, name, value):
        used = questions_in_quizzes_q()
        if value == "yes":
            return queryset.filter(used)
        if value == "no":
            return queryset.exclude(used)
        return queryset


class QuestionViewSet(ScopedViewSet):
    model = Question
    index_view_class = QuestionIndexView
    icon = "help"
    menu_label = _("Questions")
    list_display = ["__str__", "kind", "category", "points"]
    filterset_class = QuestionFilterSet
    search_fields = ["text", "name"]
    add_view_class = question_views.QuestionCreateView
    edit_view_class = question_views.QuestionEditView
    preview_on_add_view_class = question_views.QuestionPreviewOnCreateView
    preview_on_edit_view_class = question_views.QuestionPreviewOnEditView
    # Wagtail's copy form is the all-types form without the answer rows of
    # every type: a copy could lose numbers or pairs. Add a new question.
    copy_view_enabled = False

    def get_queryset(self, request):
        # The listing shows question texts: only those in the user's scope
        # (QuestionIndexView).
        return Question.objects.select_related("category__parent__parent")


class QuestionCategoryViewSet(ScopedViewSet):
    model = QuestionCategory
    index_view_class = CategoryIndexView
    icon = "folder-open-inverse"
    menu_label = _("Categories")
    list_display = ["__str__", "description"]

    def get_queryset(self, request):
        return QuestionCategory.objects.select_related("parent__parent__parent")


class AccommodationViewSet(ScopedViewSet):
    model = Accommodation
    icon = "user"
    menu_label = _("Accommodations")
    list_display = [
        "user",
        "quiz",
        "task",
        "extra_minutes",
        "extra_attempts",
        "extra_days",
    ]


class RegradeJobViewSet(ScopedViewSet):
    model = RegradeJob
    icon = "resubmit"
    menu_label = _("Regrades")
    list_display = [
        "question",
        "status",
        "attempts_changed",
        "open_attempts_changed",
        "created_at",
        "finished_at",
    ]
    list_filter = ["status"]
    inspect_view_enabled = True


class QuestionBankGroup(SnippetViewSetGroup):
    menu_label = _("Question bank")
    menu_icon = "help"
    menu_order = 250
    items = (
        QuestionViewSet,
        QuestionCategoryViewSet,
        AccommodationViewSet,
        RegradeJobViewSet,
    )


# -- rubrics ------------------------------------------------------------------


class CreatedByMixin:
    """A new rubric (added or copied) records who made it: they may change
    and delete it whatever tasks later use it (practice/rubrics.py)."""

    def save_instance(self):
        self.form.instance.created_by = self.request.user
        return super().save_instance()


class RubricCreateView(CreatedByMixin, snippet_views.CreateView):
    pass


class RubricCopyView(CreatedByMixin, staff_scope.ScopedSnippetCopyView):
    pass


class RubricIndexView(staff_scope.ScopedSnippetIndexView):
    """Every rubric is listed (anyone may choose one for their task); a row
    links to edit or delete only when the scope allows it."""

    list_scoped = False


class RubricViewSet(ScopedViewSet):
    """Rubrics, beside the question bank. Deleting one a task uses is
    refused before it starts, saying what holds on to it (the PROTECTed
    foreign key; lms/wagtail_hooks.py, lms.common.deletion)."""

    model = Rubric
    icon = "table"
    menu_label = _("Rubrics")
    menu_name = "rubrics"
    menu_order = 251
    add_to_admin_menu = True
    index_view_class = RubricIndexView
    add_view_class = RubricCreateView
    copy_view_class = RubricCopyView
    list_display = ["title", "pass_percent", "created_by"]
    search_fields = ["title"]
    search_backend_name = None

    def get_queryset(self, request):
        return Rubric.objects.select_related("created_by")
