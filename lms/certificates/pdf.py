"""The certificate PDF: A4 landscape, drawn with ReportLab in the worker.

Text is set in Noto Sans, with Noto Sans Javanese for Javanese script
(shaped with HarfBuzz when `uharfbuzz` is installed), both embedded as
subsets (fonts/OFL.txt). The QR code (segno) is drawn as vector squares and
points at the public verify URL. Spec: docs/decisions/0006-certificate-pdf.md.
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

import segno
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph

FONT_DIR = Path(__file__).resolve().parent / "fonts"
SANS = "NotoSans"
SANS_BOLD = "NotoSans-Bold"
JAVANESE = "NotoSansJavanese"
PAGE = landscape(A4)
INK = colors.HexColor("#1f2933")
ACCENT = colors.HexColor("#0b6e4f")
MUTED = colors.HexColor("#52606d")


@cache
def fonts_register() -> None:
    """Register the shipped TTFs with ReportLab once per process (parsing a
    font is the slow part; each PDF then embeds only the glyphs it uses)."""
    for name, filename in (
        (SANS, "NotoSans-Regular.ttf"),
        (SANS_BOLD, "NotoSans-Bold.ttf"),
        (JAVANESE, "NotoSansJavanese-Regular.ttf"),
    ):
        pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / filename)))
    pdfmetrics.registerFontFamily(SANS, normal=SANS, bold=SANS_BOLD)


def _is_javanese(ch: str) -> bool:
    return "\ua980" <= ch <= "\ua9df"


def font_runs(text: str, font: str) -> str:
    """Paragraph markup for `text`: Javanese runs in Noto Sans Javanese, the
    rest in `font`; escaped, so any name is safe to print."""
    out: list[str] = []
    run, javanese = "", None
    for ch in text:
        jv = _is_javanese(ch)
        if javanese is not None and jv != javanese:
            out.append(_run(run, javanese, font))
            run = ""
        run += ch
        javanese = jv
    if run:
        out.append(_run(run, bool(javanese), font))
    return "".join(out)


def _run(text: str, javanese: bool, font: str) -> str:
    name = JAVANESE if javanese else font
    return f'<font face="{name}">{escape(text)}</font>'


def _style(
    size: float, font: str = SANS, color=INK, leading=None, shaping: bool = False
) -> ParagraphStyle:
    return ParagraphStyle(
        f"s{size}{font}",
        fontName=font,
        fontSize=size,
        leading=leading or size * 1.3,
        alignment=TA_CENTER,
        textColor=color,
        shaping=int(shaping),
    )


def _needs_shaping(markup: str) -> bool:
    """Javanese needs HarfBuzz (reordering, stacked signs); Latin does not,
    and shaping it costs time on every certificate."""
    return JAVANESE in markup


def _centered(c, text_markup, style, y_top: float, width: float) -> float:
    """Draw a centred paragraph whose top is at y_top; return its bottom."""
    if _needs_shaping(text_markup):
        style = ParagraphStyle(f"{style.name}-shaped", parent=style, shaping=1)
    para = Paragraph(text_markup, style)
    _w, h = para.wrap(width, PAGE[1])
    para.drawOn(c, (PAGE[0] - width) / 2, y_top - h)
    return y_top - h


def _name_paragraph(name: str, width: float):
    """The name, as large as fits on at most two lines."""
    javanese = any(_is_javanese(ch) for ch in name)
    for size in (34, 30, 26, 22, 18, 15):
        # Javanese stacks vowel signs above and below: give it more room.
        style = _style(
            size,
            SANS_BOLD,
            INK,
            leading=size * (1.9 if javanese else 1.3),
            shaping=javanese,
        )
        para = Paragraph(font_runs(name, SANS_BOLD), style)
        _w, h = para.wrap(width, PAGE[1])
        if h <= style.leading * 2 + 1:
            return para, h
    return para, h


def _qr(c, url: str, x: float, y: float, size: float) -> None:
    """Draw the QR code for `url` as vector squares, quiet zone included."""
    # A fixed mask: any mask decodes; searching for the "best" of eight
    # costs more than the rest of the page.
    qr = segno.make(url, error="m", micro=False, mask=4)
    rows = list(qr.matrix_iter(scale=1, border=4))
    module = size / len(rows)
    c.setFillColor(colors.white)
    c.rect(x, y, size, size, stroke=0, fill=1)
    c.setFillColor(colors.black)
    path = c.beginPath()
    for r, row in enumerate(rows):
        top = y + size - (r + 1) * module
        start = None
        for col, dark in enumerate([*row, 0]):
            if dark and start is None:
                start = col
            elif not dark and start is not None:
                path.rect(x + start * module, top, (col - start) * module, module)
                start = None
    c.drawPath(path, stroke=0, fill=1)


def _image(rendition_source) -> ImageReader | None:
    if rendition_source is None:
        return None
    rendition = rendition_source.get_rendition("max-480x200|format-png")
    with rendition.file.open("rb") as handle:
        return ImageReader(io.BytesIO(handle.read()))


def completion_date(value) -> str:
    """`value` as an Indonesian date, e.g. '30 November 2026'."""
    local = timezone.localtime(value)
    with translation.override("id"):
        return formats.date_format(local, "j F Y")


def certificate_pdf_render(*, certificate, config, verify_url: str) -> bytes:
    """Render the PDF of `certificate` (a Certificate with user and course)
    for the issuer `config` (CertificateSettings). Always in Indonesian.
    Returns the PDF bytes (about 40-80 KB with images). Raises if an image
    file of the settings cannot be read."""
    fonts_register()
    course = certificate.course
    logo = _image(config.logo)
    signature = _image(config.signature)
    buffer = io.BytesIO()
    with translation.override("id"):
        c = canvas.Canvas(
            buffer,
            pagesize=PAGE,
            pageCompression=1,
            initialFontName=SANS,
            initialFontSize=10,
        )
        c.setTitle(_("Certificate: %(course)s") % {"course": course.title})
        c.setAuthor(config.programme_name)
        c.setSubject(certificate.code)
        c.setCreator("Sinau")
        width, height = PAGE
        # Frame
        c.setStrokeColor(ACCENT)
        c.setLineWidth(3)
        c.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
        c.setLineWidth(0.8)
        c.rect(15 * mm, 15 * mm, width - 30 * mm, height - 30 * mm)
        inner = width - 70 * mm
        y = height - 28 * mm
        if logo is not None:
            c.drawImage(
                logo,
                width / 2 - 30 * mm,
                y - 18 * mm,
                60 * mm,
                18 * mm,
                preserveAspectRatio=True,
                anchor="c",
                mask="auto",
            )
            y -= 21 * mm
        y = _centered(
            c, font_runs(config.programme_name, SANS), _style(13, SANS, MUTED), y, inner
        )
        y = _centered(
            c,
            escape(_("CERTIFICATE OF COMPLETION")),
            _style(26, SANS_BOLD, ACCENT),
            y - 8 * mm,
            inner,
        )
        y = _centered(
            c, escape(_("This is to certify that")), _style(12), y - 8 * mm, inner
        )
        para, h = _name_paragraph(certificate.recipient_name, inner)
        para.drawOn(c, (width - inner) / 2, y - 3 * mm - h)
        y = y - 3 * mm - h
        c.setStrokeColor(MUTED)
        c.setLineWidth(0.5)
        c.line(width / 2 - 70 * mm, y - 2 * mm, width / 2 + 70 * mm, y - 2 * mm)
        y = _centered(
            c,
            escape(_("has completed the course")),
            _style(12),
            y - 7 * mm,
            inner,
        )
        y = _centered(
            c,
            font_runs(course.title, SANS_BOLD),
            _style(18, SANS_BOLD),
            y - 1 * mm,
            inner,
        )
        skills = [course.get_skill_display(), *course.outcome_list[:4]]
        y = _centered(
            c,
            "<b>"
            + escape(_("Skills covered:"))
            + "</b> "
            + " · ".join(font_runs(s, SANS) for s in skills if s),
            _style(10, SANS, MUTED, leading=13),
            y - 5 * mm,
            inner - 40 * mm,
        )
        _centered(
            c,
            escape(
                _("Completed on %(date)s")
                % {"date": completion_date(certificate.completed_at)}
            ),
            _style(12),
            y - 7 * mm,
            inner,
        )
        # Bottom left: QR, code and verify URL
        qr_size = 34 * mm
        left = 24 * mm
        _qr(c, verify_url, left, 22 * mm, qr_size)
        c.setFillColor(INK)
        c.setFont(SANS_BOLD, 11)
        c.drawString(left + qr_size + 4 * mm, 22 * mm + 19 * mm, certificate.code)
        c.setFont(SANS, 8)
        c.setFillColor(MUTED)
        c.drawString(
            left + qr_size + 4 * mm, 22 * mm + 13 * mm, _("Verify this certificate:")
        )
        c.drawString(left + qr_size + 4 * mm, 22 * mm + 9 * mm, verify_url)
        # Bottom right: signature, signatory name and title
        right = width - 24 * mm
        sig_w = 70 * mm
        base = 24 * mm
        if signature is not None:
            c.drawImage(
                signature,
                right - sig_w,
                base + 12 * mm,
                sig_w,
                16 * mm,
                preserveAspectRatio=True,
                anchor="c",
                mask="auto",
            )
        c.setStrokeColor(MUTED)
        c.line(right - sig_w, base + 11 * mm, right, base + 11 * mm)
        if config.signatory_name:
            markup = font_runs(config.signatory_name, SANS_BOLD)
            _sig = Paragraph(
                markup,
                _style(10.5, SANS_BOLD, shaping=_needs_shaping(markup)),
            )
            _sig.wrap(sig_w, 30 * mm)
            _sig.drawOn(c, right - sig_w, base + 5 * mm)
        if config.signatory_title:
            markup = font_runs(config.signatory_title, SANS)
            _title = Paragraph(
                markup, _style(9, SANS, MUTED, shaping=_needs_shaping(markup))
            )
            _title.wrap(sig_w, 30 * mm)
            _title.drawOn(c, right - sig_w, base)
        c.showPage()
        c.save()
    return buffer.getvalue()


def bare_pdf_render() -> bytes:
    """A bare one-line ReportLab page with a built-in font: the benchmark's
    yardstick."""
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=PAGE, pageCompression=1)
    c.setFont("Helvetica", 24)
    c.drawString(100, 300, "Sinau")
    c.showPage()
    c.save()
    return buffer.getvalue()
