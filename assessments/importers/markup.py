"""Text and HTML of an imported question as the bank keeps it: Moodle's
text formats read as simple HTML or plain text (`clean_html`,
`html_to_text`, `format_text`...) and as the bank's sanitised rich text
(`rich_text`, `rich_is_empty`)."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from ..rich_text import html_clean, html_from_markdown, html_from_text

ALLOWED_TAGS = frozenset({"p", "b", "i", "br", "ul", "ol", "li"})
_TAG_ALIASES = {"strong": "b", "em": "i"}
_PARAGRAPH_TAGS = frozenset(
    {
        "p",
        "div",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "pre",
        "section",
        "article",
        "header",
        "footer",
        "address",
        "figure",
        "figcaption",
        "table",
        "tr",
    }
)
_SEPARATOR_TAGS = frozenset({"td", "th", "img", "hr", "dt", "dd"})
_DROP_CONTENT_TAGS = frozenset(
    {"script", "style", "head", "title", "template", "iframe", "object"}
)
_BLOCK = r"</?(?:p|ul|ol|li)>"
MAX_DEPTH = 64  # deeper nesting is flattened, so each tag costs O(MAX_DEPTH)


class _SimpleHtml(HTMLParser):
    """Rebuilds HTML keeping only ALLOWED_TAGS (or, in text mode, no tags)."""

    def __init__(self, keep_tags: bool):
        super().__init__(convert_charrefs=True)
        self.keep_tags = keep_tags
        self.parts: list[str] = []
        self.stack: list[tuple[str, str | None]] = []  # (source tag, emitted tag)
        self.dropping = 0

    def _open(self, tag: str) -> bool:
        """Whether `tag` is currently open in the output."""
        return any(emitted == tag for _source, emitted in self.stack)

    def _emit_tag(self, markup: str) -> None:
        """Add a tag in HTML mode; in text mode, a space for a block or line
        break (inline b/i add nothing)."""
        if self.keep_tags:
            self.parts.append(markup)
        elif markup not in ("<b>", "</b>", "<i>", "</i>"):
            self.parts.append(" ")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Open an allowed tag (attributes are always dropped)."""
        if tag in _DROP_CONTENT_TAGS:
            self.dropping += 1
            return
        if self.dropping:
            return
        tag = _TAG_ALIASES.get(tag, tag)
        if len(self.stack) >= MAX_DEPTH and tag in _PARAGRAPH_TAGS | ALLOWED_TAGS:
            tag = "br" if tag in _PARAGRAPH_TAGS else ""  # bounded work per tag
        if tag == "br":
            self._emit_tag("<br>")
        elif tag in _SEPARATOR_TAGS:
            self.parts.append(" ")
        elif tag in _PARAGRAPH_TAGS:
            nested = self._open("p") or self._open("li")
            self.stack.append((tag, None if nested else "p"))
            self._emit_tag("<br>" if nested else "<p>")
        elif tag in ALLOWED_TAGS:
            self.stack.append((tag, tag))
            self._emit_tag(f"<{tag}>")

    def handle_endtag(self, tag: str) -> None:
        """Close `tag` and anything left open inside it."""
        if tag in _DROP_CONTENT_TAGS:
            self.dropping = max(0, self.dropping - 1)
            return
        if self.dropping:
            return
        tag = _TAG_ALIASES.get(tag, tag)
        sources = [source for source, _emitted in self.stack]
        if tag not in sources:
            return
        index = len(sources) - 1 - sources[::-1].index(tag)
        while len(self.stack) > index:
            self._close_top()

    def _close_top(self) -> None:
        """Close the innermost open element."""
        _source, emitted = self.stack.pop()
        self._emit_tag(f"</{emitted}>" if emitted else "<br>")

    def handle_data(self, data: str) -> None:
        """Add text, escaped in HTML mode."""
        if not self.dropping:
            self.parts.append(
                html.escape(data, quote=False) if self.keep_tags else data
            )

    def result(self) -> str:
        """The rebuilt markup, every element closed."""
        self.close()
        while self.stack:
            self._close_top()
        return "".join(self.parts)


def _tidy(markup: str) -> str:
    """Collapse whitespace, drop stray <br> and empty elements, and unwrap a
    lone paragraph so simple questions come out as plain text."""
    markup = re.sub(r"\s+", " ", markup)
    markup = re.sub(rf"\s*({_BLOCK}|<br>)\s*", r"\1", markup)
    previous = None
    while previous != markup:
        previous = markup
        markup = re.sub(rf"({_BLOCK})(?:<br>)+", r"\1", markup)
        markup = re.sub(rf"(?:<br>)+({_BLOCK})", r"\1", markup)
        markup = re.sub(r"<(p|b|i|li|ul|ol)>\s*</\1>", "", markup)
        markup = re.sub(r"(?:<br>){2,}", "<br>", markup)
    markup = re.sub(r"^(?:<br>|\s)+|(?:<br>|\s)+$", "", markup)
    single = re.fullmatch(r"<p>(.*)</p>", markup)
    if single and not re.search(_BLOCK, single.group(1)):
        markup = single.group(1)
    return markup.strip()


def clean_html(raw: str) -> str:
    """Reduce HTML to the simple HTML Sinau keeps (p b i br ul ol li, no
    attributes; strong/em become b/i; scripts and styles are removed)."""
    parser = _SimpleHtml(keep_tags=True)
    parser.feed(raw)
    return _tidy(parser.result())


def html_to_text(raw: str) -> str:
    """Plain text of an HTML fragment: tags removed, entities decoded,
    whitespace collapsed."""
    parser = _SimpleHtml(keep_tags=False)
    parser.feed(raw)
    return re.sub(r"\s+", " ", parser.result()).strip()


def text_to_html(raw: str) -> str:
    """Plain text as simple HTML: escaped, blank lines become paragraphs and
    line breaks become <br>."""
    paragraphs = [p for p in re.split(r"\n\s*\n", raw.strip()) if p.strip()]
    rendered = [
        "<br>".join(
            html.escape(re.sub(r"\s+", " ", line).strip(), quote=False)
            for line in paragraph.strip().splitlines()
        )
        for paragraph in paragraphs
    ]
    if len(rendered) == 1:
        return rendered[0]
    return "".join(f"<p>{paragraph}</p>" for paragraph in rendered)


def plain_text(raw: str) -> str:
    """Plain text with whitespace collapsed (no HTML processing)."""
    return re.sub(r"\s+", " ", raw).strip()


def format_text(raw: str, fmt: str) -> str:
    """Text in Moodle text format `fmt` as simple HTML: "html" is cleaned,
    "moodle_auto_format" is cleaned after turning newlines into <br>, and
    "plain_text"/"markdown" are escaped as plain text."""
    raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    if fmt in ("plain_text", "markdown"):
        return text_to_html(raw)
    if fmt == "moodle_auto_format":
        raw = raw.strip().replace("\n", "<br>")
    return clean_html(raw)


def format_plain(raw: str, fmt: str) -> str:
    """Text in Moodle text format `fmt` as plain text (for choices)."""
    if fmt in ("plain_text", "markdown"):
        return plain_text(raw)
    return html_to_text(raw)


def rich_text(raw: str, fmt: str) -> str:
    """The bank's stored HTML for text in a Moodle/GIFT text format:
    `html` is cleaned as the bank cleans it (`rich_text.html_clean`: nh3
    allowlist; text without tags becomes a paragraph), `markdown` is
    converted then sanitised, `plain`/`plain_text` escaped, and Moodle
    auto-format (`moodle`, `moodle_auto_format`) keeps its line breaks and,
    as Moodle does, its HTML, sanitised."""
    raw = (raw or "").replace("\r\n", "\n").replace("\r", "\n")
    if fmt in ("plain", "plain_text"):
        return html_from_text(raw)
    if fmt == "markdown":
        return html_from_markdown(raw)
    if fmt in ("moodle", "moodle_auto_format") and "\n" in raw.strip():
        raw = raw.strip().replace("\n", "<br>")
    return html_clean(raw)


TAGS = re.compile(r"<[^>]*>")  # any tag, for reading the words of a fragment


def rich_is_empty(markup: str) -> bool:
    """Whether sanitised HTML has no words."""
    return not html.unescape(TAGS.sub("", markup or "")).strip()
