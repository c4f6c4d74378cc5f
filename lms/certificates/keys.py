"""The issuer's Ed25519 key: loading it from settings, generating a development
key, and publishing the public half as a Multikey in a did:web document.

Where the key comes from (first match wins):

- ``SINAU_CREDENTIAL_KEY``: the private key as PEM text (PKCS#8) or as a
  multibase Multikey secret (``z3u2…``: base58-btc of the multicodec
  ``ed25519-priv`` 0x1300 and the 32-byte seed), e.g. from a secret store;
- ``SINAU_CREDENTIAL_KEY_FILE``: a path to a PEM file (default
  ``var/credential-key.pem``). When ``SINAU_CREDENTIAL_KEY_GENERATE`` is on
  (development and tests) a missing file is created with a new key; in
  production the settings refuse to start without a key.

Spec sources: W3C Controlled Identifiers 1.0 §2.2.2 (Multikey: multicodec
``ed25519-pub`` 0xed01 + 32 bytes, base58-btc, so ``z6Mk…``), did:web method
(``did:web:<host>`` with ``:`` in a port percent-encoded as ``%3A``, resolved
at ``https://<host>/.well-known/did.json``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote, urlsplit

import base58
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from lms.common.addresses import public_origin

ED25519_PUB_PREFIX = b"\xed\x01"  # multicodec ed25519-pub, as a varint
ED25519_PRIV_PREFIX = b"\x80\x26"  # multicodec ed25519-priv (0x1300), as a varint
KEY_FRAGMENT = "key-1"


class CredentialKeyError(ImproperlyConfigured):
    """The configured credential key is missing or unreadable."""


@dataclass(frozen=True)
class IssuerKey:
    """The issuer's signing key and the names it is published under."""

    private_key: Ed25519PrivateKey
    did: str  # did:web:<host>
    verification_method: str  # <did>#key-1

    @property
    def public_key(self) -> Ed25519PublicKey:
        return self.private_key.public_key()

    @property
    def public_key_multibase(self) -> str:
        return multikey_encode(public_key=self.public_key)


def multikey_encode(*, public_key: Ed25519PublicKey) -> str:
    """The public key as a Multikey ``publicKeyMultibase`` ('z6Mk…')."""
    raw = public_key.public_bytes(
        encoding=serialization.Encoding.Raw, format=serialization.PublicFormat.Raw
    )
    return "z" + base58.b58encode(ED25519_PUB_PREFIX + raw).decode("ascii")


def multikey_decode(*, value: str) -> Ed25519PublicKey:
    """Parse a Multikey ``publicKeyMultibase``. Raises ValueError when it is
    not a base58-btc ed25519-pub key."""
    if not value.startswith("z"):
        raise ValueError("publicKeyMultibase must be base58-btc ('z…')")
    raw = base58.b58decode(value[1:])
    if len(raw) != 34 or raw[:2] != ED25519_PUB_PREFIX:
        raise ValueError("publicKeyMultibase is not an Ed25519 public key")
    return Ed25519PublicKey.from_public_bytes(raw[2:])


def secret_multikey_encode(*, private_key: Ed25519PrivateKey) -> str:
    """The private key as a multibase Multikey secret ('z3u2…')."""
    seed = private_key.private_bytes(
        encoding=serialization.Encoding.Raw,
        format=serialization.PrivateFormat.Raw,
        encryption_algorithm=serialization.NoEncryption(),
    )
    return "z" + base58.b58encode(ED25519_PRIV_PREFIX + seed).decode("ascii")


def private_key_parse(*, text: str | bytes) -> Ed25519PrivateKey:
    """Parse a private key given as PEM (PKCS#8) or as a multibase Multikey
    secret. Raises CredentialKeyError with the reason when it is neither."""
    if isinstance(text, bytes):
        text = text.decode("ascii", errors="replace")
    text = text.strip()
    if text.startswith("-----BEGIN"):
        try:
            key = serialization.load_pem_private_key(text.encode(), password=None)
        except (ValueError, TypeError) as exc:
            raise CredentialKeyError(f"Unreadable PEM credential key: {exc}") from exc
        if not isinstance(key, Ed25519PrivateKey):
            raise CredentialKeyError("The credential key must be an Ed25519 key.")
        return key
    if text.startswith("z"):
        try:
            raw = base58.b58decode(text[1:])
        except ValueError as exc:
            raise CredentialKeyError("Unreadable multibase credential key.") from exc
        if len(raw) == 34 and raw[:2] == ED25519_PRIV_PREFIX:
            return Ed25519PrivateKey.from_private_bytes(raw[2:])
        raise CredentialKeyError(
            "A multibase credential key must be an ed25519-priv Multikey (z3u2…)."
        )
    raise CredentialKeyError(
        "The credential key must be PEM (-----BEGIN PRIVATE KEY-----) "
        "or a multibase Multikey (z3u2…)."
    )


def private_key_pem(*, private_key: Ed25519PrivateKey) -> bytes:
    """PKCS#8 PEM, unencrypted (protect the file with its permissions)."""
    return private_key.private_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.NoEncryption(),
    )


def key_file_ensure(*, path: Path) -> bool:
    """Create a new Ed25519 key at `path` (mode 0600) unless a file is already
    there. Returns True when it created one. Safe when several processes start
    at once: the file is created exclusively, so one of them writes it and the
    others keep what it wrote."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = private_key_pem(private_key=Ed25519PrivateKey.generate())
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(pem)
        try:
            os.link(tmp, path)  # atomic, fails when another process won
        except FileExistsError:
            return False
        return True
    finally:
        tmp.unlink(missing_ok=True)


def public_url(*, request=None) -> str:
    """Sinau's public base URL without a trailing slash: the one rule for
    public links (`lms.common.addresses.public_origin`)."""
    return public_origin(request=request)


def issuer_did(*, request=None) -> str:
    """did:web for the public URL's host (a port is percent-encoded; a path
    becomes ':'-separated segments, as the did:web method says). Credentials
    keep the DID they were signed with (`credential_verify` accepts any
    did:web whose key is Sinau's)."""
    parts = urlsplit(public_url(request=request))
    did = "did:web:" + quote(parts.netloc, safe="")
    segments = [quote(s, safe="") for s in parts.path.split("/") if s]
    return ":".join([did, *segments])


def _configured_private_key() -> Ed25519PrivateKey:
    text = getattr(settings, "SINAU_CREDENTIAL_KEY", "")
    if text:
        return private_key_parse(text=text)
    path_setting = getattr(settings, "SINAU_CREDENTIAL_KEY_FILE", "")
    if not path_setting:
        raise CredentialKeyError(
            "No credential key: set SINAU_CREDENTIAL_KEY or SINAU_CREDENTIAL_KEY_FILE."
        )
    path = Path(path_setting)
    if not path.is_file() and getattr(settings, "SINAU_CREDENTIAL_KEY_GENERATE", False):
        key_file_ensure(path=path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CredentialKeyError(
            f"Cannot read the credential key {path}: {exc}"
        ) from exc
    return private_key_parse(text=data)


@lru_cache(maxsize=4)
def _issuer_key(key_text_or_path: str, did: str) -> IssuerKey:
    del key_text_or_path  # only the cache key: a settings change reloads
    return IssuerKey(
        private_key=_configured_private_key(),
        did=did,
        verification_method=f"{did}#{KEY_FRAGMENT}",
    )


def issuer_key(*, request=None) -> IssuerKey:
    """The configured issuer key, read once per process (and again when the
    settings name another key, as tests do), named by the did:web of the
    public URL (`request`'s address unless SINAU_PUBLIC_URL is set).
    Raises CredentialKeyError."""
    source = getattr(settings, "SINAU_CREDENTIAL_KEY", "") or str(
        getattr(settings, "SINAU_CREDENTIAL_KEY_FILE", "")
    )
    return _issuer_key(source, issuer_did(request=request))


def did_document(*, request=None) -> dict:
    """The did:web DID document publishing the issuer's public key as a
    Multikey verification method usable for assertions (signing credentials),
    for the DID of the address it is fetched at (`request`)."""
    key = issuer_key(request=request)
    method = {
        "id": key.verification_method,
        "type": "Multikey",
        "controller": key.did,
        "publicKeyMultibase": key.public_key_multibase,
    }
    return {
        "@context": [
            "https://www.w3.org/ns/did/v1",
            "https://w3id.org/security/multikey/v1",
        ],
        "id": key.did,
        "verificationMethod": [method],
        "assertionMethod": [key.verification_method],
    }
