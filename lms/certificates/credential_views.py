"""Public, machine-readable endpoints for credential verifiers: the issuer's
did:web document (its public key) and the signed revocation status list.

Both answer from the database and the key alone, so they work with the
workers down; both allow any origin (browser-based verifiers fetch them) and
may be cached by proxies for a short time.
"""

import hashlib
import json

from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.views.decorators.http import require_safe

from .credentials import status_list_credential
from .keys import did_document

DID_MAX_AGE = 60 * 60  # the key changes only when an operator rotates it
STATUS_LIST_MAX_AGE = 5 * 60  # a revocation is seen within five minutes


def _json_response(request, doc: dict, *, content_type: str, max_age: int):
    body = json.dumps(doc, ensure_ascii=False, indent=2).encode()
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    response = get_conditional_response(request, etag=etag)
    if response is None:
        response = HttpResponse(body, content_type=content_type)
    response["ETag"] = etag
    response["Access-Control-Allow-Origin"] = "*"
    patch_cache_control(response, public=True, max_age=max_age)
    return response


@require_safe
def did_document_view(request):
    """GET /.well-known/did.json: the did:web DID document with the issuer's
    Ed25519 public key as a Multikey (assertionMethod)."""
    return _json_response(
        request,
        did_document(request=request),
        content_type="application/did+ld+json",
        max_age=DID_MAX_AGE,
    )


@require_safe
def status_list_view(request):
    """GET /c/status/1: the signed BitstringStatusListCredential (revocation)
    that every issued credential's credentialStatus points to."""
    return _json_response(
        request,
        status_list_credential(request=request),
        content_type="application/vc+ld+json",
        max_age=STATUS_LIST_MAX_AGE,
    )
