"""A shared cache for what every page view needs but rarely changes: the
site, URL routes, view restrictions and course outlines.

Everything is stored under a *content version*, a token that changes
whenever a page, a view restriction, a site, a snippet or a learning path is
saved, moved or deleted. Nothing is invalidated key by key: a change makes
every old entry unreachable at once. The cache is shared by every process
(Redis in production, a file cache under var/ by default), so a trainer's
publish is seen by all web workers at once.

Only what is live goes in: a key names what was rendered (the live revision
and the language for rendered fragments, see `templatetags/content_cache.py`),
and while a preview is rendered (`shared_caches_bypassed`, entered by
`lms.middleware.ContentCacheMiddleware` for Wagtail's preview requests) every
lookup builds afresh and stores nothing, so a draft never reaches a trainee
and a preview never shows stale live content. Everything in Sinau that caches
content goes through `cached` or `cached_many`."""

from __future__ import annotations

import functools
import hashlib
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

import django
import wagtail
from django.conf import settings
from django.core.cache import InvalidCacheBackendError, cache, caches
from django.db import transaction

T = TypeVar("T")
VERSION_KEY = "sinau:content-version"
TIMEOUT = 60 * 60 * 6
_MISSING = object()
# Within one request the version is read once (see `pinned_version`).
_pinned: ContextVar[str | None] = ContextVar("sinau_content_version", default=None)
# True while a preview (or anything else not live) is rendered.
_bypassed: ContextVar[bool] = ContextVar("sinau_content_cache_bypassed", default=False)


@contextmanager
def shared_caches_bypassed() -> Iterator[None]:
    """Within this block `cached` and `cached_many` neither read nor write
    the shared cache: for previews and drafts."""
    token = _bypassed.set(True)
    try:
        yield
    finally:
        _bypassed.reset(token)


def shared_caches_usable(request=None) -> bool:
    """False while previewing: in `shared_caches_bypassed`, or for a request
    Wagtail marks as a preview (`is_preview`) or as its dummy preview request
    (`is_dummy`)."""
    if _bypassed.get():
        return False
    return not (
        getattr(request, "is_preview", False) or getattr(request, "is_dummy", False)
    )


# What renders and computes the cached entries: Sinau's apps, templates and
# translations.
CODE_DIRS = (
    "templates",
    "lms",
    "content",
    "courses",
    "assessments",
    "locale",
    "locale_wagtail",
)
CODE_SUFFIXES = {".py", ".html", ".txt", ".mo"}


@functools.cache
def code_version() -> str:
    """A fingerprint (16 hex digits) of the code this process renders with:
    Sinau's Python files, templates and compiled translations, the static
    files' manifest (hashed names) when there is one, and the Django and
    Wagtail versions. It is part of every content version, because the
    shared cache outlives a restart: after a deploy that changes any of
    these, nothing rendered by the old code is served, and two releases
    running side by side never share an entry. Read once per process."""
    digest = hashlib.blake2b(digest_size=8)
    digest.update(f"{django.__version__} {wagtail.__version__}".encode())
    base = settings.BASE_DIR
    files = sorted(
        path
        for folder in CODE_DIRS
        for path in (base / folder).rglob("*")
        if path.suffix in CODE_SUFFIXES and path.is_file()
    )
    manifest = settings.STATIC_ROOT and (settings.STATIC_ROOT / "staticfiles.json")
    if manifest and manifest.is_file():
        files.append(manifest)
    for path in files:
        digest.update(
            str(path.relative_to(base) if path.is_relative_to(base) else path).encode()
        )
        digest.update(path.read_bytes())
    return digest.hexdigest()


def content_version() -> str:
    """The current content version: this process's `code_version()` and
    the token in the shared cache that any content change replaces
    (created on first use). "" when the shared cache cannot be reached
    (lms/cache.py answers as an empty cache that keeps nothing): then
    nothing is read from or stored in any content cache, and every page is
    built from the database."""
    pinned = _pinned.get()
    if pinned is not None:
        return pinned
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, None)
        version = cache.get(VERSION_KEY)
    if version is None:
        return ""
    return f"{code_version()}.{version}"


def content_changed(**kwargs) -> None:
    """Start a new content version now, and again when the current
    transaction commits: another process may cache what it reads before the
    commit, and the second change makes that unreachable. Connected to the
    signals in apps.py."""
    _new_version()
    transaction.on_commit(_new_version)


def _new_version() -> None:
    version = uuid.uuid4().hex
    cache.set(VERSION_KEY, version, None)
    if _pinned.get():
        _pinned.set(f"{code_version()}.{version}")


def content_cache_recovered(**kwargs) -> None:
    """The shared cache is reachable again after an outage (the
    `lms.common.cache.cache_recovered` signal): a content change made meanwhile
    could not replace the version, so start a new one; the old entries,
    and the progress snapshots keyed on the version, become unreachable."""
    _new_version()


@contextmanager
def pinned_version() -> Iterator[str]:
    """Read the content version once for a whole request (one cache read
    instead of one per lookup); a change made during the request moves on."""
    token = _pinned.set(content_version())
    try:
        yield _pinned.get()
    finally:
        _pinned.reset(token)


def _local():
    """This process's copy of versioned entries (the `content` cache alias,
    a LocMemCache), or None when not configured. An entry under a content
    version never changes, so a process may keep what it read from the
    shared cache: only the version itself is read from the shared cache on
    every request, and a publish anywhere still shows everywhere at once.
    LocMemCache pickles, so every read is a fresh copy."""
    try:
        return caches["content"]
    except InvalidCacheBackendError:
        return None


def cached(
    key: str, build: Callable[[], T], *, keep: Callable[[T], bool] | None = None
) -> T:
    """`build()` once per content version, shared across processes; just
    `build()` while previewing or while the shared cache is unreachable.
    With `keep`, a built value is stored only when `keep(value)` is true:
    for lookups keyed on what a visitor typed (a URL path), store what
    exists and never the misses, so no visitor can add keys at will."""
    if not shared_caches_usable():
        return build()
    version = content_version()
    if not version:  # the shared cache is unreachable
        return build()
    full_key = f"sinau:{version}:{key}"
    local = _local()
    if local is not None:
        value = local.get(full_key, _MISSING)
        if value is not _MISSING:
            return value
    value = cache.get(full_key, _MISSING)
    if value is _MISSING:
        value = build()
        if keep is not None and not keep(value):
            return value
        cache.set(full_key, value, TIMEOUT)
    if local is not None:
        local.set(full_key, value, TIMEOUT)
    return value


def cached_many(prefix: str, ids: list, build: Callable[[list], dict]) -> dict:
    """Like `cached` for many ids at once: one cache round-trip, and one
    `build(missing_ids)` call (so one query) for whatever is missing. Just
    `build(ids)` while previewing."""
    if not shared_caches_usable():
        built = build(list(ids))
        return {i: built.get(i) for i in ids}
    version = content_version()
    if not version:  # the shared cache is unreachable
        built = build(list(ids))
        return {i: built.get(i) for i in ids}
    keys = {f"sinau:{version}:{prefix}:{i}": i for i in ids}
    local = _local()
    found = local.get_many(list(keys)) if local is not None else {}
    if len(found) < len(keys):
        shared = cache.get_many([k for k in keys if k not in found])
        if local is not None and shared:
            local.set_many(shared, TIMEOUT)
        found.update(shared)
    values = {keys[k]: v for k, v in found.items()}
    missing = [i for i in ids if i not in values]
    if missing:
        built = build(missing)
        fresh = {f"sinau:{version}:{prefix}:{i}": built.get(i) for i in missing}
        cache.set_many(fresh, TIMEOUT)
        if local is not None:
            local.set_many(fresh, TIMEOUT)
        values.update({i: built.get(i) for i in missing})
    return values
