"""Wagtail permission policies that add the staff scope (selectors.py) to the
model permissions of the question bank. Wagtail asks a model's policy for
every listing button, bulk action and (through `ScopedObjectMixin`) every
view of one object, so one policy per model applies the rule everywhere."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from wagtail.permission_policies import ModelPermissionPolicy

from . import selectors

Scope = Callable[..., QuerySet]


class StaffScopePermissionPolicy(ModelPermissionPolicy):
    """Model permissions, and for `scoped_actions` on one instance also the
    staff scope: `scope(user=user)` must contain the instance. The scope's
    primary keys are read once per user object (one query however many rows
    a listing shows), so a request sees one consistent answer."""

    def __init__(self, model, *, scope: Scope, scoped_actions=("change", "delete")):
        super().__init__(model)
        self.scope = scope
        self.scoped_actions = set(scoped_actions)

    def _scope_pks(self, user) -> set:
        cache = user.__dict__.setdefault("_sinau_staff_scope", {})
        key = self.model._meta.label
        if key not in cache:
            cache[key] = set(self.scope(user=user).values_list("pk", flat=True))
        return cache[key]

    def user_has_permission_for_instance(self, user, action, instance) -> bool:
        if not self.user_has_permission(user, action):
            return False
        if action not in self.scoped_actions:
            return True
        return instance.pk in self._scope_pks(user)

    def instances_user_has_permission_for(self, user, action) -> QuerySet:
        if not self.user_has_permission(user, action):
            return self.model._default_manager.none()
        if action not in self.scoped_actions:
            return self.model._default_manager.all()
        return self.scope(user=user)


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


QUESTION_POLICY = StaffScopePermissionPolicy(
    "assessments.Question", scope=selectors.questions_editable_by
)
CATEGORY_POLICY = StaffScopePermissionPolicy(
    "assessments.QuestionCategory", scope=selectors.question_categories_editable_by
)
ACCOMMODATION_POLICY = StaffScopePermissionPolicy(
    "assessments.Accommodation",
    scope=selectors.accommodations_managed_by,
    scoped_actions=("view", "change", "delete"),
)
REGRADE_POLICY = StaffScopePermissionPolicy(
    "assessments.RegradeJob", scope=selectors.regrade_jobs_visible_to
)
