"""Admin deletes that the database would refuse (a PROTECT foreign key, such
as a certificate holding on to its enrollment and course) are refused before
they start, with a message that says what holds on and what to do instead,
instead of a `ProtectedError` 500. Used by the admin hooks in
`lms/wagtail_hooks.py` for users, pages, snippets and bulk deletes."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from django.db import router
from django.db.models import Model
from django.db.models.deletion import Collector, ProtectedError, RestrictedError
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from wagtail.models import Page


def deletion_blockers(*, objects: Iterable[Model]) -> list[Model]:
    """The rows that would stop deleting `objects` (pages with all their
    descendants): what PROTECT or RESTRICT foreign keys point from. Walks
    the relations as Django's delete would, writes nothing. [] when the
    delete can go ahead."""
    targets: list[Model] = []
    for obj in objects:
        if isinstance(obj, Page):
            targets.extend(obj.get_descendants(inclusive=True).specific())
        else:
            targets.append(obj)
    if not targets:
        return []
    by_model: dict[type, list[Model]] = {}
    for target in targets:  # the collector takes one model at a time
        by_model.setdefault(type(target), []).append(target)
    collector = Collector(using=router.db_for_write(type(targets[0])))
    try:
        for group in by_model.values():
            collector.collect(group)
    except ProtectedError as exc:
        return list(exc.protected_objects)
    except RestrictedError as exc:
        return list(exc.restricted_objects)
    return []


def deletion_refusal(*, objects: Iterable[Model], blockers: list[Model]) -> str:
    """A translated sentence: what cannot be deleted, what holds on to it
    (counted by kind) and what to do instead."""
    objects = list(objects)
    names = ", ".join(f"“{obj}”" for obj in objects[:3])
    if len(objects) > 3:
        names += ", …"
    counts = Counter(capfirst(b._meta.verbose_name_plural) for b in blockers)
    held_by = "; ".join(f"{kind}: {n}" for kind, n in sorted(counts.items()))
    message = _(
        "%(names)s cannot be deleted: other records depend on it (%(held_by)s). "
        "Nothing was deleted."
    ) % {"names": names, "held_by": held_by}
    from django.contrib.auth import get_user_model

    if any(isinstance(obj, get_user_model()) for obj in objects):
        message += " " + _(
            "Deactivate the account instead: open it, untick “Active” and save. "
            "The person can no longer log in and their certificates stay valid."
        )
    elif any(isinstance(obj, Page) for obj in objects):
        message += " " + _(
            "Unpublish the page instead: it disappears from the site and its "
            "certificates stay valid."
        )
    return message
