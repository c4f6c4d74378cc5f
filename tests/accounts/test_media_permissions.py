"""Trainers upload images and documents (the "Sinau" collection) in the
admin and in the choosers; trainees cannot
(docs/decisions/0004-trainers-upload-media.md)."""

import io

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection, GroupCollectionPermission

from lms.accounts.roles import MEDIA_COLLECTION, TRAINERS, role_collections_sync

pytestmark = pytest.mark.django_db

Image = get_image_model()
Document = get_document_model()


def _png(name="produk.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    PILImage.new("RGB", (8, 8), (200, 120, 40)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def _sinau() -> Collection:
    return Collection.objects.get(name=MEDIA_COLLECTION)


def test_migrate_gives_trainers_add_change_choose_on_the_sinau_collection():
    granted = {
        f"{p.permission.content_type.app_label}.{p.permission.codename}"
        for p in GroupCollectionPermission.objects.filter(
            group__name=TRAINERS, collection=_sinau()
        ).select_related("permission__content_type")
    }
    assert granted == {
        "wagtailimages.add_image",
        "wagtailimages.change_image",
        "wagtailimages.choose_image",
        "wagtaildocs.add_document",
        "wagtaildocs.change_document",
        "wagtaildocs.choose_document",
    }


def test_collection_sync_is_idempotent():
    before = GroupCollectionPermission.objects.count()
    role_collections_sync(group_model=Group, permission_model=Permission)
    assert GroupCollectionPermission.objects.count() == before
    assert Collection.objects.filter(name=MEDIA_COLLECTION).count() == 1


def test_trainer_uploads_an_image_in_the_images_admin(client, a_trainer):
    client.force_login(a_trainer)
    assert client.get("/admin/images/add/").status_code == 200
    response = client.post(
        "/admin/images/add/",
        {"title": "Gula aren", "file": _png(), "collection": _sinau().pk},
    )
    assert response.status_code == 302
    image = Image.objects.get(title="Gula aren")
    assert image.collection == _sinau()
    assert image.uploaded_by_user == a_trainer
    assert image.file.storage.exists(image.file.name)


def test_trainer_uploads_an_image_from_the_chooser(client, a_trainer):
    client.force_login(a_trainer)
    chooser = client.get("/admin/images/chooser/")
    assert chooser.status_code == 200
    assert "/admin/images/chooser/create/" in chooser.content.decode()
    response = client.post(
        "/admin/images/chooser/create/",
        {
            "image-chooser-upload-title": "Kolang-kaling",
            "image-chooser-upload-file": _png("kolang.png"),
            "image-chooser-upload-collection": _sinau().pk,
        },
    )
    assert response.status_code == 200
    assert Image.objects.filter(title="Kolang-kaling").count() == 1


def test_trainer_uploads_a_document_from_the_chooser(client, a_trainer):
    client.force_login(a_trainer)
    response = client.post(
        "/admin/documents/chooser/create/",
        {
            "document-chooser-upload-title": "Lembar kerja",
            "document-chooser-upload-file": SimpleUploadedFile(
                "lembar.txt", b"Tulis caption untuk gula aren."
            ),
            "document-chooser-upload-collection": _sinau().pk,
        },
    )
    assert response.status_code == 200
    assert Document.objects.filter(title="Lembar kerja").count() == 1


def test_trainer_edits_an_image_of_the_sinau_collection(client, a_trainer):
    image = Image.objects.create(
        title="Foto lama", file=_png("lama.png"), collection=_sinau()
    )
    client.force_login(a_trainer)
    response = client.post(
        f"/admin/images/{image.pk}/",
        {"title": "Foto gula aren", "collection": _sinau().pk, "tags": ""},
    )
    assert response.status_code == 302
    image.refresh_from_db()
    assert image.title == "Foto gula aren"


def test_trainer_may_not_change_an_image_outside_the_sinau_collection(
    client, a_trainer
):
    private = Collection.get_first_root_node().add_child(name="Admin saja")
    image = Image.objects.create(
        title="Rahasia", file=_png("r.png"), collection=private
    )
    client.force_login(a_trainer)
    client.post(
        f"/admin/images/{image.pk}/",
        {"title": "Diganti", "collection": private.pk, "tags": ""},
    )
    image.refresh_from_db()
    assert image.title == "Rahasia"


def test_trainee_cannot_upload(client, a_trainee):
    client.force_login(a_trainee)
    assert client.get("/admin/images/add/").status_code == 302
    client.post(
        "/admin/images/add/",
        {"title": "Gula aren", "file": _png(), "collection": _sinau().pk},
    )
    client.post(
        "/admin/images/chooser/create/",
        {
            "image-chooser-upload-title": "Kolang-kaling",
            "image-chooser-upload-file": _png("kolang.png"),
            "image-chooser-upload-collection": _sinau().pk,
        },
    )
    client.post(
        "/admin/documents/chooser/create/",
        {
            "document-chooser-upload-title": "Lembar kerja",
            "document-chooser-upload-file": SimpleUploadedFile("l.txt", b"isi"),
            "document-chooser-upload-collection": _sinau().pk,
        },
    )
    assert not Image.objects.exists()
    assert not Document.objects.exists()
