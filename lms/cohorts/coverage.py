"""Which cohort may count a person's work: memberships that cover a piece
of work, and the certificates earned in a cohort. Used by the dashboard's
facts (facts.py) and its selectors; imports nothing else of the cohorts
app but its models."""

from __future__ import annotations

from django.apps import apps
from django.db.models import Exists, OuterRef, Q, QuerySet

from courses.models import Enrollment

from .models import Cohort, CohortMembership


def memberships_covering(*, user_id, course_id, at, cohorts: QuerySet[Cohort]):
    """Memberships of `cohorts` that make a piece of work staff's business:
    the person was a member (joined at or before `at`, not left before it,
    never a mere invitation) of a cohort that has the course. The arguments
    may be `OuterRef`s, for an `Exists` over many certificates."""
    return CohortMembership.objects.members().filter(
        Q(left_at__isnull=True) | Q(left_at__gte=at),
        Q(cohort__courses=course_id)
        | Q(cohort__learning_path__steps__course=course_id),
        cohort__in=cohorts,
        user_id=user_id,
        joined_at__lte=at,
    )


# -- certificates (lms.certificates, when installed) ---------------------------


def certificates_issued(*, cohort: Cohort, user_ids) -> list[dict]:
    """Issued certificates the cohort's staff may see: earned (completed) in
    one of the cohort's courses while the person was a member of it
    (`memberships_covering`), through a cohort enrolment, as dicts
    {user_id, course_id, uuid, code, issued_at}; one query. `user_ids` may
    be a subquery. Sinau's certificates app is optional here: without
    `lms.certificates` installed this returns [] and runs no query."""
    if not apps.is_installed("lms.certificates"):
        return []
    certificate = apps.get_model("certificates", "Certificate")
    covering = memberships_covering(
        user_id=OuterRef("user_id"),
        course_id=OuterRef("course_id"),
        at=OuterRef("completed_at"),
        cohorts=Cohort.objects.filter(pk=cohort.pk),
    )
    return list(
        certificate.objects.filter(
            Exists(covering),
            user_id__in=user_ids,
            status="issued",
            enrollment__source=Enrollment.Source.COHORT,
        )
        .order_by("issued_at")
        .values("user_id", "course_id", "uuid", "code", "issued_at")
    )
