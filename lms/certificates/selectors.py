"""Certificate reads: a trainee's certificates, the public verify view, and
the one access rule for downloads."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from wagtail import hooks

from assessments.models import Submission
from assessments.practice.evidence import (
    CourseEvidence,
    course_evidence,
    portfolio_submissions,
)

from .models import Certificate

PUBLIC_STATUSES = (Certificate.Status.ISSUED, Certificate.Status.REVOKED)


def certificates_of(*, user) -> QuerySet[Certificate]:
    """The trainee's certificates with their course, newest first (one query)."""
    return (
        Certificate.objects.filter(user=user)
        .select_related("course")
        .order_by("-completed_at")
    )


def certificate_public(*, uuid=None, code: str = "") -> Certificate | None:
    """The certificate a public verify page shows, by UUID or code: only
    issued or revoked ones, from the database alone. None if there is none."""
    queryset = Certificate.objects.select_related("course").filter(
        status__in=PUBLIC_STATUSES
    )
    if uuid is not None:
        return queryset.filter(uuid=uuid).first()
    if code:
        return queryset.filter(code=code).first()
    return None


def certificate_evidence(*, certificate: Certificate) -> tuple[CourseEvidence, bool]:
    """What the verify page lists for `certificate`: the evidence of its
    trainee's assessed work in its course (the same read the credential is
    built from), and whether they published any work on their portfolio.
    One query for a course without tasks or quizzes, at most five
    whatever their number (`course_evidence`, then one to ask about the
    portfolio when some task passed)."""
    evidence = course_evidence(user=certificate.user_id, course=certificate.course)
    published = bool(evidence.tasks) and (
        portfolio_submissions(
            user=certificate.user_id, course=certificate.course
        ).exists()
    )
    return evidence, published


def certificate_portfolio(*, certificate: Certificate) -> list[Submission]:
    """The work on `certificate`'s portfolio page: its trainee's public,
    passed, released submissions of its course, with task, assessment,
    rubric results and files (`portfolio_submissions`; four queries)."""
    return list(
        portfolio_submissions(user=certificate.user_id, course=certificate.course)
    )


def certificates_in_staff_scope(*, user) -> QuerySet[Certificate]:
    """The certificates `user` may see and act on as staff (download, admin
    list, retry, revoke, reissue): a superuser all; a holder of the
    certificates view permission (program managers) those every
    `sinau_certificates_in_staff_scope` hook (a filter on Certificate, called
    with `user=`) gives: lms.cohorts gives those earned in a
    course of a cohort they manage or teach while the person was a member
    of that cohort (`lms.cohorts.selectors.memberships_covering`: joined
    no later than the completion, not left before it, never a mere
    invitation) and enrolled through a cohort (not a course they took on
    their own, which a cohort of theirs may add later). Joining a cohort
    later, or being invited to it, puts no earlier certificate in anyone's
    reach (DESIGN 5a). Anyone else: none."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Certificate.objects.none()
    if user.is_superuser:
        return Certificate.objects.all()
    if not user.has_perm("certificates.view_certificate"):
        return Certificate.objects.none()
    # Apps above certificates (lms.cohorts) say which certificates their
    # staff reach, so certificates imports none of them. None without a hook.
    scope = Q(pk__in=[])
    for certificates in hooks.get_hooks("sinau_certificates_in_staff_scope"):
        scope |= certificates(user=user)
    return Certificate.objects.filter(scope)


def certificate_can_download(*, user, certificate: Certificate) -> bool:
    """May `user` download the PDF and credential? The owner may, while the
    certificate is issued (and still after revocation, to see what it was);
    staff within `certificates_in_staff_scope` may."""
    if not user.is_authenticated:
        return False
    if certificate.user_id == user.pk and certificate.status in PUBLIC_STATUSES:
        return True
    return certificates_in_staff_scope(user=user).filter(pk=certificate.pk).exists()


def certificate_can_manage(*, user) -> bool:
    """May `user` retry, revoke and reissue certificates?"""
    return user.is_authenticated and user.has_perm("certificates.change_certificate")
