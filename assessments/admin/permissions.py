"""The staff scope (selectors.py) of the question bank's models, as
`lms.common.staff_scope` policies: Wagtail asks a model's policy for every
listing button, bulk action and (through `ScopedObjectMixin`) every view of
one object, so one policy per model applies the rule everywhere. The rule
itself, and the views that keep to it, are in `lms.common.staff_scope`."""

from __future__ import annotations

from lms.common.staff_scope import Scope, ScopedObjectMixin, StaffScopePolicy

from .. import selectors
from ..practice import rubrics

# The names this module had before the policy moved to lms.common.
StaffScopePermissionPolicy = StaffScopePolicy
__all__ = [
    "ACCOMMODATION_POLICY",
    "CATEGORY_POLICY",
    "QUESTION_POLICY",
    "REGRADE_POLICY",
    "RUBRIC_POLICY",
    "Scope",
    "ScopedObjectMixin",
    "StaffScopePermissionPolicy",
]

QUESTION_POLICY = StaffScopePolicy(
    "assessments.Question",
    scope=selectors.questions_editable_by,
    visible=selectors.questions_choosable_by,
)
CATEGORY_POLICY = StaffScopePolicy(
    "assessments.QuestionCategory",
    scope=selectors.question_categories_editable_by,
    visible=selectors.question_categories_choosable_by,
)
ACCOMMODATION_POLICY = StaffScopePolicy(
    "assessments.Accommodation",
    scope=selectors.accommodations_managed_by,
    scoped_actions=("view", "change", "delete"),
)
REGRADE_POLICY = StaffScopePolicy(
    "assessments.RegradeJob", scope=selectors.regrade_jobs_visible_to
)
# Rubrics: anyone with admin access and the permission lists and chooses
# every rubric (reuse); changes and deletes keep to practice/rubrics.py.
RUBRIC_POLICY = StaffScopePolicy(
    "assessments.Rubric",
    scope=rubrics.rubrics_editable_by,
    visible=rubrics.rubrics_choosable_by,
)
