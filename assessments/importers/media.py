"""Pictures, sounds, videos and links to files in an imported field:
`media_take` keeps the pictures Sinau can show (embedded, within Wagtail's
pixel limit) and notes every other one it leaves out."""

from __future__ import annotations

import base64
import binascii
import html
import io
import re
import warnings
from urllib.parse import unquote

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from .base import ParsedImage
from .markup import TAGS, plain_text
from .names import shorten

_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_ATTR = re.compile(r"""([a-zA-Z_:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
PLUGINFILE = "@@PLUGINFILE@@/"
_DATA_URI = re.compile(
    r"data:image/(png|jpe?g|gif|webp);base64,([A-Za-z0-9+/=\s]+)$", re.IGNORECASE
)


def _attributes(tag: str) -> dict[str, str]:
    """The attributes of one start tag, entities decoded."""
    return {
        match.group(1).lower(): html.unescape(
            next(group for group in match.groups()[1:] if group is not None)
        )
        for match in _ATTR.finditer(tag[4:])
    }


_MEDIA_TAG = re.compile(
    r"<(audio|video|source|track|embed|object|iframe|a)\b([^>]*)>", re.IGNORECASE
)
_MEDIA_ATTRIBUTES = ("src", "data", "href", "poster")
_KEPT_LINK = re.compile(r"^(?:https?:|mailto:)", re.IGNORECASE)
_WORDS = re.compile(r"[^\W_]")


def _has_words(markup: str) -> bool:
    """Whether an HTML fragment holds any letter or digit outside tags."""
    return bool(_WORDS.search(html.unescape(TAGS.sub(" ", markup))))


_PLAYER = re.compile(r"<(audio|video)\b[^>]*>", re.IGNORECASE)
_ANY_MEDIA = re.compile(
    r"<(?:img|audio|video|source|track|embed|object|iframe|a)\b", re.IGNORECASE
)


def _without_fallback(markup: str) -> tuple[str, list[str]]:
    """`markup` without the text inside `<audio>`/`<video>` (shown only by
    browsers that cannot play; the player's sources stay for
    `media_take` to name), and that text, per player. Linear: each closing
    tag is looked for once, and not again once missing."""
    parts, dropped, position, lower = [], [], 0, markup.lower()
    for match in _PLAYER.finditer(markup):
        if match.start() < position:
            continue
        close = lower.find(f"</{match.group(1).lower()}", match.end())
        if close == -1:
            break
        inner = markup[match.end() : close]
        sources = "".join(re.findall(r"<(?:source|track)\b[^>]*>", inner, re.I))
        parts += [markup[position : match.end()], sources]
        text = plain_text(html.unescape(TAGS.sub(" ", inner)))
        if text:
            dropped.append(text)
        position = close
    return "".join(parts) + markup[position:], dropped


def media_take(
    raw: str,
    files: dict[str, bytes],
    label: str,
    where,
    *,
    pictures: bool = True,
    side: str = "after",
) -> tuple[str, list, list[str]]:
    """Take pictures, sounds, videos and links to files out of an HTML
    fragment before it is sanitised, so none is dropped unsaid and none
    leaves a dead link.

    - `raw`: the field's HTML; `files`: the files embedded with it
      (Moodle's base64 `<file name=...>`, by name; a `data:image/...`
      URI, GIFT's way, counts as embedded); `label`: the question, and
      `where`: the field ("the general feedback", or a function giving
      it, called only when there is something to note).
    - `pictures`: whether the field can keep pictures (the question and
      its answers can; feedback cannot). Sinau shows a field's picture
      after the text (`side="after"`, the question) or before it
      (`side="before"`, an answer).

    Returns the fragment without its `<img>`, `<audio>`, `<video>`,
    `<source>`, `<embed>`, `<object>`, `<iframe>` tags and without links
    to files or to pages of the old site (their text is kept), the
    pictures kept (ParsedImage, in order) and one note for each value
    changed or left out: a picture without alt text (its file name is
    used), a picture outside the file, not a picture Sinau can show or
    too large to render (over Wagtail's pixel limit), in a
    field that cannot hold one or moved out of its sentence, every other
    file or link removed, and every embedded file the text never uses."""
    if not files and not _ANY_MEDIA.search(raw or ""):
        return raw or "", [], []  # the common case, in one search
    images: list[ParsedImage] = []
    notes: list[str] = []
    used: set[str] = set()
    first: list[int] = []  # where the first kept picture stood in `raw`
    values = {"question": label, "where": where() if callable(where) else where}

    def file_name(src: str) -> str:
        if src.startswith(PLUGINFILE):
            return unquote(src[len(PLUGINFILE) :]).split("?", 1)[0]
        return ""

    def take_picture(match: re.Match) -> str:
        attributes = _attributes(match.group(0))
        src = attributes.get("src", "")
        name = file_name(src)
        inline = _DATA_URI.match(src)
        if inline:  # GIFT's way to embed a picture: a data: URI
            name = f"picture-{len(images) + 1}.{inline.group(1).lower()}"
            try:
                files[name] = base64.b64decode(inline.group(2), validate=True)
            except (binascii.Error, ValueError):
                files[name] = b""
        used.add(name)
        shown = shorten(name or src or "?", 60)
        if not name or name not in files:
            notes.append(
                _(
                    "%(question)s: the picture %(src)s in %(where)s is not in "
                    "the file and was left out."
                )
                % {**values, "src": shown}
            )
            return ""
        pixels = _picture_pixels(files[name])
        if pixels is not None and pixels > _max_pixels():
            notes.append(
                _(
                    "%(question)s: the picture %(name)s in %(where)s is too "
                    "large to show (more than %(limit)s million pixels) and "
                    "was left out."
                )
                % {**values, "name": shown, "limit": _max_pixels() // 1_000_000}
            )
            return ""
        if not _is_picture(files[name]):
            notes.append(
                _(
                    "%(question)s: the embedded file %(name)s in %(where)s is "
                    "not a picture Sinau can show (PNG, JPEG, GIF or WebP) and "
                    "was left out."
                )
                % {**values, "name": shown}
            )
            return ""
        if not pictures:
            notes.append(
                _(
                    "%(question)s: the picture %(name)s in %(where)s was left "
                    "out: Sinau shows pictures only with the question and its "
                    "answers."
                )
                % {**values, "name": shown}
            )
            return ""
        alt = plain_text(attributes.get("alt", ""))
        if not alt:
            alt = name
            notes.append(
                _(
                    "%(question)s: the picture %(name)s has no alt text; its "
                    "file name was used. Describe the picture in the question "
                    "bank."
                )
                % {"question": label, "name": name}
            )
        if not images:
            first.extend(match.span())
        images.append(ParsedImage(name=name, data=files[name], alt=alt))
        return ""

    def take_media(match: re.Match) -> str:
        tag = match.group(1).lower()
        attributes = _attributes("<img" + match.group(2))
        for key in _MEDIA_ATTRIBUTES:
            src = attributes.get(key, "").strip()
            if not src or (tag == "a" and _KEPT_LINK.match(src)):
                continue
            name = file_name(src)
            used.add(name)
            if name or src.lower().startswith("data:"):
                message = _(
                    "%(question)s: the file %(name)s in %(where)s was left out "
                    "(Sinau imports only pictures: PNG, JPEG, GIF or WebP); "
                    "nothing links to it."
                )
            elif tag == "a":
                message = _(
                    "%(question)s: the link to %(name)s in %(where)s points "
                    "into the old site and was removed; its text was kept."
                )
            else:
                message = _(
                    "%(question)s: the sound, video or page %(name)s in "
                    "%(where)s was left out (Sinau shows none in questions)."
                )
            notes.append(message % {**values, "name": shorten(name or src, 60)})
            if tag == "a":
                return ""  # the link goes; its text stays
        return "" if tag != "a" else match.group(0)

    markup, fallbacks = _without_fallback(_IMG.sub(take_picture, raw or ""))
    for text in fallbacks:
        notes.append(
            _(
                "%(question)s: the text “%(text)s” in %(where)s, shown only "
                "where a sound or video cannot play, was left out with it."
            )
            % {**values, "text": shorten(text, 60)}
        )
    markup = _MEDIA_TAG.sub(take_media, markup)
    markup = re.sub(
        r"</(?:audio|video|source|track|embed|object|iframe)\s*>",
        "",
        markup,
        flags=re.IGNORECASE,
    )
    if images:
        before, after = (raw or "")[: first[0]], (raw or "")[first[1] :]
        if _has_words(after if side == "after" else before):
            message = (
                _(
                    "%(question)s: the picture %(name)s stood inside the text "
                    "of %(where)s; Sinau shows it after the text."
                )
                if side == "after"
                else _(
                    "%(question)s: the picture %(name)s stood inside the text "
                    "of %(where)s; Sinau shows it before the text."
                )
            )
            notes.append(message % {**values, "name": images[0].name})
    for name in files:
        if name not in used:
            notes.append(
                _(
                    "%(question)s: the file %(name)s attached to %(where)s is "
                    "not used in its text and was left out."
                )
                % {**values, "name": shorten(name, 60)}
            )
    return markup, images, notes


def _max_pixels() -> int:
    """The most pixels a kept picture may have: Wagtail's upload limit
    (WAGTAILIMAGES_MAX_IMAGE_PIXELS), which an import bypasses otherwise."""
    return getattr(settings, "WAGTAILIMAGES_MAX_IMAGE_PIXELS", 128_000_000)


def _picture_pixels(data: bytes) -> int | None:
    """Width x height a picture's header claims, read without decoding it;
    None when Pillow does not know `data` as a picture. A header past
    Pillow's decompression-bomb limit (a 100-byte file can claim a billion
    pixels) counts as one pixel more than that limit."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
                return width * height
    except Image.DecompressionBombError:
        return 2 * (Image.MAX_IMAGE_PIXELS or 0) + 1
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        return None


def _is_picture(data: bytes) -> bool:
    """Whether Pillow reads `data` as a PNG, JPEG, GIF or WebP image (call
    after `_picture_pixels` has refused one too large)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                image.verify()
                return image.format in ("PNG", "JPEG", "GIF", "WEBP")
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        OSError,
        ValueError,
        SyntaxError,
    ):
        return False
