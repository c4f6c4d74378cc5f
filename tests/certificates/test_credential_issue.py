"""The signed OpenBadgeCredential of a certificate, its verification, the
revocation status list, the did:web document and `verify_credential`."""

import copy
import json
import re
import socket
from datetime import UTC, datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from courses.models import Enrollment
from lms.certificates import credentials, keys
from lms.certificates.models import STATUS_LIST_LENGTH
from lms.certificates.services import certificate_ensure, certificate_revoke
from tests.factories.courses import course_tree

XSD_DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def certificate_make(*, user):
    """An issued-looking certificate of a one-lesson course, completed on
    2 November 2026, with a name that needs UTF-8 and an apostrophe."""
    course = course_tree(modules=1, lessons=1, title="Menulis Caption Gula Aren")
    enrollment = Enrollment.objects.create(
        user=user,
        course=course,
        status=Enrollment.Status.COMPLETED,
        completed_at=datetime(2026, 11, 2, 3, 4, 5, tzinfo=UTC),
    )
    certificate, _created = certificate_ensure(enrollment=enrollment)
    certificate.recipient_name = "Siti Nur'aini Ásih"
    certificate.issued_at = timezone.now()
    certificate.save()
    return certificate


@pytest.fixture
def certificate(a_trainee, home):
    return certificate_make(user=a_trainee)


@pytest.fixture
def signed(certificate):
    return credentials.credential_issue(certificate=certificate)


def _write(tmp_path, doc) -> str:
    path = tmp_path / "credential.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return str(path)


def _verify_command(path) -> tuple[int, str]:
    from io import StringIO

    out = StringIO()
    try:
        call_command("verify_credential", path, stdout=out)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue()


# --- the credential ---------------------------------------------------------


def test_signature_verifies_and_status_is_active(signed):
    result = credentials.credential_verify(signed)
    assert result.errors == []
    assert result.shape_errors == []
    assert result.signature_valid
    assert result.status == credentials.ACTIVE
    assert result.verdict == "VALID"


def test_credential_is_an_open_badge_credential(signed, certificate):
    assert signed["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert signed["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert signed["id"] == f"urn:uuid:{certificate.uuid}"
    assert XSD_DATETIME.match(signed["validFrom"])
    assert signed["validFrom"] == "2026-11-02T03:04:05Z"
    issuer = signed["issuer"]
    assert issuer["type"] == ["Profile"]
    assert issuer["id"] == "did:web:127.0.0.1%3A8000"
    assert issuer["name"]
    subject = signed["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"]
    assert subject["identifier"] == [
        {
            "type": "IdentityObject",
            "identityType": "name",
            "hashed": False,
            "identityHash": "Siti Nur'aini Ásih",
        }
    ]
    achievement = subject["achievement"]
    assert achievement["type"] == ["Achievement"]
    assert achievement["name"] == "Menulis Caption Gula Aren"
    assert achievement["id"].startswith("http://127.0.0.1:8000/")
    assert achievement["description"]
    assert "Menulis Caption Gula Aren" in achievement["criteria"]["narrative"]
    assert signed["credentialStatus"] == {
        "id": f"http://127.0.0.1:8000/c/status/1#{certificate.status_list_index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": str(certificate.status_list_index),
        "statusListCredential": "http://127.0.0.1:8000/c/status/1",
    }
    [proof] = signed["proof"]  # an array: 1EdTech's OB 3.0 schema requires one
    assert proof["type"] == "DataIntegrityProof"
    assert proof["cryptosuite"] == "eddsa-rdfc-2022"
    assert proof["proofPurpose"] == "assertionMethod"
    assert proof["verificationMethod"] == "did:web:127.0.0.1%3A8000#key-1"
    assert XSD_DATETIME.match(proof["created"])
    assert re.match(r"^z[1-9A-HJ-NP-Za-km-z]{80,90}$", proof["proofValue"])
    assert credentials.credential_shape_errors(doc=signed) == []


def test_credential_holds_no_other_personal_data(signed, certificate):
    text = json.dumps(signed)
    user = certificate.user
    assert user.email not in text
    assert user.phone not in text
    assert user.display_name not in text  # only the name printed is shared
    assert "id" not in signed["credentialSubject"]


def test_changing_one_byte_of_the_name_fails(signed):
    tampered = copy.deepcopy(signed)
    name = tampered["credentialSubject"]["identifier"][0]["identityHash"]
    tampered["credentialSubject"]["identifier"][0]["identityHash"] = name[:-1] + "X"
    result = credentials.credential_verify(tampered)
    assert not result.signature_valid
    assert result.errors == ["The signature does not match the credential."]
    assert result.verdict == "INVALID"


def test_changing_the_course_title_fails(signed):
    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"]["achievement"]["name"] += "!"
    assert credentials.credential_verify(tampered).verdict == "INVALID"


def test_adding_an_undefined_property_fails(signed):
    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"]["grade"] = "A+"
    result = credentials.credential_verify(tampered)
    assert not result.signature_valid


def test_adding_an_undefined_type_fails(signed):
    tampered = copy.deepcopy(signed)
    tampered["type"].append("DiplomaCredential")
    result = credentials.credential_verify(tampered)
    assert not result.signature_valid


def test_a_credential_signed_by_another_key_fails(signed):
    other = keys.private_key_parse(
        text="z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq"
    )
    unsigned = {k: v for k, v in signed.items() if k != "proof"}
    forged = credentials.proof_add(
        document=unsigned,
        private_key=other,
        verification_method=signed["proof"][0]["verificationMethod"],
    )
    result = credentials.credential_verify(forged)
    assert result.errors == ["The signature does not match the credential."]


@pytest.mark.parametrize(
    ("path", "message"),
    [
        (("issuer", "type"), "issuer must be a Profile."),
        (("validFrom",), "validFrom must be a date and time with a time zone."),
        (
            ("credentialSubject", "achievement", "criteria"),
            "credentialSubject.achievement.criteria needs a narrative or an id.",
        ),
        (("credentialSubject", "achievement"), None),
        (("proof",), "proof is missing."),
    ],
)
def test_shape_errors_name_what_is_missing(signed, path, message):
    broken = copy.deepcopy(signed)
    node = broken
    for key in path[:-1]:
        node = node[key]
    del node[path[-1]]
    errors = credentials.credential_shape_errors(doc=broken)
    assert errors
    if message:
        assert message in errors


def test_signing_and_verifying_need_no_network(certificate, monkeypatch):
    credentials.credential_issue(certificate=certificate)  # key + contexts warm
    attempts = []
    real_connect = socket.socket.connect

    def connect(sock, address):
        host = address[0] if isinstance(address, tuple) else address
        if sock.family in (socket.AF_INET, socket.AF_INET6) and host not in {
            "127.0.0.1",
            "::1",
            "localhost",
        }:
            attempts.append(address)
            raise OSError("network blocked")
        return real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(
        socket, "getaddrinfo", lambda *a, **k: attempts.append(a) or 1 / 0
    )
    signed = credentials.credential_issue(certificate=certificate)
    assert credentials.credential_verify(signed).verdict == "VALID"
    assert attempts == []


# --- revocation and the status list ----------------------------------------


def _bit(doc, index) -> bool:
    bits = credentials.bitstring_decode(encoded=doc["credentialSubject"]["encodedList"])
    return credentials.bitstring_get(bits=bits, index=index)


def test_status_list_is_a_signed_16kb_bitstring_status_list(certificate):
    doc = credentials.status_list_credential()
    assert doc["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert doc["id"] == "http://127.0.0.1:8000/c/status/1"
    assert doc["issuer"] == "did:web:127.0.0.1%3A8000"
    subject = doc["credentialSubject"]
    assert subject["type"] == "BitstringStatusList"
    assert subject["statusPurpose"] == "revocation"
    bits = credentials.bitstring_decode(encoded=subject["encodedList"])
    assert len(bits) * 8 == STATUS_LIST_LENGTH == 131072
    assert not any(bits)
    key = keys.issuer_key()
    assert credentials.proof_verify(document=doc, public_key=key.public_key) == []


def test_revoking_flips_the_bit_and_verify_says_revoked(
    signed, certificate, a_manager, tmp_path
):
    index = certificate.status_list_index
    assert not _bit(credentials.status_list_credential(), index)

    certificate_revoke(certificate=certificate, actor=a_manager, reason="Plagiat")

    listed = credentials.status_list_credential()
    assert _bit(listed, index)
    bits = credentials.bitstring_decode(
        encoded=listed["credentialSubject"]["encodedList"]
    )
    assert sum(bin(b).count("1") for b in bits) == 1
    result = credentials.credential_verify(signed)
    assert result.signature_valid
    assert result.status == credentials.REVOKED
    assert result.verdict == "REVOKED"
    code, out = _verify_command(_write(tmp_path, signed))
    assert code == 2
    assert out.splitlines()[0] == "REVOKED"


def test_status_list_view_serves_the_list_with_cache_headers(client, certificate):
    response = client.get(reverse("certificates:status_list"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vc+ld+json"
    assert "public" in response["Cache-Control"]
    assert "max-age=300" in response["Cache-Control"]
    assert response["Access-Control-Allow-Origin"] == "*"
    doc = json.loads(response.content)
    assert doc["credentialSubject"]["type"] == "BitstringStatusList"
    again = client.get(
        reverse("certificates:status_list"), HTTP_IF_NONE_MATCH=response["ETag"]
    )
    assert again.status_code == 304


def test_status_list_view_shows_a_revocation(client, certificate, a_manager):
    index = certificate.status_list_index
    before = json.loads(client.get(reverse("certificates:status_list")).content)
    certificate_revoke(certificate=certificate, actor=a_manager, reason="Salah")
    after = json.loads(client.get(reverse("certificates:status_list")).content)
    assert not _bit(before, index)
    assert _bit(after, index)


def test_status_list_view_refuses_post(client, db):
    assert client.post(reverse("certificates:status_list")).status_code == 405


# --- the issuer's key ------------------------------------------------------


def test_did_document_publishes_the_signing_key(client, signed, db):
    response = client.get("/.well-known/did.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/did+ld+json"
    doc = json.loads(response.content)
    assert doc["id"] == "did:web:127.0.0.1%3A8000"
    [method] = doc["verificationMethod"]
    assert method["id"] == signed["proof"][0]["verificationMethod"]
    assert method["type"] == "Multikey"
    assert method["controller"] == doc["id"]
    assert method["publicKeyMultibase"].startswith("z6Mk")
    assert doc["assertionMethod"] == [method["id"]]
    public = keys.multikey_decode(value=method["publicKeyMultibase"])
    assert credentials.proof_verify(document=signed, public_key=public) == []


def test_did_web_encodes_port_and_path(settings):
    settings.SINAU_PUBLIC_URL = "https://sinau.example.id"
    assert keys.issuer_did() == "did:web:sinau.example.id"
    settings.SINAU_PUBLIC_URL = "https://desa.example.id:8443/sinau/"
    assert keys.issuer_did() == "did:web:desa.example.id%3A8443:sinau"


def test_key_from_env_text_is_used(settings, certificate):
    settings.SINAU_CREDENTIAL_KEY = "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq"
    key = keys.issuer_key()
    assert (
        key.public_key_multibase == "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
    )
    signed = credentials.credential_issue(certificate=certificate)
    assert credentials.credential_verify(signed).verdict == "VALID"


def test_missing_key_file_is_generated_once_in_development(settings, tmp_path):
    path = tmp_path / "k" / "credential-key.pem"
    settings.SINAU_CREDENTIAL_KEY = ""
    settings.SINAU_CREDENTIAL_KEY_FILE = str(path)
    settings.SINAU_CREDENTIAL_KEY_GENERATE = True
    first = keys.issuer_key().public_key_multibase
    assert path.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    assert path.stat().st_mode & 0o777 == 0o600
    assert keys.key_file_ensure(path=path) is False
    assert keys._configured_private_key() is not None
    assert (
        keys.multikey_encode(public_key=keys._configured_private_key().public_key())
        == first
    )


def test_missing_key_is_an_error_when_generation_is_off(settings, tmp_path):
    settings.SINAU_CREDENTIAL_KEY = ""
    settings.SINAU_CREDENTIAL_KEY_FILE = str(tmp_path / "none.pem")
    settings.SINAU_CREDENTIAL_KEY_GENERATE = False
    with pytest.raises(keys.CredentialKeyError):
        keys.issuer_key()
    assert not (tmp_path / "none.pem").exists()


def test_credential_key_command_creates_and_shows_the_key(settings, tmp_path):
    from io import StringIO

    settings.SINAU_CREDENTIAL_KEY = ""
    settings.SINAU_CREDENTIAL_KEY_FILE = str(tmp_path / "dev.pem")
    settings.SINAU_CREDENTIAL_KEY_GENERATE = True
    out = StringIO()
    call_command("credential_key", stdout=out)
    assert "Created a development credential key" in out.getvalue()
    assert keys.issuer_key().public_key_multibase in out.getvalue()
    out = StringIO()
    call_command("credential_key", stdout=out)
    assert "Created" not in out.getvalue()


def test_credential_key_new_writes_a_key_and_never_overwrites(tmp_path):
    from io import StringIO

    from django.core.management.base import CommandError

    path = tmp_path / "prod.pem"
    call_command("credential_key", "--new", str(path), stdout=StringIO())
    pem = path.read_bytes()
    keys.private_key_parse(text=pem)
    with pytest.raises(CommandError):
        call_command("credential_key", "--new", str(path), stdout=StringIO())
    assert path.read_bytes() == pem


# --- verify_credential -----------------------------------------------------


def test_verify_command_says_valid(signed, tmp_path):
    code, out = _verify_command(_write(tmp_path, signed))
    assert code == 0
    assert out.splitlines()[0] == "VALID"
    assert "Status: active" in out


def test_issued_proof_is_an_array_of_one(signed):
    """1EdTech's OB 3.0 JSON schema (achievementcredential.json) requires
    `proof` to be an array; a single object fails it."""
    assert isinstance(signed["proof"], list)
    assert len(signed["proof"]) == 1
    assert isinstance(signed["proof"][0], dict)


def test_verify_command_accepts_a_single_proof_object_too(signed, tmp_path):
    """VC Data Integrity allows `proof` as one object or a set: the same
    signature, unwrapped, is still VALID."""
    single = {**signed, "proof": signed["proof"][0]}
    code, out = _verify_command(_write(tmp_path, single))
    assert code == 0, out
    assert out.splitlines()[0] == "VALID"
    assert credentials.credential_verify(single).ok


@pytest.mark.parametrize(
    "proof",
    [[], None, "z123", [None]],
    ids=["empty set", "null", "a string", "a null in the set"],
)
def test_verify_command_says_invalid_without_a_proof_object(signed, tmp_path, proof):
    code, out = _verify_command(_write(tmp_path, {**signed, "proof": proof}))
    assert code == 1
    assert out.splitlines()[0] == "INVALID"


def test_every_proof_of_a_proof_set_must_verify(signed, tmp_path):
    """A second proof that does not verify (a copy with another creation
    time) makes the credential INVALID: a set is valid only as a whole."""
    forged = {**signed["proof"][0], "created": "2020-01-01T00:00:00Z"}
    code, out = _verify_command(
        _write(tmp_path, {**signed, "proof": [*signed["proof"], forged]})
    )
    assert code == 1
    assert "The signature does not match the credential." in out


def test_verify_command_says_invalid_with_the_reason(signed, tmp_path):
    tampered = copy.deepcopy(signed)
    tampered["name"] = tampered["name"].replace("C", "K", 1)
    code, out = _verify_command(_write(tmp_path, tampered))
    assert code == 1
    assert out.splitlines()[0] == "INVALID"
    assert "The signature does not match the credential." in out


def test_verify_command_says_invalid_for_a_file_that_is_not_json(tmp_path, db):
    path = tmp_path / "x.json"
    path.write_text("{not json", encoding="utf-8")
    code, out = _verify_command(str(path))
    assert code == 1
    assert out.startswith("INVALID")


def test_verify_command_without_a_database_checks_signature_only(signed, tmp_path):
    """`verify_credential` on a machine that cannot reach the database: the
    signature and shape are still checked; the status is reported unknown."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lms.settings.test",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:9/nowhere",  # closed port
    }
    path = _write(tmp_path, signed)
    run = subprocess.run(
        [sys.executable, "manage.py", "verify_credential", path],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.splitlines()[0] == "VALID"
    assert "unknown" in run.stdout
    tampered = copy.deepcopy(signed)
    tampered["validFrom"] = "2026-11-03T03:04:05Z"
    path = _write(tmp_path, tampered)
    run = subprocess.run(
        [sys.executable, "manage.py", "verify_credential", path],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 1
    assert run.stdout.splitlines()[0] == "INVALID"
