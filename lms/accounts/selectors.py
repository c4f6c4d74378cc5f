"""Reads for accounts."""

from django.apps import apps
from django.db.models import Q, QuerySet

from .models import User
from .roles import PROGRAM_MANAGERS, TRAINERS


def password_link_creators_may(*, user) -> bool:
    """May `user` make one-time password links at all? Active superusers,
    trainers and program managers."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    return user.groups.filter(name__in=[TRAINERS, PROGRAM_MANAGERS]).exists()


def trainees_password_linkable_by(*, user) -> QuerySet[User]:
    """The people `user` may make a one-time password link for: active
    trainees enrolled in a course `user` may edit (the staff scope of
    `assessments.selectors.trainees_accommodatable_by`; everyone for a
    superuser). Never staff, superusers, trainers, program managers or
    `user` themself, so a link never opens a more powerful account. Cohort
    scope joins here when cohorts arrive. One query when evaluated."""
    from assessments.selectors import trainees_accommodatable_by

    if not password_link_creators_may(user=user):
        return User.objects.none()
    people = trainees_accommodatable_by(user=user)
    if apps.is_installed("lms.cohorts") and not user.is_superuser:
        # The members of the cohorts they manage or teach (accounts does not
        # import cohorts at module level: imports point the other way).
        from lms.cohorts.models import CohortMembership
        from lms.cohorts.selectors import cohorts_visible_to

        members = CohortMembership.objects.filter(
            cohort__in=cohorts_visible_to(user=user)
        ).values("user_id")
        people = User.objects.filter(
            Q(pk__in=people.values("pk")) | Q(pk__in=members), is_active=True
        )
    return (
        people.filter(is_superuser=False, is_staff=False)
        .exclude(groups__name__in=[TRAINERS, PROGRAM_MANAGERS])
        .exclude(pk=user.pk)
        .distinct()
        .order_by("display_name", "phone", "email")
    )
