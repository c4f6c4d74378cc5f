"""Verifying a credential offline: its shape (OB 3.0 §B.1.1 and the VC 2.0
data model), its eddsa-rdfc-2022 signature by Sinau's issuer key, and its
revocation bit in Sinau's own status list (built from the database, never
fetched)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from django.db import DatabaseError
from django.urls import reverse
from django.utils.translation import gettext as _

from lms.common.http import whole_number

from .. import jsonld as contexts
from ..keys import KEY_FRAGMENT, issuer_key
from .proof import proof_verify, proofs_of
from .status_list import bitstring_decode, bitstring_get, status_list_credential

ACTIVE = "active"
REVOKED = "revoked"
UNKNOWN = "unknown"


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
