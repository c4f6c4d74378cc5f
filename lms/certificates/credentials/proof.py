"""W3C Data Integrity EdDSA Cryptosuites v1.0, ``eddsa-rdfc-2022`` (§3.3):
canonicalise the proof options (with the document's ``@context``) and the
document without its proof with RDFC-1.0 (pyld's URDNA2015: same output),
SHA-256 each, sign ``hash(proof options) ‖ hash(document)`` with Ed25519;
``proofValue`` = multibase base58-btc ('z…') of the 64-byte signature.
Every JSON-LD context comes from ``lms/certificates/jsonld/``: nothing is
ever fetched."""

from __future__ import annotations

import copy
import hashlib
from datetime import UTC, datetime

import base58
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from django.utils.translation import gettext as _
from pyld import jsonld as pyld_jsonld

from .. import jsonld as contexts

CRYPTOSUITE = "eddsa-rdfc-2022"
PROOF_TYPE = "DataIntegrityProof"


class CredentialError(ValueError):
    """A document that cannot be canonicalised, signed or verified."""


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
