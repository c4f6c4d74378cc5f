"""The issue service in-process: idempotency, course setting, email, the
sweeper's query, staff actions (retry, revoke, reissue) and the printed-name
correction, each with its audit entry."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from courses.models import Enrollment
from lms.certificates.models import CODE_ALPHABET, Certificate, CertificateEvent
from lms.certificates.services import (
    certificate_ensure,
    certificate_issue,
    certificate_name_correct,
    certificate_reissue,
    certificate_retry,
    certificate_revoke,
    certificate_verify_url,
    certificates_to_sweep,
    code_generate,
    code_normalize,
)
from lms.notifications.models import Notification
from tests.factories import program_manager, trainee
from tests.support.callbacks import tasks_queued
from tests.support.notifications import (
    notifications_deliver_pending,
    quiet_hours_off,
)

from .conftest import backdate, completed_enrollment

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_quiet_hours(settings):
    quiet_hours_off(settings)


Status = Certificate.Status


@pytest.fixture(autouse=True)
def _media(media):
    return media


def _actions(certificate) -> list[str]:
    return list(certificate.events.values_list("action", flat=True))


def test_code_has_three_groups_from_the_unambiguous_alphabet():
    code = code_generate()
    groups = code.split("-")
    assert [len(g) for g in groups] == [4, 4, 4]
    assert set("".join(groups)) <= set(CODE_ALPHABET)
    for lookalikes in ("0O", "1IL", "5S", "8B", "2Z", "UV"):
        assert len(set(lookalikes) & set(CODE_ALPHABET)) <= 1, lookalikes


def test_code_normalize_accepts_what_people_type():
    assert code_normalize("acde fghj kmnp") == "ACDE-FGHJ-KMNP"
    assert code_normalize("ACDEFGHJKMNP") == "ACDE-FGHJ-KMNP"
    assert code_normalize("ACDE-FGHJ-KMN") == ""
    assert code_normalize("ACDE-FGHJ-KMNO") == ""  # O is not in the alphabet


def test_issue_is_idempotent(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        enrollment = completed_enrollment()
    first = certificate_issue(enrollment_id=enrollment.pk)
    pdf_name, tries = first.pdf.name, first.tries
    again = certificate_issue(enrollment_id=enrollment.pk)
    assert again.pk == first.pk
    assert (again.pdf.name, again.tries) == (pdf_name, tries)
    assert Certificate.objects.count() == 1
    assert _actions(again) == ["created", "issued"]


def test_issue_sets_uuid_code_index_and_name():
    enrollment = completed_enrollment()
    certificate = certificate_issue(enrollment_id=enrollment.pk)
    assert certificate.status == Status.ISSUED
    assert certificate.recipient_name == enrollment.user.display_name
    assert certificate.completed_at == Enrollment.objects.get().completed_at
    assert len(certificate.code) == 14
    assert 0 <= certificate.status_list_index < 131072
    assert certificate_verify_url(certificate=certificate) == (
        f"http://127.0.0.1:8000/c/{certificate.uuid}/"
    )


def test_ensure_twice_returns_the_same_row():
    enrollment = completed_enrollment()
    a, created_a = certificate_ensure(enrollment=enrollment)
    b, created_b = certificate_ensure(enrollment=enrollment)
    assert (a.pk, created_a, created_b) == (b.pk, True, False)


def test_course_without_certificates_issues_none():
    enrollment = completed_enrollment(certificate_enabled=False)
    assert certificate_issue(enrollment_id=enrollment.pk) is None
    assert Certificate.objects.count() == 0
    backdate(enrollment)
    assert certificates_to_sweep(older_than=timezone.timedelta(minutes=5)) == []


def test_unfinished_or_missing_enrollment_issues_none():
    assert certificate_issue(enrollment_id=999999) is None
    assert Certificate.objects.count() == 0


def test_issue_emails_the_trainee_once(django_capture_on_commit_callbacks):
    enrollment = completed_enrollment()
    with django_capture_on_commit_callbacks(execute=True):
        certificate = certificate_issue(enrollment_id=enrollment.pk)
    with django_capture_on_commit_callbacks(execute=True):
        certificate_issue(enrollment_id=enrollment.pk)
    # The notification service carries it (what its worker task runs).
    assert notifications_deliver_pending() == ["sent"]
    assert notifications_deliver_pending() == []
    notification = Notification.objects.get()
    assert notification.key == f"certificate:{certificate.pk}"
    assert notification.template == "certificate_issued"
    assert notification.params == [
        certificate.recipient_name,
        certificate.course.title,
        notification.url,
    ]
    assert notification.url.endswith(reverse("courses:my_learning"))
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [enrollment.user.email]
    assert certificate.course.title in message.subject
    assert certificate_verify_url(certificate=certificate) in message.body
    assert message.subject.startswith("Sertifikat Anda")


def test_issue_without_email_sends_nothing(django_capture_on_commit_callbacks):
    enrollment = completed_enrollment(user=trainee(email=None))
    with django_capture_on_commit_callbacks(execute=True):
        certificate = certificate_issue(enrollment_id=enrollment.pk)
    assert certificate.status == Status.ISSUED
    notifications_deliver_pending()
    assert mail.outbox == []
    # ... but it is in Sinau.
    assert Notification.objects.get(user=enrollment.user).kind == "certificate"


def test_sweep_finds_lost_completions_and_stuck_pending_only_after_grace():
    grace = timezone.timedelta(minutes=5)
    lost = completed_enrollment()
    fresh = completed_enrollment()
    stuck = completed_enrollment()
    done = completed_enrollment()
    certificate_ensure(enrollment=stuck)
    certificate_issue(enrollment_id=done.pk)
    for enrollment in (lost, stuck, done):
        backdate(enrollment)
    Certificate.objects.update(updated_at=timezone.now() - timezone.timedelta(hours=1))
    assert certificates_to_sweep(older_than=grace) == sorted([lost.pk, stuck.pk])
    assert fresh.pk not in certificates_to_sweep(older_than=grace)


def test_revoke_needs_a_reason_and_is_audited():
    manager = program_manager()
    certificate = certificate_issue(enrollment_id=completed_enrollment().pk)
    with pytest.raises(ValidationError):
        certificate_revoke(certificate=certificate, actor=manager, reason="  ")
    certificate.refresh_from_db()
    assert certificate.status == Status.ISSUED
    certificate_revoke(certificate=certificate, actor=manager, reason="Data palsu")
    certificate.refresh_from_db()
    assert certificate.status == Status.REVOKED
    assert (certificate.revoked_by, certificate.revoked_reason) == (
        manager,
        "Data palsu",
    )
    event = certificate.events.get(action="revoked")
    assert (event.actor, event.detail) == (manager, "Data palsu")
    with pytest.raises(ValidationError):
        certificate_revoke(certificate=certificate, actor=manager, reason="lagi")
    # A revoked certificate is never rendered again.
    assert certificate_issue(enrollment_id=certificate.enrollment_id).status == (
        Status.REVOKED
    )


def test_reissue_keeps_uuid_and_code_and_replaces_the_file(
    django_capture_on_commit_callbacks,
):
    manager = program_manager()
    enrollment = completed_enrollment()
    certificate = certificate_issue(enrollment_id=enrollment.pk)
    old = (certificate.uuid, certificate.code, certificate.pdf.name)
    old_pdf = certificate.pdf.open("rb").read()
    certificate.pdf.close()
    # A name changed behind the certificates' back (an old account edit).
    enrollment.user.display_name = "Sri Rahayu Ningsih"
    enrollment.user.save(update_fields=["display_name"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        certificate_reissue(certificate=certificate, actor=manager)
    assert len(tasks_queued(callbacks)) == 1  # the task, after commit
    reissued = certificate_issue(enrollment_id=enrollment.pk)  # what the task does
    assert (reissued.uuid, reissued.code, reissued.pdf.name) == old
    assert reissued.recipient_name == "Sri Rahayu Ningsih"
    new_pdf = reissued.pdf.open("rb").read()
    reissued.pdf.close()
    assert new_pdf != old_pdf
    assert _actions(reissued) == ["created", "issued", "reissue", "reissued"]
    # A second delivery of the reissue renders nothing more.
    assert certificate_issue(enrollment_id=enrollment.pk).tries == reissued.tries


def test_only_issued_certificates_can_be_reissued_and_failed_retried():
    manager = program_manager()
    enrollment = completed_enrollment()
    certificate, _created = certificate_ensure(enrollment=enrollment)
    with pytest.raises(ValidationError):
        certificate_reissue(certificate=certificate, actor=manager)
    Certificate.objects.filter(pk=certificate.pk).update(status=Status.FAILED)
    retried = certificate_retry(certificate=certificate, actor=manager)
    assert retried.status == Status.PENDING
    issued = certificate_issue(enrollment_id=enrollment.pk)
    with pytest.raises(ValidationError):
        certificate_retry(certificate=issued, actor=manager)


def test_name_correction_renames_unissued_and_reissues_issued_certificates(
    django_capture_on_commit_callbacks,
):
    user = trainee(display_name="Sri Rahayu")
    issued = certificate_issue(enrollment_id=completed_enrollment(user=user).pk)
    pending, _created = certificate_ensure(enrollment=completed_enrollment(user=user))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        reissued = certificate_name_correct(user=user, name="  Sri   Rahayu Ningsih ")
    user.refresh_from_db()
    pending.refresh_from_db()
    issued.refresh_from_db()
    assert user.display_name == "Sri Rahayu Ningsih"
    assert pending.recipient_name == "Sri Rahayu Ningsih"
    assert issued.recipient_name == "Sri Rahayu Ningsih"
    assert (issued.revision, issued.rendered_revision) == (2, 1)
    assert reissued == [issued]
    assert len(tasks_queued(callbacks)) == 1  # the issued one's render
    assert CertificateEvent.objects.filter(action="name_changed").count() == 2
    assert _actions(issued) == ["created", "issued", "name_changed", "reissue"]


def test_a_name_changed_on_the_account_page_reissues_too(
    client, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    from tests.factories import PASSWORD

    user = trainee(display_name="Sri Rahayu", email="sri@contoh.id")
    issued = certificate_issue(enrollment_id=completed_enrollment(user=user).pk)
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            reverse("account_profile"),
            {
                "display_name": "Sri Rahayu Ningsih",
                "phone": user.phone,
                "email": user.email,
                "password": PASSWORD,
            },
        )
    assert response.status_code == 302
    issued.refresh_from_db()
    assert issued.recipient_name == "Sri Rahayu Ningsih"
    assert issued.revision == 2
    assert len(tasks_queued(callbacks)) == 1
    # Saving the same name again changes nothing.
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(
            reverse("account_profile"),
            {
                "display_name": "Sri Rahayu Ningsih",
                "phone": user.phone,
                "email": user.email,
                "password": PASSWORD,
            },
        )
    issued.refresh_from_db()
    assert issued.revision == 2
    assert tasks_queued(callbacks) == []


def test_name_correction_refuses_an_empty_name():
    user = trainee(display_name="Sri Rahayu")
    with pytest.raises(ValidationError):
        certificate_name_correct(user=user, name="   ")
    user.refresh_from_db()
    assert user.display_name == "Sri Rahayu"


def test_a_name_corrected_in_the_admin_user_form_reissues_too(
    client, django_capture_on_commit_callbacks
):
    """The kind: every way a name changes (name form, account page, the
    admin's user form) prints the new name on issued certificates."""
    import re

    from django.urls import reverse

    from tests.factories import UserFactory

    user = trainee(display_name="", first_name="Sri", last_name="Rahayu")
    issued = certificate_issue(enrollment_id=completed_enrollment(user=user).pk)
    assert issued.recipient_name == "Sri Rahayu"
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    url = reverse("wagtailusers_users:edit", args=[user.pk])
    form = client.get(url).content.decode()
    data = {
        name: value
        for name, value in re.findall(
            r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form
        )
        if not name.startswith("password")
    }
    data.update(first_name="Sri", last_name="Rahayu Ningsih", is_active="on")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    issued.refresh_from_db()
    assert issued.recipient_name == "Sri Rahayu Ningsih"
    assert issued.revision == 2
    assert len(tasks_queued(callbacks)) == 1
    event = CertificateEvent.objects.get(certificate=issued, action="name_changed")
    assert event.actor == admin
