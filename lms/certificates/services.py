"""Certificate writes: create, issue (render + sign + store), fail, retry,
revoke, reissue, correct the printed name, and find what the sweeper must
re-enqueue. Spec: docs/decisions/0005-certificates-exactly-once.md.

Exactly once: the row is unique per user+course (and per enrollment); work is
claimed and finished under a row lock and only while `rendered_revision` is
behind `revision`; files are written under names derived from the UUID, so a
duplicate delivery or a retry after a crash overwrites instead of adding.
"""

from __future__ import annotations

import json
import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from courses.models import Enrollment
from lms.accounts.names import person_name_clean
from lms.common.addresses import public_url
from lms.common.queue import task_enqueue_on_commit
from lms.notifications.channels.base import Message
from lms.notifications.models import Notification
from lms.notifications.services import notify

from .credentials import credential_issue, status_list_invalidate
from .models import (
    CODE_ALPHABET,
    STATUS_LIST_LENGTH,
    Certificate,
    CertificateEvent,
    CertificateSettings,
)
from .pdf import certificate_pdf_render
from .tasks import certificate_issue_task

logger = logging.getLogger(__name__)

Action = CertificateEvent.Action
Status = Certificate.Status
NAME_MAX_LENGTH = 150


def certificate_verify_url(*, certificate: Certificate, request=None) -> str:
    """The public verification URL (/c/<uuid>/) under the one rule for public
    links (lms/common/addresses.py): printed in the QR code by the worker, shared
    from Belajarku and the verify page with the request's address."""
    path = reverse("certificates:verify", args=[certificate.uuid])
    return public_url(path, request=request)


def certificate_name_for(*, user) -> str:
    """The name printed for `user`: the name they gave at sign-up (or
    corrected since), else their full name, else their email address."""
    return (
        (user.display_name or "").strip()
        or user.get_full_name().strip()
        or (user.email or "").strip()
        or str(user)
    )[:NAME_MAX_LENGTH]


def code_generate() -> str:
    """A random `XXXX-XXXX-XXXX` code from CODE_ALPHABET (no look-alikes)."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def code_normalize(value: str) -> str:
    """Accept what people type: any case, spaces or no dashes, and the
    look-alikes the alphabet leaves out (O->0 is not in it, so O, 0 -> D is
    wrong; we only fix case and separators). Returns `XXXX-XXXX-XXXX` or ''."""
    raw = "".join(ch for ch in value.upper() if ch.isalnum())
    if len(raw) != 12 or any(ch not in CODE_ALPHABET for ch in raw):
        return ""
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def _event(certificate, action, *, actor=None, detail: str = "") -> None:
    CertificateEvent.objects.create(
        certificate=certificate, action=action, actor=actor, detail=detail
    )


def certificate_ensure(*, enrollment: Enrollment) -> tuple[Certificate, bool]:
    """Get or create the (pending) certificate of a completed enrollment.
    Race-safe: two concurrent callers end with one row (the unique
    constraints decide; the loser reads the winner's row). A collision of
    the random code or status-list index draws again. Returns
    (certificate, created)."""
    for _attempt in range(10):
        existing = Certificate.objects.filter(
            user_id=enrollment.user_id, course_id=enrollment.course_id
        ).first()
        if existing is not None:
            return existing, False
        try:
            with transaction.atomic():
                certificate = Certificate.objects.create(
                    user_id=enrollment.user_id,
                    course_id=enrollment.course_id,
                    enrollment=enrollment,
                    code=code_generate(),
                    status_list_index=secrets.randbelow(STATUS_LIST_LENGTH),
                    recipient_name=certificate_name_for(user=enrollment.user),
                    completed_at=enrollment.completed_at,
                )
                _event(certificate, Action.CREATED)
            return certificate, True
        except IntegrityError:
            continue  # a concurrent twin, or a code/index collision
    raise RuntimeError("could not allocate a certificate code")


def certificate_issue(*, enrollment_id: int) -> Certificate | None:
    """Issue the certificate of a completed enrollment: create the row if
    needed, render the PDF, sign the credential, store both, mark it issued
    and email the trainee. Idempotent: returns the certificate untouched when
    it is already issued (or revoked); returns None when the enrollment is
    gone, not complete, or its course gives no certificate. Raises whatever
    rendering, signing or storage raise (the task retries)."""
    enrollment = (
        Enrollment.objects.select_related("user", "course")
        .filter(pk=enrollment_id)
        .first()
    )
    if enrollment is None or enrollment.completed_at is None:
        return None
    certificate = Certificate.objects.filter(enrollment_id=enrollment_id).first()
    if certificate is None:
        if not enrollment.course.certificate_enabled:
            return None
        certificate, _created = certificate_ensure(enrollment=enrollment)
    return certificate_render(certificate_id=certificate.pk)


def _store(field, name: str, content: bytes) -> None:
    """Write `content` at exactly `name` (replacing what is there), through
    the field's storage (local media, or S3-compatible when configured)."""
    storage = field.storage
    if storage.exists(name):
        storage.delete(name)
    saved = storage.save(name, ContentFile(content))
    if saved != name:  # only if another writer raced past the row lock
        raise RuntimeError(f"storage wrote {saved!r} instead of {name!r}")
    field.name = saved


def certificate_render(*, certificate_id: int) -> Certificate:
    """Render, sign and store one certificate if it needs it (pending,
    failed, or a reissue requested). Claims the work under a row lock, renders
    outside it, and finishes under the lock again only if nobody finished in
    between; so concurrent twins store one set of files."""
    with transaction.atomic():
        certificate = (
            Certificate.objects.select_for_update().filter(pk=certificate_id).first()
        )
        if certificate is None or not certificate.needs_render:
            return certificate
        certificate.tries += 1
        certificate.save(update_fields=["tries", "updated_at"])
        target = certificate.revision
    certificate = Certificate.objects.select_related(
        "user", "course", "enrollment"
    ).get(pk=certificate_id)
    first_issue = certificate.issued_at is None
    if first_issue:
        certificate.issued_at = timezone.now()
    config = CertificateSettings.load()
    pdf_bytes = certificate_pdf_render(
        certificate=certificate,
        config=config,
        verify_url=certificate_verify_url(certificate=certificate),
    )
    signed = credential_issue(
        certificate=certificate, request=None, issuer_name=config.programme_name
    )
    credential_bytes = json.dumps(signed, ensure_ascii=False, indent=2).encode()

    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate_id)
        if locked.status == Status.REVOKED or locked.rendered_revision >= target:
            return locked
        _store(locked.pdf, f"{locked.file_stem}.pdf", pdf_bytes)
        _store(locked.credential, f"{locked.file_stem}.json", credential_bytes)
        was_issued = locked.status == Status.ISSUED or locked.rendered_revision > 0
        locked.status = Status.ISSUED
        locked.issued_at = locked.issued_at or certificate.issued_at
        locked.rendered_revision = target
        locked.last_error = ""
        locked.save()
        _event(
            locked,
            Action.REISSUED if was_issued else Action.ISSUED,
            detail=_("Name printed: %(name)s") % {"name": locked.recipient_name},
        )
        if not was_issued:
            # In the same transaction: issued and announced together, once.
            certificate_notify_issued(certificate=locked)
    return locked


def certificate_attempt_failed(*, enrollment_id: int, error: str, final: bool) -> None:
    """Record a failed attempt (last error) and, when the task has no
    retries left, mark the certificate failed. An issued certificate whose
    reissue failed stays issued (its old file is still valid)."""
    with transaction.atomic():
        certificate = (
            Certificate.objects.select_for_update()
            .filter(enrollment_id=enrollment_id)
            .first()
        )
        if certificate is None or not certificate.needs_render:
            return
        certificate.last_error = error[:4000]
        fields = ["last_error", "updated_at"]
        if final and certificate.status == Status.PENDING:
            certificate.status = Status.FAILED
            fields.append("status")
        certificate.save(update_fields=fields)
        _event(
            certificate,
            Action.FAILED if final else Action.ATTEMPT_FAILED,
            detail=error[:1000],
        )


def _enqueue(certificate: Certificate) -> None:
    task_enqueue_on_commit(certificate_issue_task, args=(certificate.enrollment_id,))


def certificate_retry(*, certificate: Certificate, actor) -> Certificate:
    """Staff: try a failed (or stuck pending) certificate again. Sets it back
    to pending, records who asked, and enqueues the task after commit.
    Raises ValidationError when there is nothing to retry."""
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if locked.status not in (Status.FAILED, Status.PENDING):
            raise ValidationError(
                _("Only failed or pending certificates can be retried.")
            )
        locked.status = Status.PENDING
        locked.save(update_fields=["status", "updated_at"])
        _event(locked, Action.RETRY, actor=actor)
        _enqueue(locked)
    return locked


def certificate_reissue(*, certificate: Certificate, actor) -> Certificate:
    """Staff: render an issued certificate again, with the trainee's current
    name (after a correction). Same UUID and code; the new files replace the
    old ones; audit entry. Raises ValidationError unless it is issued."""
    with transaction.atomic():
        locked = (
            Certificate.objects.select_for_update()
            .select_related("user")
            .get(pk=certificate.pk)
        )
        if locked.status != Status.ISSUED:
            raise ValidationError(_("Only issued certificates can be reissued."))
        _reissue_locked(
            locked, actor=actor, name=certificate_name_for(user=locked.user)
        )
    return locked


def _reissue_locked(locked: Certificate, *, actor, name: str) -> None:
    """Print `name` on the issued certificate `locked` (a row locked in the
    current transaction): bump its revision, record the previous name and
    the new one, and enqueue the render after commit. The worker keeps the
    UUID, code and status-list entry and signs a new credential (a new
    proof, its `created` the time of signing)."""
    old_name = locked.recipient_name
    locked.recipient_name = name
    locked.revision = F("revision") + 1
    locked.save(update_fields=["recipient_name", "revision", "updated_at"])
    locked.refresh_from_db()
    _event(locked, Action.REISSUE, actor=actor, detail=f"{old_name} → {name}")
    _enqueue(locked)


def certificate_revoke(*, certificate: Certificate, actor, reason: str) -> Certificate:
    """Staff: revoke a certificate, for a reason that is kept. The verify
    page then says REVOKED and the status list (computed from revoked
    certificates by `credentials`) sets its bit. Raises ValidationError
    without a reason or when it is already revoked."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give a reason for revoking."))
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if locked.status == Status.REVOKED:
            raise ValidationError(_("This certificate is already revoked."))
        locked.status = Status.REVOKED
        locked.revoked_at = timezone.now()
        locked.revoked_by = actor
        locked.revoked_reason = reason
        locked.save()
        _event(locked, Action.REVOKED, actor=actor, detail=reason)
        transaction.on_commit(_status_list_changed)
    return locked


def _status_list_changed() -> None:
    """Drop the cached signed status list so verifiers see the revocation."""
    status_list_invalidate()


def certificate_name_correct(*, user, name: str) -> list[Certificate]:
    """The trainee corrects the name printed on their certificates. Saves it
    as their display name; certificates not yet issued will print it;
    issued ones are reissued with it by a worker (same UUID, code and
    verify page; the audit trail keeps the previous name and when it
    changed). Revoked certificates stay as they are. Returns the issued
    certificates being reissued. Raises ValidationError for an empty or too
    long name."""
    name = person_name_clean(name)
    if not name:
        raise ValidationError(_("Enter the name to print."))
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationError(_("The name is too long."))
    with transaction.atomic():
        user.display_name = name
        user.save(update_fields=["display_name"])
        return certificates_rename(user=user, name=name)


def certificates_rename(*, user, name: str, actor=None) -> list[Certificate]:
    """Print `name` on `user`'s certificates (after any change of their
    name): not yet issued ones print it when issued; issued ones are
    reissued by a worker (`_reissue_locked`); revoked ones stay as they
    are. Each change is audited (`name_changed`: previous and new name, and
    when; `actor` is who changed it, the person themself by default).
    Returns the issued certificates being reissued. Idempotent: a
    certificate already showing `name` is left alone."""
    actor = actor or user
    reissued = []
    with transaction.atomic():
        for certificate in Certificate.objects.select_for_update().filter(user=user):
            if certificate.recipient_name == name:
                continue
            if certificate.status == Status.REVOKED:
                continue
            _event(
                certificate,
                Action.NAME_CHANGED,
                actor=actor,
                detail=f"{certificate.recipient_name} → {name}",
            )
            if certificate.status == Status.ISSUED:
                _reissue_locked(certificate, actor=actor, name=name)
                reissued.append(certificate)
            else:
                certificate.recipient_name = name
                certificate.save(update_fields=["recipient_name", "updated_at"])
    return reissued


def certificate_reissued_at(*, certificate: Certificate):
    """When the files of `certificate` were last reissued (rendered again
    after a first issue), or None. One query."""
    return (
        certificate.events.filter(action=Action.REISSUED)
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )


def certificates_to_sweep(*, older_than: timedelta) -> list[int]:
    """Enrollment ids the sweeper re-enqueues: completions (of courses that
    give certificates) with no certificate, and certificates still pending or
    awaiting a reissue, untouched for `older_than`; failed ones an hour
    after their last try. Duplicates are harmless (the task is idempotent)."""
    now = timezone.now()
    cutoff = now - older_than
    missing = Enrollment.objects.filter(
        completed_at__lt=cutoff,
        course__certificate_enabled=True,
        certificate__isnull=True,
    ).values_list("pk", flat=True)
    stuck = Certificate.objects.filter(
        Q(status=Status.PENDING, updated_at__lt=cutoff)
        | Q(
            status=Status.ISSUED,
            rendered_revision__lt=F("revision"),
            updated_at__lt=cutoff,
        )
        | Q(
            status=Status.FAILED,
            updated_at__lt=now
            - timedelta(seconds=settings.SINAU_CERTIFICATE_FAILED_RETRY_AFTER),
        )
    ).values_list("enrollment_id", flat=True)
    return sorted({*missing, *stuck})


def certificate_notify_issued(*, certificate: Certificate) -> Notification | None:
    """Tell the trainee their certificate is ready, in their language,
    through the notification service (key `certificate:<pk>`: once per
    certificate, however often the issuing task runs). In Sinau always;
    by email (the text as before, with the verify link) where Sinau may
    mail them, and by WhatsApp (template `certificate_issued`: {{1}} name,
    {{2}} course, {{3}} link to My learning) or SMS where they agreed.
    Returns the notification, or None when the account may not receive it
    (`notifications.services.may_receive`)."""
    user = certificate.user
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        course = certificate.course.title
        my_learning_url = public_url(reverse("courses:my_learning"))
        context = {
            "certificate": certificate,
            "name": certificate.recipient_name,
            "course": course,
            "verify_url": certificate_verify_url(certificate=certificate),
            "my_learning_url": my_learning_url,
        }
        message = Message(
            subject=_("Your certificate for %(course)s is ready") % {"course": course},
            body=render_to_string("certificates/email_issued.txt", context),
            url=my_learning_url,
            template="certificate_issued",
            params=(certificate.recipient_name, course, my_learning_url),
            short=_("Sinau: your certificate for %(course)s is ready. %(url)s")
            % {"course": course, "url": my_learning_url},
        )
    return notify(
        user=user,
        kind=Notification.Kind.CERTIFICATE,
        key=f"certificate:{certificate.pk}",
        message=message,
    )
