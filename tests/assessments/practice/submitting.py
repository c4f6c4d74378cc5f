"""Fixtures and sample files for the tests of sending practical-task work
(test_submit*.py, test_uploads.py, test_task_files.py, test_task_page.py).
Files are made here, in memory: real JPEG/PNG photos (one with EXIF GPS
coordinates and a rotated orientation), a WAV voice note, a PDF."""

import io
import math
import struct
import wave

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from PIL import ExifTags, Image
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from courses.services import enrollment_create
from tests.factories import trainee
from tests.factories.courses import course_tree
from tests.factories.practice import task_in

# The fixtures, for `from .submitting import *` in the test modules.
__all__ = ["course", "learner", "private_media", "task"]

GPS = {
    ExifTags.GPS.GPSLatitudeRef: "S",
    ExifTags.GPS.GPSLatitude: (7.0, 23.0, 10.5),
    ExifTags.GPS.GPSLongitudeRef: "E",
    ExifTags.GPS.GPSLongitude: (109.0, 21.0, 41.0),
}


def jpeg_bytes(width=3200, height=2400, *, gps=True, orientation=6, color="red"):
    """A JPEG as a phone takes it: EXIF with GPS coordinates, the camera
    model and an orientation (6: shown rotated 90 degrees)."""
    image = Image.new("RGB", (width, height), color)
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Murah"
    exif[ExifTags.Base.Model] = "HP 1"
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    if gps:
        exif.get_ifd(ExifTags.IFD.GPSInfo).update(GPS)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, quality=90)
    return out.getvalue()


def png_bytes(width=40, height=30):
    out = io.BytesIO()
    Image.new("RGBA", (width, height), (0, 0, 255, 128)).save(out, "PNG")
    return out.getvalue()


def photo(name="foto.jpg", content=None, content_type="image/jpeg"):
    return SimpleUploadedFile(name, content or jpeg_bytes(), content_type)


def wav_bytes(seconds=3.0, rate=16_000):
    out = io.BytesIO()
    with wave.open(out, "wb") as sound:
        sound.setnchannels(2)
        sound.setsampwidth(2)
        sound.setframerate(rate)
        frames = int(seconds * rate)
        sound.writeframes(
            b"".join(
                struct.pack("<hh", v, v)
                for v in (
                    int(8000 * math.sin(2 * math.pi * 440 * i / rate))
                    for i in range(frames)
                )
            )
        )
    return out.getvalue()


def voice(name="suara.m4a", content=None):
    return SimpleUploadedFile(
        name, wav_bytes() if content is None else content, "audio/mp4"
    )


def pdf_bytes(*, javascript=True, pages=1):
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=200, height=200)
    if javascript:
        writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
            {
                NameObject("/S"): NameObject("/JavaScript"),
                NameObject("/JS"): TextStringObject("app.alert(1)"),
            }
        )
    writer.add_metadata({"/Author": "Siti Rahayu", "/Title": "Rahasia"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf(name="rencana.pdf", content=None):
    return SimpleUploadedFile(name, content or pdf_bytes(), "application/pdf")


@pytest.fixture(autouse=True)
def private_media(tmp_path):
    """Each test stores its private files in a fresh folder of its own."""
    with override_settings(PRIVATE_MEDIA_ROOT=str(tmp_path / "private")):
        yield tmp_path / "private"


def stored_files(root) -> list:
    """Every file under the private media folder."""
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.fixture
def course(db):
    return course_tree(modules=1, lessons=1)


@pytest.fixture
def task(course):
    """Text of 5 to 50 words and up to 2 photos; resubmissions until pass."""
    return task_in(course, text_max_words=50)


@pytest.fixture
def learner(course):
    user = trainee()
    enrollment_create(user=user, course=course)
    return user


TEXT = "Gula semut asli Batu Ampar, manis legit dan harum."


def course_trainer(course):
    """A trainer whose page permissions cover `course` only (so the task is
    in their staff scope, `tasks_assessable_by`)."""
    from django.contrib.auth.models import Group, Permission
    from wagtail.models import GroupPagePermission

    from lms.accounts.roles import TRAINERS
    from tests.factories import UserFactory

    group = Group.objects.create(name=f"Pelatih {course.pk} {Group.objects.count()}")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    GroupPagePermission.objects.create(
        group=group,
        page=course,
        permission=Permission.objects.get(
            content_type__app_label="wagtailcore", codename="change_page"
        ),
    )
    user = UserFactory(role=TRAINERS)
    user.groups.add(group)
    return user


def issue_certificate(course, user):
    """The course's certificate issued to `user` (rows written directly, no
    worker): their portfolio is open."""
    from django.utils import timezone

    from courses.models import Enrollment
    from lms.certificates.services import certificate_ensure

    enrollment = Enrollment.objects.get(user=user, course=course)
    enrollment.status = Enrollment.Status.COMPLETED
    enrollment.completed_at = timezone.now()
    enrollment.save()
    certificate, _created = certificate_ensure(enrollment=enrollment)
    certificate.recipient_name = "Siti"
    certificate.status = certificate.Status.ISSUED
    certificate.save()
    return certificate
