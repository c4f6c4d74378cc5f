"""Certificate reads: a trainee's certificates, the public verify view, and
the one access rule for downloads."""

from __future__ import annotations

from django.db.models import QuerySet

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


def certificate_can_download(*, user, certificate: Certificate) -> bool:
    """May `user` download the PDF and credential? The owner may, while the
    certificate is issued (and still after revocation, to see what it was);
    staff with the certificates view permission may."""
    if not user.is_authenticated:
        return False
    if user.has_perm("certificates.view_certificate"):
        return True
    return certificate.user_id == user.pk and certificate.status in PUBLIC_STATUSES


def certificate_can_manage(*, user) -> bool:
    """May `user` retry, revoke and reissue certificates?"""
    return user.is_authenticated and user.has_perm("certificates.change_certificate")
