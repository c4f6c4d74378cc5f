"""The staff scope of admin screens: one rule, one permission policy and one
set of views, for every app.

Staff act only where they work: a trainer on the questions and
accommodations of the quizzes they may edit, a programme manager on the
cohorts they manage and the certificates earned in them. Each app says which
objects those are with one queryset function of its selectors,
`scope(user=user)` (`questions_editable_by`, `cohorts_managed_by`,
`certificates_in_staff_scope`...), and registers a `StaffScopePolicy` for
the model with `register()`. Wagtail asks a model's policy for every listing
button and bulk action; the views below ask it for every object they open.

The rule:

1. Model permissions first (the roles' groups): an action the person has no
   permission for is not offered, and its views refuse it as Wagtail does.
2. Listings and choosers show only the objects in the policy's `visible`
   scope (by default the scope itself): nothing outside is listed, linked,
   searched or chosen. A row links to edit, delete, copy or inspect only
   when the scope allows that action on it. A chooser answers an id outside
   the scope as one that does not exist (404).
3. Every view of one object (edit, delete, copy, history, usage, inspect,
   preview) opens only an object in the scope for its action. Outside it,
   the view refuses before it reads the form, so nothing changes, and the
   refusal is the admin's: `PermissionDenied`, which Wagtail answers with a
   redirect to the dashboard and the message "Sorry, you do not have
   permission to access this area." A function view that gives its own
   reason (regrading a question, exporting a category) answers a
   `lms.common.errors.Refused`
   with `refusal_response(..., redirect_to=<its listing>)`: a message and a
   redirect too.
4. Staff pages outside the admin (cohort dashboards and exports, marking,
   quiz statistics) answer an id outside the scope with a 404, as for an id
   that does not exist.

A new scoped admin screen: the scope function in the app's selectors, a
`StaffScopePolicy` registered with `register()` in the app's wagtail_hooks
(before its viewset), and the viewset built on `ScopedModelViewSet` (or
`ScopedSnippetViewSet` for a snippet)."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db.models import QuerySet
from wagtail.admin.views import generic
from wagtail.admin.views.generic import history, usage
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import policy_registry, register_permission_policy
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.chooser import (
    ChooseResultsView,
    ChooseView,
    SnippetChooserViewSet,
    SnippetChosenMultipleView,
    SnippetChosenView,
)

from .http import whole_number

# `scope(user=user)`: the objects of one model `user` may act on.
Scope = Callable[..., QuerySet]


class StaffScopePolicy(ModelPermissionPolicy):
    """Model permissions, and for `scoped_actions` on one instance also the
    staff scope: `scope(user=user)` must contain the instance. `visible`
    (default: `scope`) is what listings and choosers show. Each scope's
    primary keys are read once per user object (one query however many
    rows a listing shows), so a request sees one consistent answer."""

    def __init__(
        self,
        model,
        *,
        scope: Scope,
        scoped_actions=("change", "delete"),
        visible: Scope | None = None,
    ):
        super().__init__(model)
        self.scope = scope
        self.scoped_actions = set(scoped_actions)
        self.visible = visible or scope

    def _pks(self, user, scope: Scope) -> set:
        cache = user.__dict__.setdefault("_sinau_staff_scope", {})
        key = (self.model._meta.label, scope)
        if key not in cache:
            cache[key] = set(scope(user=user).values_list("pk", flat=True))
        return cache[key]

    def scope_pks(self, user) -> set:
        """The primary keys of `scope(user=user)` (cached on `user`)."""
        return self._pks(user, self.scope)

    def visible_pks(self, user) -> set:
        """The primary keys of `visible(user=user)` (cached on `user`)."""
        return self._pks(user, self.visible)

    def visible_to(self, user) -> QuerySet:
        """What listings and choosers show `user`."""
        return self.visible(user=user)

    def user_has_permission_for_instance(self, user, action, instance) -> bool:
        if not self.user_has_permission(user, action):
            return False
        if action not in self.scoped_actions:
            return True
        return instance.pk in self.scope_pks(user)

    def instances_user_has_permission_for(self, user, action) -> QuerySet:
        if not self.user_has_permission(user, action):
            return self.model._default_manager.none()
        if action not in self.scoped_actions:
            return self.model._default_manager.all()
        return self.scope(user=user)


def register(*policies: StaffScopePolicy) -> None:
    """Make each policy the one Wagtail asks for its model (every view,
    listing button and bulk action). Call it in the app's wagtail_hooks,
    before the model's viewset is registered."""
    for policy in policies:
        register_permission_policy(policy.model, policy, exact_class=True)


def policy_for(model) -> StaffScopePolicy:
    """The StaffScopePolicy registered for `model`. Raises
    ImproperlyConfigured when it has none (a scoped view without a scope)."""
    policy = policy_registry.get_by_type(model)
    if not isinstance(policy, StaffScopePolicy):
        raise ImproperlyConfigured(f"no StaffScopePolicy for {model._meta.label}")
    return policy


# -- views of one object -----------------------------------------------------


class ScopedObjectMixin:
    """For the views of one object: refuse (PermissionDenied, which the
    Wagtail admin turns into a redirect with a translated message) unless
    the policy allows `scope_action` on it. Nothing is read from the POST
    before the check, so a refusal changes nothing."""

    scope_action = "change"

    def get_object(self, *args, **kwargs):
        obj = super().get_object(*args, **kwargs)
        if not self.permission_policy.user_has_permission_for_instance(
            self.request.user, self.scope_action, obj
        ):
            raise PermissionDenied
        return obj


class ScopedIndexMixin:
    """A listing of the objects in the policy's `visible` scope (all rows
    the model permission allows with `list_scoped = False`), each linked to
    edit, delete, copy or inspect only when the policy allows that action
    on that row (Wagtail checks the model permission alone)."""

    list_scoped = True

    def get_base_queryset(self):
        queryset = super().get_base_queryset()
        if not self.list_scoped:
            return queryset
        visible = self.permission_policy.visible_to(self.request.user)
        return queryset.filter(pk__in=visible.values("pk"))

    def get_edit_url(self, instance):
        if self.user_has_permission_for_instance("change", instance):
            return super().get_edit_url(instance)
        return None

    def get_delete_url(self, instance):
        if self.user_has_permission_for_instance("delete", instance):
            return super().get_delete_url(instance)
        return None

    def get_copy_url(self, instance):
        if self.user_has_permission_for_instance("change", instance):
            return super().get_copy_url(instance)
        return None

    def get_inspect_url(self, instance):
        if self.user_has_permission_for_instance("change", instance):
            return super().get_inspect_url(instance)
        return None


class ScopedIndexView(ScopedIndexMixin, generic.IndexView):
    pass


class ScopedEditView(ScopedObjectMixin, generic.EditView):
    scope_action = "change"


class ScopedDeleteView(ScopedObjectMixin, generic.DeleteView):
    scope_action = "delete"


class ScopedCopyView(ScopedObjectMixin, generic.CopyView):
    scope_action = "change"


class ScopedHistoryView(ScopedObjectMixin, history.HistoryView):
    scope_action = "change"


class ScopedUsageView(ScopedObjectMixin, usage.UsageView):
    scope_action = "change"


class ScopedInspectView(ScopedObjectMixin, generic.InspectView):
    scope_action = "change"


class ScopedModelViewSet(ModelViewSet):
    """A ModelViewSet whose listing and views of one object keep to the
    model's registered StaffScopePolicy (see the module docstring)."""

    index_view_class = ScopedIndexView
    edit_view_class = ScopedEditView
    delete_view_class = ScopedDeleteView
    copy_view_class = ScopedCopyView
    history_view_class = ScopedHistoryView
    usage_view_class = ScopedUsageView
    inspect_view_class = ScopedInspectView


# -- snippets ----------------------------------------------------------------


class ScopedSnippetIndexView(ScopedIndexMixin, snippet_views.IndexView):
    pass


class ScopedSnippetEditView(ScopedObjectMixin, snippet_views.EditView):
    scope_action = "change"


class ScopedSnippetDeleteView(ScopedObjectMixin, snippet_views.DeleteView):
    scope_action = "delete"


class ScopedSnippetCopyView(ScopedObjectMixin, snippet_views.CopyView):
    """The copy form is pre-filled with the original (a question's answer
    key): only for objects in the scope."""

    scope_action = "change"


class ScopedSnippetHistoryView(ScopedObjectMixin, snippet_views.HistoryView):
    scope_action = "change"


class ScopedSnippetUsageView(ScopedObjectMixin, snippet_views.UsageView):
    scope_action = "change"


class ScopedSnippetInspectView(ScopedObjectMixin, snippet_views.InspectView):
    scope_action = "change"


class ScopedPreviewOnEditView(ScopedObjectMixin, snippet_views.PreviewOnEditView):
    """The live preview of an existing object, in the scope like every other
    view of one object."""

    scope_action = "change"


class ScopedChooserMixin:
    """Chooser views list, search and return only objects in the policy's
    `visible` scope; anything else is a 404. The scope is filtered as a
    list of ids: the search backends (SQLite FTS above all) cannot search a
    queryset filtered by the scope's subqueries."""

    def _visible_ids(self) -> list:
        return list(policy_for(self.model_class).visible_pks(self.request.user))

    def _visible(self) -> QuerySet:
        return policy_for(self.model_class).visible_to(self.request.user)

    def get_object_list(self):
        return super().get_object_list().filter(pk__in=self._visible_ids())

    def get_object(self, pk):
        """An id that is not a whole number is one that does not exist (404),
        never a 500."""
        number = whole_number(str(pk))
        if number is None:
            raise self.model_class.DoesNotExist
        return self._visible().get(pk=number)

    def get_objects(self, pks):
        numbers = [whole_number(str(pk)) for pk in pks]
        return self._visible().filter(pk__in=[n for n in numbers if n is not None])


class ScopedChooseView(ScopedChooserMixin, ChooseView):
    pass


class ScopedChooseResultsView(ScopedChooserMixin, ChooseResultsView):
    pass


class ScopedChosenView(ScopedChooserMixin, SnippetChosenView):
    pass


class ScopedChosenMultipleView(ScopedChooserMixin, SnippetChosenMultipleView):
    pass


class ScopedSnippetChooserViewSet(SnippetChooserViewSet):
    choose_view_class = ScopedChooseView
    choose_results_view_class = ScopedChooseResultsView
    chosen_view_class = ScopedChosenView
    chosen_multiple_view_class = ScopedChosenMultipleView


class ScopedSnippetViewSet(snippet_views.SnippetViewSet):
    """A snippet viewset whose listing, chooser and views of one object
    keep to the model's registered StaffScopePolicy (see the module
    docstring)."""

    index_view_class = ScopedSnippetIndexView
    edit_view_class = ScopedSnippetEditView
    delete_view_class = ScopedSnippetDeleteView
    copy_view_class = ScopedSnippetCopyView
    history_view_class = ScopedSnippetHistoryView
    usage_view_class = ScopedSnippetUsageView
    inspect_view_class = ScopedSnippetInspectView
    preview_on_edit_view_class = ScopedPreviewOnEditView
    chooser_viewset_class = ScopedSnippetChooserViewSet
