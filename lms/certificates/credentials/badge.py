"""The Open Badges 3.0 (1EdTech) credential of a certificate:
``OpenBadgeCredential`` / ``AchievementSubject`` / ``Achievement`` /
``Criteria`` / ``Profile`` / ``IdentityObject``, in the W3C VC Data Model 2.0
(``validFrom``, ``credentialStatus``), with the ``evidence`` of assessed
practical work and the ``result``s of rubrics and quizzes (`evidence`),
signed with `proof.proof_add`."""

from __future__ import annotations

from datetime import UTC, datetime

from django.conf import settings
from django.db import DatabaseError
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from assessments.practice.evidence import course_evidence

from .. import jsonld as contexts
from ..keys import issuer_key, public_url
from ..models import CertificateSettings
from .evidence import evidence_entries, result_descriptions, results
from .proof import proof_add, xsd_datetime
from .status_list import status_list_url

CREDENTIAL_CONTEXT = [contexts.VC_V2, contexts.OB_V3]


def issuer_name() -> str:
    """The issuing programme's name from the certificate settings (the Wagtail
    setting `CertificateSettings.programme_name`), else the site name."""
    try:
        name = CertificateSettings.load().programme_name
    except DatabaseError:  # no settings table yet (e.g. before migrating)
        name = ""
    return name or settings.WAGTAIL_SITE_NAME


def issuer_profile(*, name: str | None = None) -> dict:
    """The issuer as an Open Badges Profile named by Sinau's did:web."""
    return {
        "id": issuer_key().did,
        "type": ["Profile"],
        "name": name or issuer_name(),
        "url": public_url() + "/",
    }


def _course_url(course) -> str:
    path = course.get_url()  # None for a page outside any site
    if path and path.startswith(("http://", "https://")):
        return path
    if path:
        return public_url() + path
    return f"{public_url()}/?kursus={course.pk}"


def credential_build(*, certificate, issuer_name_: str | None = None) -> dict:
    """The unsigned OpenBadgeCredential for `certificate` (see module doc).
    Personal data: only the name printed on the certificate, as an
    IdentityObject of type "name". With assessed work
    (`assessments.practice.evidence.course_evidence` of the certificate's
    trainee and course): ``evidence`` (one per passed task), the
    achievement's ``resultDescription`` and the subject's ``result`` (OB 3.0
    §B.1.6, §B.1.12, §B.1.13; see `evidence`)."""
    course = certificate.course
    awarded = certificate.completed_at or certificate.issued_at or datetime.now(UTC)
    work = course_evidence(user=certificate.user, course=course)
    achievement_id = _course_url(course)
    verify_url = public_url() + reverse("certificates:verify", args=[certificate.uuid])
    with translation.override(settings.LANGUAGE_CODE):
        if work.tasks:
            narrative = _(
                "Completed every required lesson, passed every required quiz "
                "and every required practical task of the course “%(course)s” "
                "on Sinau; practical tasks are assessed by a trainer against "
                "a rubric."
            ) % {"course": course.title}
        else:
            narrative = _(
                "Completed every required lesson and passed every required quiz "
                "of the course “%(course)s” on Sinau."
            ) % {"course": course.title}
        description = (getattr(course, "summary", "") or "").strip() or _(
            "Certificate of completion of the course “%(course)s”."
        ) % {"course": course.title}
        credential_name = _("Certificate: %(course)s") % {"course": course.title}
        evidence = evidence_entries(evidence=work, verify_url=verify_url)
        descriptions = result_descriptions(evidence=work, base=achievement_id)
        achieved = results(evidence=work, base=achievement_id)
    credential = {
        "@context": list(CREDENTIAL_CONTEXT),
        "id": f"urn:uuid:{certificate.uuid}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": credential_name,
        "issuer": issuer_profile(name=issuer_name_),
        "validFrom": xsd_datetime(awarded),
        "awardedDate": xsd_datetime(awarded),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityType": "name",
                    "hashed": False,
                    "identityHash": certificate.recipient_name,
                }
            ],
            "achievement": {
                "id": achievement_id,
                "type": ["Achievement"],
                "name": course.title,
                "description": description,
                "criteria": {"narrative": narrative},
                "inLanguage": settings.LANGUAGE_CODE,
            },
        },
        "credentialStatus": {
            "id": f"{status_list_url()}#{certificate.status_list_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(certificate.status_list_index),
            "statusListCredential": status_list_url(),
        },
    }
    if evidence:
        credential["evidence"] = evidence
    if descriptions:
        credential["credentialSubject"]["achievement"]["resultDescription"] = (
            descriptions
        )
        credential["credentialSubject"]["result"] = achieved
    return credential


def credential_issue(*, certificate, request=None, issuer_name: str | None = None):
    """Build and sign the OpenBadgeCredential for `certificate` with the
    issuer key. Returns the signed credential as a dict (JSON-serialisable).
    Pure: writes nothing; the caller stores it. `request` is accepted for
    the agreed interface and unused: every URL in it follows the rule for
    public links without a request (lms/common/addresses.py), so a worker signs the
    same document a web request would. Raises
    CredentialKeyError when no key is configured, CredentialError when the
    document cannot be canonicalised."""
    del request
    key = issuer_key()
    unsigned = credential_build(certificate=certificate, issuer_name_=issuer_name)
    return proof_add(
        document=unsigned,
        private_key=key.private_key,
        verification_method=key.verification_method,
    )
