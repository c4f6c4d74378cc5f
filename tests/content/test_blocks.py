"""Every lesson block renders with its template, light and accessible."""

import pytest
import wagtail_factories
from django.core.files.base import ContentFile
from wagtail.blocks import StreamBlockValidationError, StructBlockValidationError
from wagtail.documents.models import Document

from content.blocks import ImageBlock, LessonStreamBlock, VideoBlock
from content.models import PracticeProduct
from content.templatetags.sinau_tags import rupiah

pytestmark = pytest.mark.django_db


@pytest.fixture
def image():
    return wagtail_factories.ImageFactory(title="Gula aren")


@pytest.fixture
def document():
    doc = Document(title="Lembar kerja")
    doc.file.save("lembar.pdf", ContentFile(b"%PDF-1.4 " + b"x" * 2048), save=False)
    doc.save()
    return doc


def _render(*blocks) -> str:
    stream = LessonStreamBlock()
    value = stream.to_python([{"type": t, "value": v} for t, v in blocks])
    return stream.render(value)


def test_image_is_a_lazy_webp_rendition_with_alt_text(image):
    html = _render(
        ("image", {"image": image.pk, "alt": "Gula aren di daun", "caption": ""})
    )
    assert 'alt="Gula aren di daun"' in html
    assert 'loading="lazy"' in html
    assert ".webp" in html
    assert "srcset=" in html


def test_image_without_alt_text_is_refused(image):
    block = ImageBlock()
    with pytest.raises(StructBlockValidationError):
        block.clean(block.to_python({"image": image.pk, "alt": "", "caption": ""}))


def test_video_file_never_autoplays_shows_size_and_transcript(document):
    html = _render(
        (
            "video",
            {
                "title": "Cara memotret",
                "url": "",
                "file": document.pk,
                "duration": "2:10",
                "transcript": "<p>Pegang HP dengan dua tangan.</p>",
            },
        )
    )
    assert "autoplay" not in html
    assert 'preload="none"' in html
    assert "Pegang HP dengan dua tangan." in html
    assert "2,0\xa0KB" in html or "2.0\xa0KB" in html


def test_video_link_is_a_link_not_a_third_party_iframe():
    html = _render(
        (
            "video",
            {
                "title": "Iklan",
                "url": "https://www.youtube.com/watch?v=abc",
                "file": None,
                "duration": "",
                "transcript": "<p>Ringkasan.</p>",
            },
        )
    )
    assert "<iframe" not in html
    assert 'href="https://www.youtube.com/watch?v=abc"' in html


def test_video_needs_a_link_or_a_file():
    block = VideoBlock()
    value = block.to_python(
        {
            "title": "x",
            "url": "",
            "file": None,
            "duration": "",
            "transcript": "<p>t</p>",
        }
    )
    with pytest.raises(StructBlockValidationError):
        block.clean(value)


def test_video_needs_a_transcript():
    stream = LessonStreamBlock()
    value = stream.to_python(
        [
            {
                "type": "video",
                "value": {"title": "x", "url": "https://e.id/v", "transcript": ""},
            }
        ]
    )
    with pytest.raises(StreamBlockValidationError):
        stream.clean(value)


def test_audio_and_worksheet_show_download_links_with_size(document):
    html = _render(
        ("audio", {"title": "Narasi", "file": document.pk, "transcript": ""}),
        (
            "worksheet",
            {"document": document.pk, "title": "Tabel HPP", "description": ""},
        ),
    )
    assert 'preload="none"' in html
    assert html.count(document.url) >= 2
    assert "KB" in html


def test_teaching_blocks_render_their_parts():
    product = PracticeProduct.objects.create(
        name="Kopi Bubuk",
        slug="kopi",
        price=35000,
        unit="per 250 gram",
        producer="Pemuda desa",
        story="Disangrai sendiri.",
    )
    html = _render(
        ("heading", {"text": "Langkah", "size": "h2"}),
        ("paragraph", "<p>Halo <b>desa</b>.</p>"),
        (
            "callout",
            {"kind": "warning", "title": "", "text": "<p>Jangan bagikan OTP.</p>"},
        ),
        (
            "before_after",
            {
                "context": "Caption",
                "before": "Jual kopi",
                "after": "Kopi harum",
                "explanation": "Lebih jelas",
            },
        ),
        (
            "formula",
            {
                "name": "PAS",
                "parts": [{"label": "Problem", "text": "Masalah", "example": "Capek?"}],
            },
        ),
        ("checklist", {"title": "Cek", "items": ["Harga jelas", "Foto terang"]}),
        ("product", {"product": product.pk}),
    )
    assert "<h2>Langkah</h2>" in html
    assert "<b>desa</b>" in html
    for text in (
        "Jangan bagikan OTP.",
        "callout--warning",
        "Jual kopi",
        "Kopi harum",
        "Lebih jelas",
        "Problem",
        "Capek?",
        "<li>Foto terang</li>",
        "Rp35.000",
        "Disangrai sendiri.",
    ):
        assert text in html


@pytest.mark.parametrize(
    ("amount", "text"), [(0, "Rp0"), (15000, "Rp15.000"), (1250000, "Rp1.250.000")]
)
def test_rupiah_uses_indonesian_thousands(amount, text):
    assert rupiah(amount) == text
