"""Signed Open Badges 3.0 credentials for certificates, their verification, and
the Bitstring Status List that publishes revocations.

Spec sources:

- Open Badges 3.0 (1EdTech), ``OpenBadgeCredential`` / ``AchievementSubject`` /
  ``Achievement`` / ``Criteria`` / ``Profile`` / ``IdentityObject``;
- W3C VC Data Model 2.0 (``validFrom``, ``credentialStatus``);
- W3C Data Integrity EdDSA Cryptosuites v1.0, ``eddsa-rdfc-2022`` (§3.3):
  canonicalise the proof options (with the document's ``@context``) and the
  document without its proof with RDFC-1.0 (pyld's URDNA2015: same output),
  SHA-256 each, sign ``hash(proof options) ‖ hash(document)`` with Ed25519,
  ``proofValue`` = multibase base58-btc ('z…') of the 64-byte signature;
- W3C Bitstring Status List v1.0: ``encodedList`` = multibase base64url (no
  padding, prefix 'u') of the GZIP-compressed bitstring, at least 16 KB
  (131,072 entries); index 0 is the left-most (most significant) bit of the
  first byte; a set bit with ``statusPurpose`` "revocation" means revoked.

Every JSON-LD context comes from ``lms/certificates/jsonld/``: nothing is ever
fetched, so signing and verifying work offline.
"""

from __future__ import annotations

import base64
import binascii
import copy
import gzip
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit

import base58
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from pyld import jsonld as pyld_jsonld

from lms.common.http import whole_number

from . import jsonld as contexts
from .keys import KEY_FRAGMENT, issuer_key, public_url

CRYPTOSUITE = "eddsa-rdfc-2022"
PROOF_TYPE = "DataIntegrityProof"
CREDENTIAL_CONTEXT = [contexts.VC_V2, contexts.OB_V3]
STATUS_LIST_ID = "1"
STATUS_LIST_CACHE_KEY = "credentials:status-list:" + STATUS_LIST_ID
STATUS_LIST_CACHE_SECONDS = 60 * 60 * 24

ACTIVE = "active"
REVOKED = "revoked"
UNKNOWN = "unknown"


class CredentialError(ValueError):
    """A document that cannot be canonicalised, signed or verified."""


# --------------------------------------------------------------------------
# Data Integrity: eddsa-rdfc-2022
# --------------------------------------------------------------------------


def _relative_iris(node) -> bool:
    """Whether an expanded JSON-LD tree names a node or a type by a relative
    IRI (an undefined type such as "Foo"). Other processors drop those from
    the RDF; pyld resolves them against a made-up base (example.org), so
    either way they must not be signed or accepted."""
    if isinstance(node, list):
        return any(_relative_iris(item) for item in node)
    if not isinstance(node, dict):
        return False
    for key, value in node.items():
        if key in ("@id", "@type"):
            for iri in value if isinstance(value, list) else [value]:
                if isinstance(iri, str) and (
                    ":" not in iri or iri.startswith(pyld_jsonld.DEFAULT_BASE_IRI)
                ):
                    return True
        elif key != "@value" and _relative_iris(value):
            return True
    return False


def _canonize(document: dict, *, loader=None) -> str:
    """RDFC-1.0 canonical N-Quads of a JSON-LD document. A property the
    contexts do not define, or a type or id that is not an absolute IRI,
    makes this raise: RDF conversion would drop it from what is signed, so it
    could be added or changed without breaking the proof (the "safe mode"
    the Data Integrity spec asks for)."""
    dropped: list[str | None] = []
    processor = pyld_jsonld.JsonLdProcessor(on_property_dropped=dropped.append)
    options = {
        "algorithm": "URDNA2015",
        "format": "application/n-quads",
        "documentLoader": loader or contexts.document_loader(),
    }
    try:
        expanded = processor.expand(document, dict(options))
        nquads = processor.normalize(expanded, options)
    except pyld_jsonld.JsonLdError as exc:
        raise CredentialError(f"JSON-LD processing failed: {exc}") from exc
    if dropped:
        raise CredentialError(
            "The document has properties that its contexts do not define."
        )
    if _relative_iris(expanded):
        raise CredentialError("The document has a type or id that is not an IRI.")
    return nquads


def proof_hash_data(*, document: dict, proof_options: dict, loader=None) -> bytes:
    """``SHA-256(canonical proof options) ‖ SHA-256(canonical document)``:
    the 64 bytes that eddsa-rdfc-2022 signs. `document` has no ``proof``;
    `proof_options` has no ``proofValue``; it gets the document's
    ``@context``."""
    config = {**proof_options, "@context": document.get("@context")}
    config_hash = hashlib.sha256(_canonize(config, loader=loader).encode()).digest()
    doc_hash = hashlib.sha256(_canonize(document, loader=loader).encode()).digest()
    return config_hash + doc_hash


def xsd_datetime(value: datetime) -> str:
    """An aware datetime as an XSD dateTime in UTC, to the second."""
    return value.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def proof_add(
    *,
    document: dict,
    private_key: Ed25519PrivateKey,
    verification_method: str,
    created: datetime | None = None,
    loader=None,
) -> dict:
    """Return a copy of `document` secured with an eddsa-rdfc-2022
    DataIntegrityProof (proofPurpose assertionMethod). Deterministic for a
    given document, key and `created`. Raises CredentialError."""
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    options = {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": xsd_datetime(created or datetime.now(UTC)),
        "verificationMethod": verification_method,
        "proofPurpose": "assertionMethod",
    }
    data = proof_hash_data(document=unsecured, proof_options=options, loader=loader)
    signature = private_key.sign(data)
    proof = {**options, "proofValue": "z" + base58.b58encode(signature).decode()}
    # A proof set of one: 1EdTech's OB 3.0 JSON schema requires an array;
    # VC Data Integrity allows either shape and verifiers read both.
    return {**copy.deepcopy(unsecured), "proof": [proof]}


def proofs_of(document) -> list[dict] | None:
    """The proofs of `document` as a list: `proof` may be one object or an
    array of them (a proof set, VC Data Integrity 2.1). None when there is
    no proof, an empty array, or anything that is not a proof object."""
    if not isinstance(document, dict):
        return None
    proof = document.get("proof")
    proofs = proof if isinstance(proof, list) else [proof]
    if not proofs or not all(isinstance(p, dict) for p in proofs):
        return None
    return proofs


def proof_verify(*, document: dict, public_key: Ed25519PublicKey, loader=None) -> list:
    """Check the eddsa-rdfc-2022 proof of `document` against `public_key`.
    `proof` may be one object or a proof set (an array); every proof in the
    set must be one by this key that verifies (each signs the document
    without `proof`). Returns a list of problems (translated strings);
    empty means the signature is valid. Never raises for bad input."""
    proofs = proofs_of(document)
    if proofs is None:
        return [_("The credential has no proof, or more than one.")]
    for proof in proofs:
        errors = _proof_verify_one(
            document=document, proof=proof, public_key=public_key, loader=loader
        )
        if errors:
            return errors
    return []


def _proof_verify_one(
    *, document: dict, proof: dict, public_key: Ed25519PublicKey, loader=None
) -> list:
    """`proof_verify` for one proof object of `document`'s proof set."""
    if proof.get("type") != PROOF_TYPE or proof.get("cryptosuite") != CRYPTOSUITE:
        return [_("The proof is not a DataIntegrityProof with eddsa-rdfc-2022.")]
    if proof.get("proofPurpose") != "assertionMethod":
        return [_("The proof's purpose is not assertionMethod.")]
    value = proof.get("proofValue")
    try:
        if not isinstance(value, str) or not value.startswith("z"):
            raise ValueError
        signature = base58.b58decode(value[1:])
    except ValueError:
        signature = b""
    if len(signature) != 64:
        return [_("The proof value is not a base58-btc Ed25519 signature.")]
    try:
        datetime.fromisoformat(str(proof.get("created", "")).replace("Z", "+00:00"))
    except ValueError:
        return [_("The proof's creation time is not a date and time.")]
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    options = {k: v for k, v in proof.items() if k != "proofValue"}
    if "@context" in options:
        doc_context = unsecured.get("@context")
        proof_context = options["@context"]
        doc_list = doc_context if isinstance(doc_context, list) else [doc_context]
        proof_list = (
            proof_context if isinstance(proof_context, list) else [proof_context]
        )
        if doc_list[: len(proof_list)] != proof_list:
            return [_("The proof's @context does not match the credential's.")]
        unsecured["@context"] = proof_context
        del options["@context"]
    try:
        data = proof_hash_data(document=unsecured, proof_options=options, loader=loader)
    except CredentialError as exc:
        return [_("The credential cannot be canonicalised: %(error)s") % {"error": exc}]
    try:
        public_key.verify(signature, data)
    except InvalidSignature:
        return [_("The signature does not match the credential.")]
    return []


# --------------------------------------------------------------------------
# The OpenBadgeCredential for a certificate
# --------------------------------------------------------------------------


def issuer_name() -> str:
    """The issuing programme's name from the certificate settings (the Wagtail
    setting `CertificateSettings.programme_name`), else the site name."""
    try:
        from .models import CertificateSettings

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


def status_list_url(*, request=None) -> str:
    return public_url(request=request) + reverse("certificates:status_list")


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
    IdentityObject of type "name"."""
    course = certificate.course
    awarded = certificate.completed_at or certificate.issued_at or datetime.now(UTC)
    with translation.override(settings.LANGUAGE_CODE):
        narrative = _(
            "Completed every required lesson and passed every required quiz "
            "of the course “%(course)s” on Sinau."
        ) % {"course": course.title}
        description = (getattr(course, "summary", "") or "").strip() or _(
            "Certificate of completion of the course “%(course)s”."
        ) % {"course": course.title}
        credential_name = _("Certificate: %(course)s") % {"course": course.title}
    return {
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
                "id": _course_url(course),
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


# --------------------------------------------------------------------------
# Verification
# --------------------------------------------------------------------------


@dataclass
class VerifyResult:
    """What `credential_verify` found. `valid` is the signature alone;
    `ok` is what a verifier should act on: a valid signature by Sinau's key,
    a well-formed credential, and not revoked."""

    signature_valid: bool = False
    errors: list[str] = field(default_factory=list)  # signature problems
    shape_errors: list[str] = field(default_factory=list)
    status: str = UNKNOWN  # ACTIVE, REVOKED or UNKNOWN (not checked / unreachable)
    status_detail: str = ""

    @property
    def valid(self) -> bool:
        return self.signature_valid

    @property
    def ok(self) -> bool:
        return self.signature_valid and not self.shape_errors and self.status != REVOKED

    @property
    def verdict(self) -> str:
        """VALID, REVOKED or INVALID."""
        if not self.signature_valid or self.shape_errors:
            return "INVALID"
        return "REVOKED" if self.status == REVOKED else "VALID"


def _types(value) -> list:
    if isinstance(value, str):
        return [value]
    return value if isinstance(value, list) else []


def _datetime_ok(value) -> bool:
    if not isinstance(value, str) or "T" not in value:
        return False
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return parsed.tzinfo is not None


def credential_shape_errors(*, doc) -> list[str]:
    """What an OpenBadgeCredential must have (OB 3.0 §B.1.1 and the VC 2.0
    data model), as translated messages; empty when the shape is right."""
    if not isinstance(doc, dict):
        return [_("The credential is not a JSON object.")]
    errors = []
    context = doc.get("@context")
    if not isinstance(context, list) or context[:1] != [contexts.VC_V2]:
        errors.append(_("@context must start with the VC 2.0 context."))
    elif not any(
        isinstance(c, str) and c.startswith("https://purl.imsglobal.org/spec/ob/v3p0/")
        for c in context
    ):
        errors.append(_("@context must include the Open Badges 3.0 context."))
    types = _types(doc.get("type"))
    if "VerifiableCredential" not in types or not (
        {"OpenBadgeCredential", "AchievementCredential"} & set(types)
    ):
        errors.append(
            _("type must include VerifiableCredential and OpenBadgeCredential.")
        )
    if not isinstance(doc.get("id"), str) or ":" not in doc.get("id", ""):
        errors.append(_("id must be a URI."))
    if not isinstance(doc.get("name"), str) or not doc.get("name"):
        errors.append(_("name is missing."))
    issuer = doc.get("issuer")
    if not isinstance(issuer, dict) or "Profile" not in _types(issuer.get("type")):
        errors.append(_("issuer must be a Profile."))
    elif not isinstance(issuer.get("id"), str) or not issuer.get("name"):
        errors.append(_("issuer must have an id and a name."))
    if not _datetime_ok(doc.get("validFrom")):
        errors.append(_("validFrom must be a date and time with a time zone."))
    if "validUntil" in doc and not _datetime_ok(doc.get("validUntil")):
        errors.append(_("validUntil must be a date and time with a time zone."))
    subject = doc.get("credentialSubject")
    if not isinstance(subject, dict) or "AchievementSubject" not in _types(
        subject.get("type")
    ):
        errors.append(_("credentialSubject must be an AchievementSubject."))
    else:
        if not subject.get("id") and not subject.get("identifier"):
            errors.append(_("credentialSubject needs an id or an identifier."))
        achievement = subject.get("achievement")
        if not isinstance(achievement, dict) or "Achievement" not in _types(
            achievement.get("type")
        ):
            errors.append(_("credentialSubject.achievement must be an Achievement."))
        else:
            for key in ("id", "name", "description"):
                if not isinstance(achievement.get(key), str) or not achievement[key]:
                    errors.append(
                        _("credentialSubject.achievement.%(key)s is missing.")
                        % {"key": key}
                    )
            criteria = achievement.get("criteria")
            if not isinstance(criteria, dict) or not (
                criteria.get("id") or criteria.get("narrative")
            ):
                errors.append(
                    _(
                        "credentialSubject.achievement.criteria needs a "
                        "narrative or an id."
                    )
                )
    status = doc.get("credentialStatus")
    if status is not None and (
        not isinstance(status, dict)
        or status.get("type") != "BitstringStatusListEntry"
        or whole_number(str(status.get("statusListIndex", ""))) is None
        or not isinstance(status.get("statusListCredential"), str)
    ):
        errors.append(_("credentialStatus must be a BitstringStatusListEntry."))
    proofs = proofs_of(doc)
    if proofs is None:
        errors.append(_("proof is missing."))
    elif isinstance(issuer, dict) and not all(
        str(proof.get("verificationMethod", "")).startswith(str(issuer.get("id")) + "#")
        for proof in proofs
    ):
        errors.append(_("The proof's key does not belong to the issuer."))
    return errors


def _status_check(doc: dict) -> tuple[str, str]:
    """The revocation status from Sinau's own status list (built from the
    database, never fetched). UNKNOWN when the credential points elsewhere
    or the database cannot be reached."""
    entry = doc.get("credentialStatus")
    if not isinstance(entry, dict):
        return UNKNOWN, _("The credential has no status entry.")
    listed_at = urlsplit(str(entry.get("statusListCredential") or ""))
    if listed_at.scheme not in ("http", "https") or listed_at.path != reverse(
        "certificates:status_list"
    ):
        return UNKNOWN, _("The status list is not Sinau's: not checked.")
    try:
        index = int(entry.get("statusListIndex"))
        listed = status_list_credential()
    except (TypeError, ValueError):
        return UNKNOWN, _("The status list index is not a number.")
    except DatabaseError as exc:  # database down: say so, don't crash
        return UNKNOWN, _("The status list could not be read: %(error)s") % {
            "error": exc.__class__.__name__
        }
    bits = bitstring_decode(encoded=listed["credentialSubject"]["encodedList"])
    if not 0 <= index < len(bits) * 8:
        return UNKNOWN, _("The status list index is out of range.")
    if bitstring_get(bits=bits, index=index):
        return REVOKED, _("The issuer has revoked this credential.")
    return ACTIVE, _("Not revoked.")


def _sinau_method(method) -> bool:
    """Does `method` name Sinau's issuer key (`did:web:<host>#key-1`) under any
    address Sinau has been served at? Credentials keep the DID of the
    address they were issued under (lms/common/addresses.py); the signature, checked
    with Sinau's key, is what proves them."""
    return (
        isinstance(method, str)
        and method.startswith("did:web:")
        and method.endswith(f"#{KEY_FRAGMENT}")
        and "#" not in method[: -len(KEY_FRAGMENT) - 1]
    )


def credential_verify(doc, *, check_status: bool = True) -> VerifyResult:
    """Verify a credential offline: its shape, its eddsa-rdfc-2022 signature
    by Sinau's issuer key, and (with `check_status`) its revocation bit in
    Sinau's status list. Never raises for bad input: problems are listed in
    the result."""
    result = VerifyResult()
    result.shape_errors = credential_shape_errors(doc=doc)
    if not isinstance(doc, dict):
        result.errors = [_("The credential is not a JSON object.")]
        return result
    key = issuer_key()
    proofs = proofs_of(doc) or [{}]
    if any(not _sinau_method(p.get("verificationMethod")) for p in proofs):
        result.errors = [_("The credential was not signed with Sinau's issuer key.")]
    else:
        result.errors = proof_verify(document=doc, public_key=key.public_key)
    result.signature_valid = not result.errors
    if check_status and result.signature_valid:
        result.status, result.status_detail = _status_check(doc)
    return result


# --------------------------------------------------------------------------
# Bitstring Status List
# --------------------------------------------------------------------------


def _status_list_length() -> int:
    from .models import STATUS_LIST_LENGTH

    return STATUS_LIST_LENGTH


def bitstring_encode(*, indexes: Iterable[int], length: int | None = None) -> str:
    """The ``encodedList`` for a list of `length` bits (default the model's
    STATUS_LIST_LENGTH) with the bits at `indexes` set."""
    length = length or _status_list_length()
    bits = bytearray(length // 8)
    for index in indexes:
        bits[index // 8] |= 0x80 >> (index % 8)
    compressed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode("ascii")


def bitstring_decode(*, encoded: str) -> bytes:
    """The bitstring of an ``encodedList``. Raises CredentialError."""
    if not isinstance(encoded, str) or not encoded.startswith("u"):
        raise CredentialError("encodedList must be multibase base64url ('u…').")
    body = encoded[1:]
    try:
        compressed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        return gzip.decompress(compressed)
    except (binascii.Error, OSError, EOFError) as exc:
        raise CredentialError("encodedList is not GZIP-compressed base64url.") from exc


def bitstring_get(*, bits: bytes, index: int) -> bool:
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def revoked_indexes() -> list[int]:
    """Status list indexes of every revoked certificate, in order."""
    from .models import Certificate

    return sorted(
        Certificate.objects.filter(status=Certificate.Status.REVOKED).values_list(
            "status_list_index", flat=True
        )
    )


def status_list_credential(*, request=None) -> dict:
    """Sinau's signed BitstringStatusListCredential (purpose revocation),
    named by the address it is fetched at (`request`; lms/common/addresses.py).
    Rebuilt and re-signed only when the set of revoked certificates or that
    address changes (one query otherwise); the signed document is kept in
    the cache."""
    indexes = revoked_indexes()
    digest = hashlib.sha256(",".join(map(str, indexes)).encode()).hexdigest()
    cached = cache.get(STATUS_LIST_CACHE_KEY)
    key = issuer_key(request=request)
    url = status_list_url(request=request)
    if (
        cached
        and cached.get("digest") == digest
        and cached.get("key") == key.public_key_multibase
        and cached.get("doc", {}).get("id") == url
    ):
        return cached["doc"]
    unsigned = {
        "@context": [contexts.VC_V2],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": key.did,
        "validFrom": xsd_datetime(datetime.now(UTC)),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": bitstring_encode(indexes=indexes),
        },
    }
    doc = proof_add(
        document=unsigned,
        private_key=key.private_key,
        verification_method=key.verification_method,
    )
    cache.set(
        STATUS_LIST_CACHE_KEY,
        {"digest": digest, "key": key.public_key_multibase, "doc": doc},
        STATUS_LIST_CACHE_SECONDS,
    )
    return doc


def status_list_invalidate() -> None:
    """Forget the cached signed status list (called after a revocation
    commits). Not needed for correctness: a changed set of revoked
    certificates is noticed anyway; this only frees the stale copy."""
    cache.delete(STATUS_LIST_CACHE_KEY)
