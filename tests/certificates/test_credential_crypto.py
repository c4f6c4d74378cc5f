"""eddsa-rdfc-2022, keys and the status-list bitstring, without a database.

The test vector is the W3C Data Integrity EdDSA Cryptosuites v1.0 example for
eddsa-rdfc-2022 (the "Alumni Credential" in the vc-di-eddsa test vectors):
its key pair, signed credential, combined hash and proofValue."""

import copy
import socket
from datetime import UTC, datetime

import pytest
from django.utils import translation
from pyld.jsonld import JsonLdError

from lms.certificates import credentials, jsonld, keys

VECTOR_PUBLIC = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
VECTOR_SECRET = "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq"
VECTOR_COMBINED_HASH = (
    "4c4d3890a157f8d611b13c265c2c22f39aa0a567c7c7dd9ba3e45cd579784eeb"
    "517744132ae165a5349155bef0bb0cf2258fff99dfe1dbd914b938d775a36017"
)
VECTOR_PROOF_VALUE = (
    "z21EVs3eXERqTn4acNHT9viboqgzUaQ3kTmhPT3eA8qrVPE7CrQq78WkzctnMX5W4Crz"
    "cKnHw8V6dvy5pgWYCU5e9"
)
EXAMPLES_V2 = "https://www.w3.org/ns/credentials/examples/v2"
VECTOR_METHOD = f"https://vc.example/issuers/5678#{VECTOR_PUBLIC}"
VECTOR_SIGNED = {
    "@context": ["https://www.w3.org/ns/credentials/v2", EXAMPLES_V2],
    "id": "urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33",
    "type": ["VerifiableCredential", "AlumniCredential"],
    "name": "Alumni Credential",
    "description": "A minimum viable example of an Alumni Credential.",
    "issuer": "https://vc.example/issuers/5678",
    "validFrom": "2023-01-01T00:00:00Z",
    "credentialSubject": {
        "id": "did:example:abcdefgh",
        "alumniOf": "The School of Examples",
    },
    "proof": {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": "2023-02-24T23:36:38Z",
        "verificationMethod": VECTOR_METHOD,
        "proofPurpose": "assertionMethod",
        "proofValue": VECTOR_PROOF_VALUE,
    },
}


@pytest.fixture(autouse=True)
def _english():
    """Messages are compared in English (Indonesian is the default)."""
    with translation.override("en"):
        yield


@pytest.fixture
def vector_loader():
    """The shipped contexts plus the W3C examples context the vector uses."""
    examples = {"@context": {"@vocab": "https://www.w3.org/ns/credentials/examples#"}}
    return jsonld.document_loader({EXAMPLES_V2: examples})


@pytest.fixture
def no_network(monkeypatch):
    """Every attempt to reach another host fails (loopback still works, for
    PostgreSQL and Redis in CI)."""
    real_connect = socket.socket.connect
    real_getaddrinfo = socket.getaddrinfo
    local = {"127.0.0.1", "::1", "localhost"}
    attempts = []

    def connect(sock, address):
        host = address[0] if isinstance(address, tuple) else address
        if sock.family in (socket.AF_INET, socket.AF_INET6) and host not in local:
            attempts.append(address)
            raise OSError(f"network blocked in this test: {address}")
        return real_connect(sock, address)

    def getaddrinfo(host, *args, **kwargs):
        if host not in local:
            attempts.append(host)
            raise OSError(f"network blocked in this test: {host}")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return attempts


def test_vector_combined_hash_matches_the_spec(vector_loader):
    unsecured = {k: v for k, v in VECTOR_SIGNED.items() if k != "proof"}
    options = {k: v for k, v in VECTOR_SIGNED["proof"].items() if k != "proofValue"}
    data = credentials.proof_hash_data(
        document=unsecured, proof_options=options, loader=vector_loader
    )
    assert data.hex() == VECTOR_COMBINED_HASH


def test_vector_signing_reproduces_the_spec_proof_value(vector_loader):
    unsecured = {k: v for k, v in VECTOR_SIGNED.items() if k != "proof"}
    signed = credentials.proof_add(
        document=unsecured,
        private_key=keys.private_key_parse(text=VECTOR_SECRET),
        verification_method=VECTOR_METHOD,
        created=datetime(2023, 2, 24, 23, 36, 38, tzinfo=UTC),
        loader=vector_loader,
    )
    # The same proof, in a proof set of one (what the OB 3.0 schema requires).
    assert signed == {**VECTOR_SIGNED, "proof": [VECTOR_SIGNED["proof"]]}


def test_vector_verifies(vector_loader):
    public = keys.multikey_decode(value=VECTOR_PUBLIC)
    errors = credentials.proof_verify(
        document=VECTOR_SIGNED, public_key=public, loader=vector_loader
    )
    assert errors == []


def test_vector_with_one_changed_byte_fails(vector_loader):
    tampered = copy.deepcopy(VECTOR_SIGNED)
    tampered["credentialSubject"]["alumniOf"] = "The School of Examplez"
    public = keys.multikey_decode(value=VECTOR_PUBLIC)
    errors = credentials.proof_verify(
        document=tampered, public_key=public, loader=vector_loader
    )
    assert errors == ["The signature does not match the credential."]


def test_vector_with_changed_proof_options_fails(vector_loader):
    tampered = copy.deepcopy(VECTOR_SIGNED)
    tampered["proof"]["created"] = "2023-02-24T23:36:39Z"
    public = keys.multikey_decode(value=VECTOR_PUBLIC)
    errors = credentials.proof_verify(
        document=tampered, public_key=public, loader=vector_loader
    )
    assert errors == ["The signature does not match the credential."]


def test_vector_key_pair_round_trips_as_multikey():
    private = keys.private_key_parse(text=VECTOR_SECRET)
    assert keys.multikey_encode(public_key=private.public_key()) == VECTOR_PUBLIC
    assert keys.secret_multikey_encode(private_key=private) == VECTOR_SECRET


def test_pem_key_parses_to_the_same_key():
    private = keys.private_key_parse(text=VECTOR_SECRET)
    pem = keys.private_key_pem(private_key=private)
    again = keys.private_key_parse(text=pem)
    assert keys.multikey_encode(public_key=again.public_key()) == VECTOR_PUBLIC


@pytest.mark.parametrize(
    "text",
    ["", "not a key", "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2", "zzz0OIl"],
)
def test_bad_key_text_is_refused(text):
    with pytest.raises(keys.CredentialKeyError):
        keys.private_key_parse(text=text)


def test_loader_refuses_an_unknown_url():
    loader = jsonld.document_loader()
    with pytest.raises(JsonLdError) as exc:
        loader("https://example.org/some/context.jsonld", {})
    assert exc.value.code == "loading document failed"


def test_loader_serves_the_shipped_contexts():
    loader = jsonld.document_loader()
    for url in (jsonld.VC_V2, jsonld.OB_V3):
        assert "@context" in loader(url, {})["document"]


def test_a_document_with_a_remote_context_is_refused_without_fetching(no_network):
    doc = {
        "@context": [jsonld.VC_V2, "https://example.org/evil-context.jsonld"],
        "type": ["VerifiableCredential"],
    }
    with pytest.raises(credentials.CredentialError):
        credentials._canonize(doc)
    assert no_network == []


def test_an_undefined_property_is_refused_rather_than_left_unsigned():
    doc = {
        "@context": [jsonld.VC_V2, jsonld.OB_V3],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": "did:web:example.org", "type": ["Profile"], "name": "X"},
        "notInAnyContext": "changeable without breaking the proof",
    }
    with pytest.raises(credentials.CredentialError):
        credentials._canonize(doc)


def test_signing_and_verifying_work_with_the_network_blocked(no_network):
    private = keys.private_key_parse(text=VECTOR_SECRET)
    doc = {
        "@context": [jsonld.VC_V2, jsonld.OB_V3],
        "id": "urn:uuid:00000000-0000-4000-8000-000000000001",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Offline",
        "issuer": {"id": "did:web:example.org", "type": ["Profile"], "name": "X"},
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://example.org/a",
                "type": ["Achievement"],
                "name": "A",
                "description": "A",
                "criteria": {"narrative": "Done."},
            },
        },
    }
    signed = credentials.proof_add(
        document=doc,
        private_key=private,
        verification_method="did:web:example.org#key-1",
    )
    errors = credentials.proof_verify(document=signed, public_key=private.public_key())
    assert errors == []
    assert no_network == []


def test_bitstring_is_16_kb_gzip_with_index_zero_leftmost():
    encoded = credentials.bitstring_encode(indexes=[0, 9, 131071], length=131072)
    assert encoded.startswith("u")
    assert "=" not in encoded
    bits = credentials.bitstring_decode(encoded=encoded)
    assert len(bits) == 16384
    assert bits[0] == 0b1000_0000
    assert bits[1] == 0b0100_0000
    assert bits[-1] == 0b0000_0001
    assert sum(bin(b).count("1") for b in bits) == 3
    assert credentials.bitstring_get(bits=bits, index=9)
    assert not credentials.bitstring_get(bits=bits, index=10)


def test_bitstring_decode_refuses_non_multibase_and_non_gzip():
    with pytest.raises(credentials.CredentialError):
        credentials.bitstring_decode(encoded="H4sIAAAA")
    with pytest.raises(credentials.CredentialError):
        credentials.bitstring_decode(encoded="u" + "QUJD")


def test_an_undefined_type_is_refused():
    doc = {
        "@context": [jsonld.VC_V2, jsonld.OB_V3],
        "id": "urn:uuid:00000000-0000-4000-8000-000000000002",
        "type": ["VerifiableCredential", "OpenBadgeCredential", "DiplomaCredential"],
    }
    with pytest.raises(credentials.CredentialError, match="not an IRI"):
        credentials._canonize(doc)


def test_a_status_index_in_other_digits_is_a_shape_error():
    """str.isdigit() accepts "²"; the shape check reads ASCII digits only
    (lms.common.http.whole_number), like every other number Sinau reads."""
    from lms.certificates import credentials

    doc = {
        "credentialStatus": {
            "type": "BitstringStatusListEntry",
            "statusListIndex": "²",
            "statusListCredential": "https://x/c/status/1",
        }
    }
    errors = credentials.credential_shape_errors(doc=doc)
    assert any("credentialStatus" in str(e) for e in errors)
