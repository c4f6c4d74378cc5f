"""Question-bank rich text: question text, choices, feedback and
explanations are stored as sanitised HTML (nh3, a small allowlist), so
paragraphs, lists, bold, underline, code blocks, links, sub- and
superscripts (`x<sup>2</sup>`, `H<sub>2</sub>O`) and simple tables (cells
may span rows and columns; no other attribute) survive an import or an
edit and nothing else can reach a trainee's page. Pictures are never inline HTML:
a question or choice carries a Wagtail image (`image`, `image_alt`).

Text without any tag (typed in the admin, or an old plain-text question)
becomes paragraphs and line breaks; Moodle's `[markdown]` format is
converted with the `markdown` package, then sanitised like the rest."""

import html
import re

import markdown as markdown_lib
import nh3

ALLOWED_TAGS = {
    "p",
    "br",
    "ul",
    "ol",
    "li",
    "strong",
    "b",
    "em",
    "i",
    "code",
    "pre",
    "a",
    "u",
    "s",
    "sub",
    "sup",
    "table",
    "caption",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
}
URL_SCHEMES = {"http", "https", "mailto"}
_SCOPES = {"row", "col", "rowgroup", "colgroup"}


def _attribute_value(element: str, attribute: str, value: str) -> str | None:
    """A table cell's span must be a small whole number and a header's
    scope one HTML knows; other allowed attributes pass unchanged."""
    if attribute in ("colspan", "rowspan"):
        return (
            value if value.isascii() and value.isdigit() and len(value) <= 3 else None
        )
    if attribute == "scope":
        return value if value in _SCOPES else None
    return value


_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^>]*)?/?>")


def html_sanitise(markup: str) -> str:
    """`markup` with only the allowed tags and attributes (links only to
    http, https and mailto, opened with rel="noopener noreferrer"); other
    tags are dropped keeping their text, scripts and styles with their
    content. Never raises; '' for None."""
    if not markup:
        return ""
    return nh3.clean(
        markup,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        attribute_filter=_attribute_value,
    ).strip()


def html_from_text(text: str) -> str:
    """Plain text as HTML: blank lines separate paragraphs, single line
    breaks stay line breaks, everything escaped."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", (text or "").strip())]
    return "".join(
        "<p>" + "<br>".join(html.escape(line) for line in p.splitlines()) + "</p>"
        for p in paragraphs
        if p
    )


def html_from_markdown(text: str) -> str:
    """Moodle's `[markdown]` format converted to sanitised HTML."""
    return html_sanitise(markdown_lib.markdown(text or "", extensions=["fenced_code"]))


def html_clean(value: str) -> str:
    """What the bank stores for a rich-text field typed or imported as
    `value`: HTML is sanitised, text without tags becomes paragraphs."""
    value = (value or "").strip()
    if not value:
        return ""
    if _TAG.search(value) or re.search(r"&[a-zA-Z#0-9]+;", value):
        return html_sanitise(value)
    return html_from_text(value)


def html_to_text(markup: str) -> str:
    """The words of stored HTML, for listings, titles and exports that need
    plain text (one line per paragraph or list item)."""
    text = re.sub(r"<br\s*/?>|</p>|</li>|</pre>|</tr>|</caption>", "\n", markup or "")
    text = re.sub(r"</t[dh]>", " ", text)
    text = html.unescape(nh3.clean(text, tags=set()))
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())
