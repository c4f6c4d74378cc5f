"""Checking and re-encoding the files of a task submission, before anything
is stored. Nothing here touches the database or the storage: each function
takes an uploaded file and returns the bytes to keep (and what is known
about them), or raises `UploadRefused` with a message for the trainee.

What a file is, is decided by its content, never by its name or the
browser's content type: a PHP script named `foto.jpg` is refused.

- Photos (JPEG, PNG or WebP): opened and verified by Pillow, bounded in
  bytes and pixels (decompression bombs are refused), turned upright by
  their EXIF orientation, then re-encoded as JPEG (longest side at most
  `PHOTO_SIDE_MAX` px, quality `PHOTO_QUALITY`) with no metadata at all:
  a phone photo's EXIF carries the GPS position of the trainee's home.
- Voice notes: the container is sniffed with PyAV (an audio stream in a
  known audio container), bounded in bytes and minutes; the original is
  stored as it came and transcoded later to Ogg/Opus, mono, `VOICE_BITRATE`
  bit/s, by `voice_transcode` (run by a Celery task).
- PDF files: read by pypdf, refused when encrypted or too long, and
  rewritten page by page, so the document's JavaScript, actions, forms,
  attachments, annotations and metadata are left behind.

The limits live here, in one place; each may be overridden by a setting of
the same name prefixed with `SINAU_TASK_` (e.g. `SINAU_TASK_PHOTO_MAX_BYTES`)."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

import av
from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError

from ..errors import Refused

# -- the limits (bytes, pixels, seconds) -------------------------------------
PHOTO_MAX_BYTES = 15 * 1024 * 1024  # a raw phone photo, as uploaded
PHOTO_MAX_PIXELS = 50_000_000  # width x height: 50 megapixels
PHOTO_SIDE_MAX = 1600  # the stored photo's longest side, px
PHOTO_QUALITY = 80  # JPEG quality of the stored photo
PHOTO_FORMATS = {"JPEG", "PNG", "WEBP"}
VOICE_MAX_BYTES = 10 * 1024 * 1024
VOICE_MAX_SECONDS = 10 * 60
VOICE_BITRATE = 24_000  # bit/s of the stored Ogg/Opus voice note
VOICE_RATE = 48_000  # Hz: Opus works at 48 kHz
# PyAV (FFmpeg) names of the containers phones record voice notes in.
VOICE_CONTAINERS = {
    "ogg",
    "webm",
    "matroska",
    "mov",
    "mp4",
    "m4a",
    "3gp",
    "3g2",
    "mp3",
    "wav",
    "aac",
    "amr",
    "flac",
}
PDF_MAX_BYTES = 10 * 1024 * 1024
PDF_MAX_PAGES = 50
LINK_MAX = 500  # characters of a submitted link (the column's length)
TEXT_MAX_CHARS = 100_000  # characters of a submitted text (far beyond WORDS_MAX)
# The largest whole request to the submit view (all files and the text):
# anything larger is not read into storage at all (see views.py).
REQUEST_MAX_BYTES = 64 * 1024 * 1024


def limit(name: str) -> int:
    """The limit `name` (one of the constants above), or its setting
    `SINAU_TASK_<name>` when the settings define one."""
    return int(getattr(settings, f"SINAU_TASK_{name}", globals()[name]))


class UploadRefused(Refused):
    """A file of a submission was refused; nothing was stored."""


@dataclass(frozen=True)
class CleanFile:
    """A file ready to store: its bytes and what is known about them."""

    content: bytes
    extension: str
    content_type: str
    width: int | None = None
    height: int | None = None
    duration_seconds: int | None = None

    @property
    def size(self) -> int:
        return len(self.content)


def megabytes(size: int) -> str:
    """A limit in bytes as the trainee reads it: "15 MB"."""
    return f"{size // (1024 * 1024)} MB"


def _read(upload, max_bytes: int, *, field: str, what: str) -> bytes:
    """The upload's bytes, refused when empty or larger than `max_bytes`
    (checked before reading when the size is known)."""
    size = getattr(upload, "size", None)
    too_big = _("%(what)s is too large: at most %(limit)s.") % {
        "what": what,
        "limit": megabytes(max_bytes),
    }
    if size is not None and size > max_bytes:
        raise UploadRefused(too_big, field=field)
    upload.seek(0)
    content = upload.read(max_bytes + 1)
    if len(content) > max_bytes:
        raise UploadRefused(too_big, field=field)
    if not content:
        raise UploadRefused(_("%(what)s is empty.") % {"what": what}, field=field)
    return content


# -- photos -------------------------------------------------------------------


def photo_clean(upload, *, number: int = 1) -> CleanFile:
    """Photo `number` (counted from 1, for the message) re-encoded as a
    metadata-free JPEG. Raises UploadRefused when the file is empty, too
    large, not really a JPEG/PNG/WebP image, or has too many pixels."""
    what = _("Photo %(number)s") % {"number": number}
    field = "photos"
    content = _read(upload, limit("PHOTO_MAX_BYTES"), field=field, what=what)
    not_image = UploadRefused(
        _("%(what)s is not a JPEG, PNG or WebP photo.") % {"what": what},
        field=field,
    )
    too_many_pixels = UploadRefused(
        _("%(what)s has too many pixels: at most %(megapixels)s megapixels.")
        % {"what": what, "megapixels": limit("PHOTO_MAX_PIXELS") // 1_000_000},
        field=field,
    )
    with warnings.catch_warnings():
        # Pillow warns (then raises) on decompression bombs: refuse both.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(content)) as probe:
                if probe.format not in PHOTO_FORMATS:
                    raise not_image
                if probe.width * probe.height > limit("PHOTO_MAX_PIXELS"):
                    raise too_many_pixels
                probe.verify()
            with Image.open(io.BytesIO(content)) as image:
                image.load()
                upright = ImageOps.exif_transpose(image)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise too_many_pixels from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            raise not_image from None
    if upright.mode in ("RGBA", "LA", "PA") or (
        upright.mode == "P" and "transparency" in upright.info
    ):
        rgba = upright.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        upright = flat
    else:
        upright = upright.convert("RGB")
    side = limit("PHOTO_SIDE_MAX")
    upright.thumbnail((side, side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    # A new image with no `exif`, `icc_profile` or comment: nothing of the
    # original's metadata is written.
    clean = Image.new("RGB", upright.size)
    clean.paste(upright)
    # Baseline, not progressive: progressive encoding costs about 35 ms more
    # per 1600 px photo (tests/bench/tasks.py), for no gain to the trainer
    # who sees it on the assess page.
    clean.save(out, "JPEG", quality=PHOTO_QUALITY, optimize=True)
    return CleanFile(
        content=out.getvalue(),
        extension="jpg",
        content_type="image/jpeg",
        width=clean.width,
        height=clean.height,
    )


# -- voice notes ----------------------------------------------------------------


def voice_clean(upload) -> CleanFile:
    """The voice note as uploaded, once PyAV has found an audio stream in a
    known audio container, no longer than VOICE_MAX_SECONDS where the
    container says its duration. Stored as it came, to be transcoded by
    `voice_transcode`. Raises UploadRefused otherwise."""
    what = _("The voice note")
    field = "voice"
    content = _read(upload, limit("VOICE_MAX_BYTES"), field=field, what=what)
    not_audio = UploadRefused(
        _("The voice note is not a sound recording we can play."), field=field
    )
    try:
        with av.open(io.BytesIO(content), mode="r") as container:
            formats = set(container.format.name.split(","))
            if not formats & VOICE_CONTAINERS or not container.streams.audio:
                raise not_audio
            seconds = (
                container.duration / av.time_base
                if container.duration is not None
                else None
            )
    except (av.FFmpegError, ValueError, OSError, EOFError):
        raise not_audio from None
    _voice_length_check(seconds)
    return CleanFile(
        content=content,
        extension="audio",
        content_type="application/octet-stream",
        duration_seconds=round(seconds) if seconds is not None else None,
    )


def _voice_length_check(seconds: float | None) -> None:
    if seconds is not None and seconds > limit("VOICE_MAX_SECONDS"):
        raise UploadRefused(
            _("The voice note is too long: at most %(minutes)s minutes.")
            % {"minutes": limit("VOICE_MAX_SECONDS") // 60},
            field="voice",
        )


def voice_transcode(content: bytes) -> CleanFile:
    """A voice note's bytes transcoded to Ogg/Opus, mono, VOICE_BITRATE
    bit/s. Raises UploadRefused when it cannot be decoded or turns out
    longer than VOICE_MAX_SECONDS."""
    out = io.BytesIO()
    samples = 0
    try:
        with av.open(io.BytesIO(content), mode="r") as source:
            if not source.streams.audio:
                raise UploadRefused(_("The voice note has no sound."), field="voice")
            with av.open(out, mode="w", format="ogg") as target:
                # Constrained VBR for speech: the bitrate stays near
                # VOICE_BITRATE (unconstrained, a steady tone reaches 38k).
                stream = target.add_stream(
                    "libopus",
                    rate=VOICE_RATE,
                    layout="mono",
                    options={"vbr": "constrained", "application": "voip"},
                )
                stream.bit_rate = VOICE_BITRATE
                resampler = av.AudioResampler(
                    format=stream.format.name, layout="mono", rate=VOICE_RATE
                )
                for frame in source.decode(source.streams.audio[0]):
                    for part in resampler.resample(frame):
                        samples += part.samples
                        _voice_length_check(samples / VOICE_RATE)
                        target.mux(stream.encode(part))
                for part in resampler.resample(None):
                    samples += part.samples
                    target.mux(stream.encode(part))
                target.mux(stream.encode(None))
    except (av.FFmpegError, ValueError, OSError, EOFError):
        raise UploadRefused(
            _("The voice note could not be processed."), field="voice"
        ) from None
    if samples == 0:
        raise UploadRefused(_("The voice note has no sound."), field="voice")
    return CleanFile(
        content=out.getvalue(),
        extension="ogg",
        content_type="audio/ogg",
        duration_seconds=max(1, round(samples / VOICE_RATE)),
    )


# -- PDF files --------------------------------------------------------------------


def pdf_clean(upload) -> CleanFile:
    """The PDF rewritten page by page (no JavaScript, actions, forms,
    attachments, annotations or metadata). Raises UploadRefused when the
    file is empty, too large, not a PDF, encrypted or too long."""
    what = _("The PDF file")
    field = "pdf"
    content = _read(upload, limit("PDF_MAX_BYTES"), field=field, what=what)
    not_pdf = UploadRefused(_("The file is not a PDF document."), field=field)
    if b"%PDF-" not in content[:1024]:
        raise not_pdf
    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted:
            raise UploadRefused(
                _("The PDF file is protected by a password: send it without one."),
                field=field,
            )
        pages = len(reader.pages)
        if pages == 0:
            raise not_pdf
        if pages > limit("PDF_MAX_PAGES"):
            raise UploadRefused(
                _("The PDF file is too long: at most %(pages)s pages.")
                % {"pages": limit("PDF_MAX_PAGES")},
                field=field,
            )
        writer = PdfWriter()
        for page in reader.pages:
            added = writer.add_page(page)
            for key in ("/AA", "/Annots"):
                if key in added:
                    del added[key]
        writer.metadata = None
        out = io.BytesIO()
        writer.write(out)
    except UploadRefused:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, RecursionError):
        raise not_pdf from None
    return CleanFile(
        content=out.getvalue(), extension="pdf", content_type="application/pdf"
    )
