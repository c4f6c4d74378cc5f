"""Reads for accounts."""

from django.db.models import QuerySet

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
    return (
        trainees_accommodatable_by(user=user)
        .filter(is_superuser=False, is_staff=False)
        .exclude(groups__name__in=[TRAINERS, PROGRAM_MANAGERS])
        .exclude(pk=user.pk)
        .distinct()
        .order_by("display_name", "phone", "email")
    )
