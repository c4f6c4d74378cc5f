"""Pictures, sounds and links to files in an imported question
(assessments/importers/media.py): a picture Sinau can show is kept (and a
move is said), every other file is left out with a note and no dead link,
and a picture made to hurt (a decompression bomb, a file that lies about
its type) is left out, never a 500. Messages are checked in English."""

import base64
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.images import get_image_model

from assessments.importers import parse
from assessments.models import Question
from tests.assessments.importers.bank_files import (
    PNG,
    cdata,
    choice_question,
    imported,
    moodle,
)
from tests.factories import trainer

pytestmark = pytest.mark.usefixtures("english")

MP3 = base64.b64encode(b"ID3\x03\x00\x00\x00\x00\x00\x00fake mp3").decode()


def picture_file(name: str = "foto.png") -> str:
    return f'<file name="{name}" path="/" encoding="base64">{PNG}</file>'


@pytest.mark.django_db
def test_a_picture_in_feedback_is_named_in_the_report_and_leaves_no_link():
    feedback = (
        '<generalfeedback format="html"><text>'
        + cdata('<p>Lihat <img src="@@PLUGINFILE@@/rak.png" alt="Rak"> ini.</p>')
        + "</text>"
        + picture_file("rak.png")
        + "</generalfeedback>"
    )
    report = imported(moodle(choice_question("Rak", extra=feedback)), "moodle")
    q = Question.objects.get(name="Rak")
    assert q.explanation == "<p>Lihat  ini.</p>"
    assert report.notes == [
        "Question 'Rak': the picture rak.png in the general feedback was left "
        "out: Sinau shows pictures only with the question and its answers."
    ]
    assert not get_image_model().objects.exists()


@pytest.mark.django_db
def test_an_embedded_mp3_leaves_no_dead_link_and_is_named():
    text = (
        '<p>Dengarkan <a href="@@PLUGINFILE@@/salam.mp3">salam ini</a>.</p>'
        '<audio controls><source src="@@PLUGINFILE@@/salam.mp3"></audio>'
    )
    question = choice_question("Salam", text).replace(
        "</text></questiontext>",
        f'</text><file name="salam.mp3" path="/" encoding="base64">{MP3}</file>'
        "</questiontext>",
    )
    report = imported(moodle(question), "moodle")
    q = Question.objects.get(name="Salam")
    assert q.text == "<p>Dengarkan salam ini.</p>"
    assert "PLUGINFILE" not in q.text
    message = (
        "Question 'Salam': the file salam.mp3 in the question text was left out "
        "(Sinau imports only pictures: PNG, JPEG, GIF or WebP); nothing links "
        "to it."
    )
    assert report.notes == [message, message]


@pytest.mark.django_db
def test_a_picture_inside_a_sentence_is_kept_and_its_move_is_said():
    text = '<p>Foto <img src="@@PLUGINFILE@@/kopi.png" alt="Kopi"> ini apa?</p>'
    question = choice_question("Foto", text).replace(
        "</text></questiontext>",
        "</text>" + picture_file("kopi.png") + "</questiontext>",
    )
    report = imported(moodle(question), "moodle")
    q = Question.objects.get(name="Foto")
    assert (q.text, q.image_alt) == ("<p>Foto  ini apa?</p>", "Kopi")
    assert report.notes == [
        "Question 'Foto': the picture kopi.png stood inside the text of the "
        "question text; Sinau shows it after the text."
    ]


@pytest.mark.django_db
def test_gift_picture_in_feedback_is_named():
    content = (
        '::Kopi::[html]Mana?{=Ya#<img src\\="data:image/png;base64,'
        + PNG.replace("=", "\\=")
        + '" alt\\="x">Betul ~Tidak}'
    )
    result = parse(content, "gift")
    assert result.questions[0].choices[0].feedback == "<p>Betul</p>"
    assert result.notes == [
        "Question 'Kopi': the picture picture-1.png in the feedback of answer 1 "
        "was left out: Sinau shows pictures only with the question and its "
        "answers."
    ]


def png(width: int, height: int) -> bytes:
    """A valid 1-bit PNG header claiming `width` x `height`, with a few
    rows of data: tiny on disk, huge once decoded."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    rows = zlib.compress(b"\x00" * (width // 8 + 1) * min(height, 10), 9)
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", rows)
        + chunk(b"IEND", b"")
    )


def moodle_with_image(data: bytes, name: str = "bom.png") -> str:
    encoded = base64.b64encode(data).decode()
    return (
        '<?xml version="1.0"?><quiz><question type="truefalse">'
        "<name><text>Bom</text></name>"
        '<questiontext format="html"><text>Benar?</text></questiontext>'
        f"<image>{name}</image><image_base64>{encoded}</image_base64>"
        '<answer fraction="100"><text>true</text></answer>'
        '<answer fraction="0"><text>false</text></answer>'
        "</question></quiz>"
    )


def gift_with_image(data: bytes) -> str:
    encoded = base64.b64encode(data).decode()
    return f'::Bom:: Benar? <img src\\="data:image/png;base64,{encoded}"> {{T}}\n'


BUILDERS = {
    "moodle": moodle_with_image,
    "gift": gift_with_image,
}


@pytest.mark.parametrize("fmt", ["moodle", "gift"])
@pytest.mark.parametrize(
    "size", [(30_000, 30_000), (12_000, 12_000)], ids=["bomb", "above-limit"]
)
def test_a_picture_too_large_to_render_is_left_out_with_a_note(fmt, size):
    """Before: PIL's DecompressionBombError escaped `_is_picture` (a 500 on
    the upload page, a crashed import job); a picture under PIL's hard
    limit but over Wagtail's (128 million pixels) was stored, to be
    decoded whole when a trainee's page asks for a rendition."""
    result = parse(BUILDERS[fmt](png(*size)), fmt)
    (parsed,) = result.questions
    assert parsed.image is None
    assert any("Bom" in note and "pixels" in note for note in result.notes), (
        result.notes
    )


@pytest.mark.django_db
def test_the_upload_page_answers_a_bomb_with_its_report(client):
    client.force_login(trainer())
    upload = SimpleUploadedFile(
        "bank.xml", moodle_with_image(png(30_000, 30_000)).encode()
    )
    response = client.post(
        reverse("questions_import"),
        {"file": upload, "format": "moodle", "category": ""},
    )
    assert response.status_code in (200, 302, 400)


@pytest.mark.parametrize("fmt", ["moodle", "gift"])
@pytest.mark.parametrize(
    "data",
    [
        b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>",
        b"GIF89a<script>alert(1)</script>",
        b"\xff\xd8\xff\xe0" + b"A" * 64,  # a JPEG's first bytes and nothing else
        b"%PDF-1.4 not a picture",
    ],
    ids=["svg", "gif-header-html", "truncated-jpeg", "pdf"],
)
def test_a_file_that_lies_about_being_a_picture_is_left_out(fmt, data):
    result = parse(BUILDERS[fmt](data), fmt)
    (parsed,) = result.questions
    assert parsed.image is None


@pytest.mark.django_db
def test_an_import_with_a_bomb_stores_the_question_without_it(client):
    client.force_login(trainer())
    upload = SimpleUploadedFile(
        "bank.xml", moodle_with_image(png(30_000, 30_000)).encode()
    )
    client.post(
        reverse("questions_import"),
        {"file": upload, "format": "moodle", "category": ""},
    )
    assert all(not q.image_id for q in Question.objects.all())
