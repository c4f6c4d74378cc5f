"""A media collection per course (docs/decisions/0013-course-media-collections.md):
images and documents of a course are filed together, under the "Sinau" collection that
trainers may upload to, so they inherit its permissions. A per-course trainers group can
be granted the course's collection alone in the admin's group settings."""

from __future__ import annotations

from django.db import transaction
from wagtail.models import Collection

from lms.accounts.roles import MEDIA_COLLECTION

from .models import CoursePage


def course_collection_ensure(*, course: CoursePage) -> Collection | None:
    """The collection named after `course` under "Sinau", created if it is
    missing. Idempotent (found by name, so renaming the course later keeps
    its collection under the old name until an admin renames it). Returns
    None when there is no "Sinau" collection (before roles are synced)."""
    parent = Collection.objects.filter(name=MEDIA_COLLECTION, depth=2).first()
    if parent is None:
        return None
    name = course.title[:255]
    with transaction.atomic():
        parent = Collection.objects.select_for_update().get(pk=parent.pk)
        found = parent.get_children().filter(name=name).first()
        return found or parent.add_child(name=name)
