"""W3C Bitstring Status List v1.0, Sinau's revocation list: ``encodedList``
= multibase base64url (no padding, prefix 'u') of the GZIP-compressed
bitstring, at least 16 KB (131,072 entries); index 0 is the left-most (most
significant) bit of the first byte; a set bit with ``statusPurpose``
"revocation" means revoked. The list is signed like a credential
(`proof.proof_add`) and kept in the cache until the set of revoked
certificates changes."""

from __future__ import annotations

import base64
import binascii
import gzip
import hashlib
from collections.abc import Iterable
from datetime import UTC, datetime

from django.core.cache import cache
from django.urls import reverse

from .. import jsonld as contexts
from ..keys import issuer_key, public_url
from ..models import STATUS_LIST_LENGTH, Certificate
from .proof import CredentialError, proof_add, xsd_datetime

STATUS_LIST_ID = "1"
STATUS_LIST_CACHE_KEY = "credentials:status-list:" + STATUS_LIST_ID
STATUS_LIST_CACHE_SECONDS = 60 * 60 * 24


def status_list_url(*, request=None) -> str:
    return public_url(request=request) + reverse("certificates:status_list")


def bitstring_encode(*, indexes: Iterable[int], length: int | None = None) -> str:
    """The ``encodedList`` for a list of `length` bits (default the model's
    STATUS_LIST_LENGTH) with the bits at `indexes` set."""
    length = length or STATUS_LIST_LENGTH
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
