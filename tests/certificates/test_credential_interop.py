"""An independent Open Badges 3.0 verifier (openbadgeslib's OB3LdpVerifier,
its own eddsa-rdfc-2022 and Bitstring Status List code) accepts Sinau's
credentials, resolves the issuer key from /.well-known/did.json, reads the
served status list, and sees a revocation. Every "download" goes to Sinau's
views through the Django test client: no network."""

import copy
import json
from urllib.parse import unquote, urlsplit

import pytest
from cryptography.hazmat.primitives import serialization
from openbadgeslib.ob3.ldp import OB3LdpVerifier
from openbadgeslib.ob3.verifier import OB3VerificationError

from lms.certificates import credentials, keys
from lms.certificates.services import certificate_revoke
from tests.certificates.test_credential_issue import certificate_make


@pytest.fixture
def certificate(a_trainee, home):
    return certificate_make(user=a_trainee)


@pytest.fixture
def signed(certificate):
    return credentials.credential_issue(certificate=certificate)


@pytest.fixture
def download(client):
    """What the verifier fetches, answered by Sinau's own views."""
    fetched = []

    def get(url: str) -> bytes:
        fetched.append(url)
        response = client.get(unquote(urlsplit(url).path))
        assert response.status_code == 200, url
        return response.content

    get.fetched = fetched
    return get


def _pem() -> bytes:
    return keys.issuer_key().public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def test_independent_verifier_accepts_the_credential(signed, certificate):
    parsed = OB3LdpVerifier(pubkey_pem=_pem()).verify(json.dumps(signed))
    assert parsed.id == f"urn:uuid:{certificate.uuid}"
    assert parsed.achievement.name == certificate.course.title
    assert parsed.achievement.criteria_narrative
    assert parsed.issuer.id == keys.issuer_key().did
    assert [i.identity_hash for i in parsed.identifiers] == [certificate.recipient_name]


def test_independent_verifier_rejects_a_changed_byte(signed):
    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"]["achievement"]["name"] += "."
    with pytest.raises(OB3VerificationError, match="signature"):
        OB3LdpVerifier(pubkey_pem=_pem()).verify(tampered)


def test_independent_verifier_reads_the_status_list_and_sees_revocation(
    signed, certificate, a_manager, download
):
    # (Its check of the list's own proof handles JWT-VC lists only; the Data
    # Integrity proof of the list is checked in test_credential_issue.)
    verifier = OB3LdpVerifier(pubkey_pem=_pem())
    options = {"check_status": True, "download": download, "verify_status_list": False}
    verifier.verify(signed, **options)
    assert download.fetched == [credentials.status_list_url()]

    certificate_revoke(certificate=certificate, actor=a_manager, reason="Palsu")

    with pytest.raises(OB3VerificationError, match="revocation"):
        verifier.verify(signed, **options)


def test_independent_verifier_resolves_the_key_from_did_web(signed, download):
    verifier = OB3LdpVerifier.for_issuer_did(keys.issuer_key().did)
    parsed = verifier.verify(signed, download=download)
    assert parsed.issuer.id == "did:web:127.0.0.1%3A8000"
    assert [urlsplit(u).path for u in download.fetched] == ["/.well-known/did.json"]
