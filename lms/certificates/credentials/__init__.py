"""Signed Open Badges 3.0 credentials for certificates, their verification,
and the Bitstring Status List that publishes revocations.

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

The modules: `proof` (Data Integrity), `badge` (the credential of a
certificate), `verify` (checking one), `status_list` (revocations). Their
names are re-exported here, as `lms.certificates.credentials.<name>`.
"""

from .badge import (
    CREDENTIAL_CONTEXT,
    credential_build,
    credential_issue,
    issuer_name,
    issuer_profile,
)
from .proof import (
    CRYPTOSUITE,
    PROOF_TYPE,
    CredentialError,
    _canonize,
    proof_add,
    proof_hash_data,
    proof_verify,
    proofs_of,
    xsd_datetime,
)
from .status_list import (
    STATUS_LIST_CACHE_KEY,
    STATUS_LIST_CACHE_SECONDS,
    STATUS_LIST_ID,
    bitstring_decode,
    bitstring_encode,
    bitstring_get,
    revoked_indexes,
    status_list_credential,
    status_list_invalidate,
    status_list_url,
)
from .verify import (
    ACTIVE,
    REVOKED,
    UNKNOWN,
    VerifyResult,
    credential_shape_errors,
    credential_verify,
)

__all__ = [
    "ACTIVE",
    "CREDENTIAL_CONTEXT",
    "CRYPTOSUITE",
    "PROOF_TYPE",
    "REVOKED",
    "STATUS_LIST_CACHE_KEY",
    "STATUS_LIST_CACHE_SECONDS",
    "STATUS_LIST_ID",
    "UNKNOWN",
    "CredentialError",
    "VerifyResult",
    "_canonize",
    "bitstring_decode",
    "bitstring_encode",
    "bitstring_get",
    "credential_build",
    "credential_issue",
    "credential_shape_errors",
    "credential_verify",
    "issuer_name",
    "issuer_profile",
    "proof_add",
    "proof_hash_data",
    "proof_verify",
    "proofs_of",
    "revoked_indexes",
    "status_list_credential",
    "status_list_invalidate",
    "status_list_url",
    "xsd_datetime",
]
