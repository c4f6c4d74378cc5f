"""Private file storage: files only views that check access may serve.

`storages["private"]` (settings `STORAGES["private"]`) holds cohort exports and
certificate files (PDF and signed credential). On disk it is
`PRIVATE_MEDIA_ROOT` (`DJANGO_PRIVATE_MEDIA_ROOT`), outside `MEDIA_ROOT`, and it
has no URL: nothing under `/media/` (or a proxy serving it) can reach it. In
production `STORAGES["private"]` may name a private S3-compatible bucket."""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.utils.functional import cached_property


def private_storage():
    """The private storage (a callable, so migrations name it, not a path)."""
    return storages["private"]


class PrivateFileSystemStorage(FileSystemStorage):
    """A FileSystemStorage under `PRIVATE_MEDIA_ROOT` (read when first used,
    and again when a test changes the setting) that refuses to make URLs."""

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "PRIVATE_MEDIA_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)

    def url(self, name):
        raise ValueError("private files have no public URL; serve them by a view")
