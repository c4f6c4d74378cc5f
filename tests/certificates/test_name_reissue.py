"""A name correction reissues the trainee's certificates on a real Celery
worker: same UUID, code and verify page, the new name on the PDF, the verify
page and a newly signed credential, with the previous name and the time of
the change kept in the audit trail. Revoked certificates stay as they are."""

import json

import pypdfium2
import pytest
from django.urls import reverse

from lms.certificates.credentials import credential_verify, proofs_of
from lms.certificates.models import Certificate, CertificateEvent
from lms.certificates.services import certificate_revoke
from tests.factories import PASSWORD, UserFactory, trainee
from tests.support.worker import celery_worker

from .conftest import completed_enrollment, wait_for, worker_env
from .test_issue_worker import _empty_broker  # noqa: F401 (autouse)

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

Status = Certificate.Status


def _pdf_text(certificate: Certificate) -> str:
    with certificate.pdf.open("rb") as handle:
        data = handle.read()
    return pypdfium2.PdfDocument(data)[0].get_textpage().get_text_range()


def _credential(certificate: Certificate) -> dict:
    with certificate.credential.open("rb") as handle:
        return json.loads(handle.read())


def _rendered(pk: int, revision: int):
    def check():
        c = Certificate.objects.get(pk=pk)
        return c.rendered_revision >= revision and c.status == Status.ISSUED

    return check


def test_a_name_correction_reissues_the_certificate_on_the_worker(client, media):
    user = trainee(display_name="Sri Rahayu")
    with celery_worker(worker_env(media)) as log:
        enrollment = completed_enrollment(user=user)
        first = wait_for(
            lambda: Certificate.objects.filter(
                enrollment=enrollment, status=Status.ISSUED
            ).first(),
            log=log,
            what="the first issue",
        )
        before = _credential(first)
        assert "Sri Rahayu" in _pdf_text(first)

        client.force_login(user)
        response = client.post(
            reverse("certificates:name"),
            {"name": "Sri Rahayu Ningsih", "password": PASSWORD},
            follow=True,
        )
        body = response.content.decode()
        assert "sedang diterbitkan ulang dengan nama ini" in body
        wait_for(_rendered(first.pk, 2), log=log, what="the reissue")

    after = Certificate.objects.get(pk=first.pk)
    assert (after.uuid, after.code, after.status_list_index) == (
        first.uuid,
        first.code,
        first.status_list_index,
    )
    assert after.recipient_name == "Sri Rahayu Ningsih"
    assert "Sri Rahayu Ningsih" in _pdf_text(after)
    signed = _credential(after)
    assert signed["id"] == before["id"] == f"urn:uuid:{first.uuid}"
    subject = signed["credentialSubject"]["identifier"][0]
    assert subject["identityHash"] == "Sri Rahayu Ningsih"
    assert signed["validFrom"] == before["validFrom"]  # still awarded then
    # A new proof over the new document, not the old one carried over.
    assert len(proofs_of(signed)) == 1
    assert proofs_of(signed)[0]["proofValue"] != proofs_of(before)[0]["proofValue"]
    assert proofs_of(signed)[0]["created"] >= proofs_of(before)[0]["created"]
    result = credential_verify(signed)
    assert (result.verdict, result.shape_errors) == ("VALID", [])
    # The audit trail: the previous name, the new one, and when.
    renamed = CertificateEvent.objects.get(certificate=after, action="name_changed")
    assert renamed.detail == "Sri Rahayu → Sri Rahayu Ningsih"
    assert renamed.actor == user
    assert renamed.at is not None
    assert list(after.events.order_by("at", "pk").values_list("action", flat=True)) == [
        "created",
        "issued",
        "name_changed",
        "reissue",
        "reissued",
    ]
    # The public page shows the new name and says the certificate was
    # reissued, never the previous name.
    page = client.get(reverse("certificates:verify", args=[after.uuid])).content
    page = page.decode()
    assert "Sri Rahayu Ningsih" in page
    assert "Diterbitkan ulang pada" in page
    assert "Sri Rahayu</" not in page


def test_a_revoked_certificate_keeps_its_name(media):
    from lms.certificates.services import certificate_issue, certificate_name_correct

    user = trainee(display_name="Sri Rahayu")
    certificate = certificate_issue(enrollment_id=completed_enrollment(user=user).pk)
    certificate_revoke(
        certificate=certificate, actor=UserFactory(is_superuser=True), reason="Salah"
    )
    assert certificate_name_correct(user=user, name="Sri Rahayu Ningsih") == []
    certificate.refresh_from_db()
    assert (certificate.recipient_name, certificate.revision) == ("Sri Rahayu", 1)
    assert not certificate.events.filter(action__in=["name_changed", "reissue"])
