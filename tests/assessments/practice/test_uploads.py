"""The files of a submission (uploads.py and the services that store them):
photos re-encoded without EXIF (the stored file is read back), files that
lie about their type, sizes, the voice note's transcoding, PDF rewriting."""

import io

import av
import pytest
from django.test import override_settings
from PIL import Image
from pypdf import PdfReader

from assessments.models import Submission, SubmissionFile
from assessments.practice import uploads
from assessments.practice.services import (
    submission_create,
    submission_voice_transcode,
)
from assessments.practice.uploads import UploadRefused
from assessments.tasks import submission_voice_transcode_task
from tests.factories.practice import task_in

from .submitting import *  # noqa: F403 (fixtures)
from .submitting import (
    TEXT,
    jpeg_bytes,
    pdf,
    pdf_bytes,
    photo,
    png_bytes,
    stored_files,
    voice,
    wav_bytes,
)


def test_stored_photo_has_no_exif_and_is_upright_and_small(learner, task):
    made = submission_create(user=learner, task=task, text=TEXT, photos=[photo()])

    row = made.files.get()
    with row.file.open("rb") as handle:
        content = handle.read()
    stored = Image.open(io.BytesIO(content))
    assert stored.format == "JPEG"
    assert dict(stored.getexif()) == {}
    assert "exif" not in stored.info
    assert b"Exif" not in content
    assert b"Murah" not in content
    # Orientation 6 on a 3200x2400 original: upright it is 2400 wide.
    assert (stored.width, stored.height) == (1200, 1600)
    assert (row.width, row.height, row.size) == (1200, 1600, len(content))


def test_png_with_transparency_becomes_a_jpeg(learner, task):
    made = submission_create(
        user=learner,
        task=task,
        text=TEXT,
        photos=[photo("a.png", png_bytes(), "image/png")],
    )

    row = made.files.get()
    with row.file.open("rb") as handle:
        stored = Image.open(io.BytesIO(handle.read()))
    assert (stored.format, stored.size, row.content_type) == (
        "JPEG",
        (40, 30),
        "image/jpeg",
    )


def test_php_file_named_jpg_is_refused_and_stores_nothing(learner, task, private_media):
    script = photo("foto.jpg", b"<?php echo shell_exec($_GET['c']); ?>", "image/jpeg")

    with pytest.raises(UploadRefused) as refused:
        submission_create(user=learner, task=task, text=TEXT, photos=[script])

    assert refused.value.message == "Foto 1 bukan foto JPEG, PNG, atau WebP."
    assert refused.value.field == "photos"
    assert not Submission.objects.exists()
    assert stored_files(private_media) == []


def test_gif_is_refused_whatever_its_name(learner, task):
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, "GIF")

    with pytest.raises(UploadRefused, match="bukan foto JPEG, PNG, atau WebP"):
        submission_create(
            user=learner, task=task, text=TEXT, photos=[photo("a.jpg", out.getvalue())]
        )

    assert not Submission.objects.exists()


def test_sixty_megabyte_photo_is_refused_before_it_is_read(
    learner, task, private_media
):
    huge = photo("besar.jpg", b"\xff\xd8\xff" + b"\0" * (60 * 1024 * 1024))

    with pytest.raises(UploadRefused) as refused:
        submission_create(user=learner, task=task, text=TEXT, photos=[huge])

    assert refused.value.message == "Foto 1 terlalu besar: paling besar 15 MB."
    assert stored_files(private_media) == []


@override_settings(SINAU_TASK_PHOTO_MAX_PIXELS=1_000_000)
def test_too_many_pixels_is_refused(learner, task):
    with pytest.raises(UploadRefused, match="terlalu banyak pikselnya"):
        submission_create(
            user=learner,
            task=task,
            text=TEXT,
            photos=[photo(content=jpeg_bytes(1200, 1000, gps=False))],
        )

    assert not Submission.objects.exists()


def test_decompression_bomb_is_refused():
    # A PNG that claims 40,000 x 40,000 pixels in a few kilobytes.
    out = io.BytesIO()
    Image.new("1", (40_000, 40_000)).save(out, "PNG")
    bomb = photo("bom.png", out.getvalue(), "image/png")

    with pytest.raises(UploadRefused, match="terlalu banyak pikselnya"):
        uploads.photo_clean(bomb)


def test_truncated_jpeg_is_refused():
    broken = photo("a.jpg", jpeg_bytes(gps=False)[:2000])

    with pytest.raises(UploadRefused, match="bukan foto JPEG, PNG, atau WebP"):
        uploads.photo_clean(broken)


# -- voice notes ----------------------------------------------------------------


@pytest.fixture
def voice_task(course):
    return task_in(course, accepts_voice=True, accepts_text=False, photos_max=0)


def test_zero_byte_voice_note_is_refused(learner, voice_task, private_media):
    with pytest.raises(UploadRefused) as refused:
        submission_create(user=learner, task=voice_task, voice=voice(content=b""))

    assert refused.value.message == "Catatan suara kosong."
    assert refused.value.field == "voice"
    assert not Submission.objects.exists()
    assert stored_files(private_media) == []


def test_text_file_is_not_a_voice_note(learner, voice_task):
    with pytest.raises(UploadRefused) as refused:
        submission_create(
            user=learner, task=voice_task, voice=voice(content=b"halo " * 1000)
        )

    assert (
        refused.value.message
        == "Catatan suara bukan rekaman suara yang dapat kami putar."
    )
    assert not Submission.objects.exists()


def test_photo_is_not_a_voice_note(learner, voice_task):
    with pytest.raises(UploadRefused, match="bukan rekaman suara"):
        submission_create(
            user=learner, task=voice_task, voice=voice(content=jpeg_bytes(gps=False))
        )


@override_settings(SINAU_TASK_VOICE_MAX_SECONDS=60)
def test_too_long_voice_note_is_refused(learner, voice_task):
    with pytest.raises(UploadRefused) as refused:
        submission_create(
            user=learner,
            task=voice_task,
            voice=voice(content=wav_bytes(seconds=61, rate=8_000)),
        )

    assert (
        refused.value.message == "Catatan suara terlalu panjang: paling lama 1 menit."
    )
    assert not Submission.objects.exists()


def test_voice_note_is_transcoded_to_small_opus(
    learner, voice_task, private_media, django_capture_on_commit_callbacks
):
    made = submission_create(
        user=learner, task=voice_task, voice=voice(content=wav_bytes(seconds=6))
    )
    row = made.files.get()
    original = row.file.name

    with django_capture_on_commit_callbacks(execute=True):
        assert submission_voice_transcode_task.run(row.pk) is True

    row.refresh_from_db()
    assert (row.ready, row.error, row.content_type) == (True, "", "audio/ogg")
    assert row.duration_seconds == 6
    assert row.file.name != original
    assert [p.name for p in stored_files(private_media)] == [
        row.file.name.split("/")[-1]
    ]
    with row.file.open("rb") as handle:
        content = handle.read()
    with av.open(io.BytesIO(content)) as container:
        stream = container.streams.audio[0]
        assert container.format.name == "ogg"
        assert stream.codec_context.name == "opus"
        assert stream.codec_context.channels == 1
    assert len(content) * 8 / 6 <= 32_000
    assert row.size == len(content)


def test_second_delivery_changes_nothing(
    learner, voice_task, private_media, django_capture_on_commit_callbacks
):
    made = submission_create(user=learner, task=voice_task, voice=voice())
    row = made.files.get()
    with django_capture_on_commit_callbacks(execute=True):
        submission_voice_transcode(file_id=row.pk)
    row.refresh_from_db()
    first = (row.file.name, row.size, row.duration_seconds)

    assert submission_voice_transcode_task.run(row.pk) is True

    row.refresh_from_db()
    assert (row.file.name, row.size, row.duration_seconds) == first
    assert len(stored_files(private_media)) == 1


def test_undecodable_voice_note_is_marked_failed(learner, voice_task):
    made = submission_create(user=learner, task=voice_task, voice=voice())
    row = made.files.get()
    # The stored original broken after the upload checks (a truncated copy).
    with row.file.open("rb") as handle:
        head = handle.read()[:60]
    row.file.storage.delete(row.file.name)
    row.file.storage.save(row.file.name, io.BytesIO(head))

    assert submission_voice_transcode_task.run(row.pk) is False

    row.refresh_from_db()
    assert row.ready is False
    assert row.error != ""


@pytest.mark.django_db
def test_gone_file_row_is_nothing_to_do():
    assert submission_voice_transcode(file_id=987654) is None


# -- PDF files ------------------------------------------------------------------


@pytest.fixture
def pdf_task(course):
    return task_in(course, accepts_pdf=True, accepts_text=False, photos_max=0)


def test_pdf_is_rewritten_without_javascript_or_metadata(learner, pdf_task):
    made = submission_create(user=learner, task=pdf_task, pdf=pdf())

    row = made.files.get()
    with row.file.open("rb") as handle:
        content = handle.read()
    assert b"JavaScript" not in content
    assert b"app.alert" not in content
    assert b"OpenAction" not in content
    assert b"Siti Rahayu" not in content
    assert len(PdfReader(io.BytesIO(content)).pages) == 1
    assert (row.kind, row.content_type) == ("pdf", "application/pdf")


def test_jpeg_named_pdf_is_refused(learner, pdf_task, private_media):
    with pytest.raises(UploadRefused) as refused:
        submission_create(
            user=learner, task=pdf_task, pdf=pdf("a.pdf", jpeg_bytes(gps=False))
        )

    assert refused.value.message == "Berkas ini bukan dokumen PDF."
    assert stored_files(private_media) == []


def test_broken_pdf_is_refused(learner, pdf_task):
    with pytest.raises(UploadRefused, match="bukan dokumen PDF"):
        submission_create(
            user=learner, task=pdf_task, pdf=pdf("a.pdf", b"%PDF-1.7\n garbage")
        )


@override_settings(SINAU_TASK_PDF_MAX_PAGES=2)
def test_long_pdf_is_refused(learner, pdf_task):
    with pytest.raises(UploadRefused) as refused:
        submission_create(
            user=learner, task=pdf_task, pdf=pdf(content=pdf_bytes(pages=3))
        )

    assert (
        refused.value.message == "Berkas PDF terlalu panjang: paling banyak 2 halaman."
    )


def test_encrypted_pdf_is_refused():
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=100, height=100)
    writer.encrypt("rahasia")
    out = io.BytesIO()
    writer.write(out)

    with pytest.raises(UploadRefused, match="dilindungi kata sandi"):
        uploads.pdf_clean(pdf(content=out.getvalue()))


def test_files_are_not_kept_when_the_file_row_is_refused(learner, task, private_media):
    made = submission_create(user=learner, task=task, text=TEXT, photos=[photo()])

    assert SubmissionFile.objects.filter(submission=made).count() == 1
    assert len(stored_files(private_media)) == 1
