"""Certificate files live in the private storage, never under MEDIA_ROOT (which
`/media/` serves); only the download views, which check access, serve them.
Every file field in the project is either private or listed here as public
with a reason, so the next private file in public storage fails a test."""

import importlib
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import models
from django.urls import reverse

from lms.certificates.models import Certificate
from lms.certificates.services import certificate_issue, certificate_revoke
from lms.common.storage import PrivateFileSystemStorage
from tests.factories import trainee

from .conftest import completed_enrollment

pytestmark = pytest.mark.django_db

# Files anyone may fetch by URL, and why. Anything else must be private.
PUBLIC_FILE_FIELDS = {
    # Course pictures, shown on public and enrolled pages alike.
    "wagtailimages.Image.file": "course and site pictures (alt text required)",
    "wagtailimages.Rendition.file": "resized copies of those pictures",
    # Wagtail serves documents through its own view (collection privacy), but
    # the files sit in MEDIA_ROOT: see
    # docs/decisions/0022-private-files-bounded-caches.md.
    "wagtaildocs.Document.file": "course audio, video and hand-outs",
    # Staff's own profile pictures in the admin (optional; off by default).
    "wagtailusers.UserProfile.avatar": "admin profile pictures of staff",
    # Wagtail's temporary copies of multi-uploads waiting for their details;
    # staff uploads of course media, deleted when the upload is completed.
    "wagtailcore.UploadedFile.file": "staff's unfinished media uploads",
}


@pytest.fixture
def issued(media, home):
    user = trainee(display_name="Dewi")
    return certificate_issue(enrollment_id=completed_enrollment(user=user).pk)


def _public_copy(certificate, field: str) -> Path:
    return Path(settings.MEDIA_ROOT) / getattr(certificate, field).name


def test_certificate_files_are_written_to_private_storage_only(issued, media):
    assert issued.status == Certificate.Status.ISSUED
    for field, suffix in (("pdf", "pdf"), ("credential", "json")):
        name = getattr(issued, field).name
        assert name == f"certificates/{issued.uuid}.{suffix}"
        assert (media / name).is_file()
        assert not _public_copy(issued, field).exists()
        assert not Path(settings.MEDIA_ROOT, name).exists()
        with pytest.raises(ValueError, match="no public URL"):
            _ = getattr(issued, field).url


def test_media_url_does_not_serve_a_certificate(issued, settings):
    # Wherever /media/ is served (runserver with DEBUG, a proxy serving the
    # media folder), it serves MEDIA_ROOT, where there is no certificate.
    from django.http import Http404
    from django.views.static import serve

    for field in ("pdf", "credential"):
        with pytest.raises(Http404):
            serve(None, getattr(issued, field).name, document_root=settings.MEDIA_ROOT)


def test_a_revoked_certificate_is_not_served_to_strangers(client, issued):
    certificate_revoke(certificate=issued, actor=None, reason="Salah orang")
    url = reverse("certificates:pdf", args=[issued.uuid])
    assert client.get(url).status_code == 302  # anonymous: log in first
    client.force_login(trainee())
    assert client.get(url).status_code == 404
    assert not _public_copy(issued, "pdf").exists()


def test_the_migration_moves_existing_files_out_of_public_media(issued, media):
    # A certificate issued before the change: its files in public media.
    public, private = storages["default"], storages["private"]
    for field in ("pdf", "credential"):
        name = getattr(issued, field).name
        with private.open(name, "rb") as handle:
            public.save(name, ContentFile(handle.read()))
        private.delete(name)
    migration = importlib.import_module(
        "lms.certificates.migrations.0002_private_files"
    )
    migration.to_private(apps, None)
    migration.to_private(apps, None)  # a second run changes nothing
    for field in ("pdf", "credential"):
        name = getattr(issued, field).name
        assert private.exists(name)
        assert not public.exists(name)
    assert (media / issued.pdf.name).read_bytes().startswith(b"%PDF-")


def _file_fields():
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField):
                label = f"{model._meta.app_label}.{model.__name__}.{field.name}"
                yield label, field


def test_every_file_field_is_private_or_listed_as_public():
    """The catch for the next instance: a new FileField/ImageField in public
    storage fails here until it is made private or listed with a reason."""
    unexpected = [
        label
        for label, field in _file_fields()
        if not isinstance(field.storage, PrivateFileSystemStorage)
        and field.storage is not storages["private"]
        and label not in PUBLIC_FILE_FIELDS
    ]
    assert unexpected == []
    private = {
        label
        for label, field in _file_fields()
        if field.storage is storages["private"]
        or isinstance(field.storage, PrivateFileSystemStorage)
    }
    assert {
        "certificates.Certificate.pdf",
        "certificates.Certificate.credential",
        "cohorts.CohortExport.file",
    } <= private
