"""What one trainee has done, read once and kept for read pages.

Every page a trainee reads (lesson, quiz, course, catalogue, Belajarku) shows
their enrolments and which steps they have finished. Instead of two queries
per page, those are read into a `ProgressSnapshot` kept in the shared cache
under a per-trainee *progress token*. The token is replaced whenever anything
the snapshot (or a per-trainee fragment keyed on the token) holds changes:
a lesson completion, a quiz attempt, an enrolment or a certificate is saved
or deleted (`progress_tracked` connects those models' signals), and every
write that bypasses signals (`QuerySet.update`, `bulk_create`) calls
`progress_changed` itself.

Like the content version (content/cache.py), the token is replaced at once
and again when the transaction commits: a snapshot is stored together with
the token read *before* its queries ran and used only while that token is
current, so a page that read the database before a write committed can never
serve what it read afterwards. Decisions (completing a course, starting an
attempt, enrolling) never use the snapshot: they read the database.

The snapshot is per trainee and never shared: its key names the user id."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import TypeVar

from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.db.models.signals import post_delete, post_save

from content.cache import content_version, shared_caches_usable

from .models import Enrollment
from .steps import step_models, steps_done, steps_waiting

TIMEOUT = 60 * 60 * 24
T = TypeVar("T")
_MISSING = object()
# How many times this process has changed progress: a snapshot kept on a
# request is used only while this is unchanged.
_changes = 0


def _token_key(user_id: int) -> str:
    return f"sinau:progress-token:{user_id}"


# Part of the snapshot's key: change it when ProgressSnapshot changes shape,
# so a process never reads a snapshot an older release stored.
SNAPSHOT_FORMAT = 4


def _snapshot_key(user_id: int) -> str:
    return f"sinau:progress:v{SNAPSHOT_FORMAT}:{user_id}"


@dataclass(frozen=True)
class ProgressSnapshot:
    """`done`: ids of every step page the trainee has finished (lessons
    done, quizzes passed; any course). `waiting`: ids of the step pages
    where the trainee waits for someone else (an essay to be marked).
    `enrollments`: course page id ->
    the trainee's Enrollment (withdrawn ones included), each with its
    course's tree path (`course_path`). `token`: the progress token it was
    read under, for keys of per-trainee fragments. `content`: the content
    version it was read under (content/cache.py): a course moved or
    reordered changes its tree path, and the snapshot with it."""

    token: str
    done: frozenset[int] = frozenset()
    waiting: frozenset[int] = frozenset()
    enrollments: dict = field(default_factory=dict)
    content: str = ""


def progress_changed(*user_ids: int) -> None:
    """Replace the progress token of each trainee in `user_ids` now and
    again when the current transaction commits."""
    global _changes
    ids = [int(i) for i in user_ids if i is not None]
    if not ids:
        return
    _changes += 1
    _new_tokens(ids)
    transaction.on_commit(partial(_new_tokens, ids))


def _new_tokens(user_ids: list[int]) -> None:
    cache.set_many({_token_key(i): uuid.uuid4().hex for i in user_ids}, TIMEOUT)


def progress_token(user_id: int) -> str:
    """The trainee's current progress token (created on first use)."""
    token = cache.get(_token_key(user_id))
    if token is None:
        cache.add(_token_key(user_id), uuid.uuid4().hex, TIMEOUT)
        token = cache.get(_token_key(user_id))
    return token


def progress_tokens(user_ids) -> dict[int, str]:
    """The current progress token of each trainee of `user_ids`, in two
    round trips to the shared cache whatever their number (for staff pages
    that keep per-trainee figures, lms/cohorts/facts.py). A trainee without
    a token gets a new one; {} when the shared cache cannot be reached.

    Unlike `progress_token`, the new tokens are written with `set_many`, not
    `add`, so one may replace a token a write set a moment before. That is
    safe: a token is only ever replaced by a value never used before, so
    what was stored under an older token can never become current again;
    the cost is one more read for that trainee."""
    ids = [int(i) for i in user_ids]
    if not ids:
        return {}
    found = cache.get_many([_token_key(i) for i in ids])
    tokens = {i: found[_token_key(i)] for i in ids if found.get(_token_key(i))}
    fresh = {i: uuid.uuid4().hex for i in ids if i not in tokens}
    if fresh:
        failed = cache.set_many(
            {_token_key(i): token for i, token in fresh.items()}, TIMEOUT
        )
        if failed:
            fresh = {i: t for i, t in fresh.items() if _token_key(i) not in failed}
        tokens.update(fresh)
    return tokens


def progress_snapshot(user, request=None) -> ProgressSnapshot:
    """`user`'s snapshot: from the shared cache when it was stored under the
    current token and content version, else read (two queries) and stored.
    Read afresh, and not stored, while a preview renders
    (content.cache.shared_caches_usable). Kept on `request` until this
    process changes anyone's progress. An anonymous user has an empty
    snapshot."""
    if user is None or not user.is_authenticated:
        return ProgressSnapshot(token="")
    if not shared_caches_usable(request):
        return _read(user, token="")
    # A page asks more than once: keep the snapshot on the request until
    # this process changes anyone's progress.
    memo = getattr(request, "_sinau_progress", None)
    if memo is not None and memo[:2] == (user.pk, _changes):
        return memo[2]
    snapshot = _cached_snapshot(user)
    if request is not None:
        request._sinau_progress = (user.pk, _changes, snapshot)
    return snapshot


def _cached_snapshot(user) -> ProgressSnapshot:
    token_key, snapshot_key = _token_key(user.pk), _snapshot_key(user.pk)
    found = cache.get_many([token_key, snapshot_key])
    token = found.get(token_key) or progress_token(user.pk)
    version = content_version()
    if not token or not version:  # the shared cache is unreachable
        return _read(user, token="", content=version)
    snapshot = found.get(snapshot_key)
    if (
        isinstance(snapshot, ProgressSnapshot)
        and snapshot.token == token
        and snapshot.content == version
    ):
        return snapshot
    snapshot = _read(user, token=token, content=version)
    cache.set(snapshot_key, snapshot, TIMEOUT)
    return snapshot


def progress_cached(user, key: str, build: Callable[[], T], request=None) -> T:
    """`build()` once per progress token of `user` and content version, kept
    in the shared cache under a key naming the user: for per-trainee data
    pages show (Belajarku's panels). Only data that depends on nothing but
    the trainee's progress rows and the content belongs here; what the
    request may see (courses/access.py) is applied by the caller afterwards.
    Just `build()` for an anonymous user or while a preview renders."""
    if user is None or not user.is_authenticated or not shared_caches_usable(request):
        return build()
    token, version = progress_token(user.pk), content_version()
    if not token or not version:  # the shared cache is unreachable
        return build()
    full_key = f"sinau:progress:{user.pk}:{token}:{version}:{key}"
    value = cache.get(full_key, _MISSING)
    if value is _MISSING:
        value = build()
        cache.set(full_key, value, TIMEOUT)
    return value


def _read(user, *, token: str, content: str = "") -> ProgressSnapshot:
    done = frozenset(steps_done(user, dict.fromkeys(step_models())))
    waiting = frozenset(steps_waiting(user, dict.fromkeys(step_models()))) - done
    enrollments = {
        e.course_id: e
        for e in Enrollment.objects.filter(user=user).annotate(
            course_path=F("course__path")
        )
    }
    return ProgressSnapshot(
        token=token,
        done=done,
        waiting=waiting,
        enrollments=enrollments,
        content=content,
    )


def _changed_by_signal(sender, instance, **kwargs) -> None:
    progress_changed(instance.user_id)


def progress_tracked(model) -> None:
    """Replace the owner's progress token whenever a `model` row (with a
    `user_id`) is saved or deleted. Called from each app's `ready()`."""
    uid = f"sinau-progress-{model._meta.label_lower}"
    post_save.connect(_changed_by_signal, sender=model, dispatch_uid=uid + "-save")
    post_delete.connect(_changed_by_signal, sender=model, dispatch_uid=uid + "-delete")
