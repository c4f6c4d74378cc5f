"""Text, number and error helpers shared by the three importers."""

from __future__ import annotations

import base64
import binascii
import html
import io
import re
import warnings
from decimal import ROUND_CEILING, Decimal, InvalidOperation
from html.parser import HTMLParser

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..text import text_printable, text_storable
from .base import ImportFailed, ParsedChoice, ParsedQuestion, ParseResult

# --------------------------------------------------------------------------
# Shared text helpers
# --------------------------------------------------------------------------

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
NAME_LENGTH = 60
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


def short_name(text_html: str) -> str:
    """A name made from the start of a question's text (as Moodle does)."""
    text = html_to_text(text_html)
    if len(text) <= NAME_LENGTH:
        return text
    cut = text[: NAME_LENGTH - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip() + "…"


_CONTEXT_SEGMENT = re.compile(r"^\$[a-z]+\$$")


def category_path(path: str) -> tuple[str, ...]:
    """The names of a Moodle category path below its context and "top":
    `$course$/top/Foo/Bar` and `top/Foo/Bar` give ("Foo", "Bar"); `//` is
    a slash inside a name; empty segments are dropped."""
    segments = [
        segment.replace("//", "/").strip()
        for segment in re.split(r"(?<!/)/(?!/)", path.strip())
    ]
    segments = [plain_text(segment) for segment in segments if segment.strip()]
    if segments and _CONTEXT_SEGMENT.match(segments[0]):
        segments = segments[1:]
    if segments and segments[0] == "top":
        segments = segments[1:]
    return tuple(segments)


def category_leaf(path: str) -> str:
    """The last segment of a Moodle category path: `$course$/top/Foo/Bar`
    gives "Bar"; the context (`$course$`) and the "top" root give ""."""
    segments = category_path(path)
    return segments[-1] if segments else ""


_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_EXPONENT = re.compile(r"[eE][+-]?0*([0-9]+)$")
NUMBER_MAX_LENGTH = 100  # characters of a number in a file
EXPONENT_MAX_DIGITS = 4  # 1e9999 is read; 1e10000 is refused before Decimal()
# Numeric answers and tolerances: DecimalField(30, 15) with at most 15
# significant digits (models.NUMBER_DIGITS, NUMBER_PLACES,
# NUMBER_SIGNIFICANT), so Rp 100000000 and 3.14159265 +- 0.000000005 are
# kept exactly on both databases:
ANSWER_MAX_DIGITS = 30
ANSWER_DECIMAL_PLACES = 15
ANSWER_SIGNIFICANT_DIGITS = 15
MAX_POINTS = 1000  # AttemptQuestion.max_points is DecimalField(6, 2)


def _number_shape(value: str) -> str:
    """ "number", "huge" (a number too long or with too large an exponent
    to read with bounded work) or "" (not a number). Bounded work: a
    regular-expression match, no Decimal arithmetic."""
    if not _NUMBER.fullmatch(value):
        return ""
    exponent = _EXPONENT.search(value)
    if len(value) > NUMBER_MAX_LENGTH or (
        exponent and len(exponent.group(1)) > EXPONENT_MAX_DIGITS
    ):
        return "huge"
    return "number"


def is_huge_number(value: str) -> bool:
    """Whether `value` is written as a number but too long or too large to
    read (see `parse_decimal`)."""
    return _number_shape(value.strip()) == "huge"


def parse_decimal(value: str) -> Decimal | None:
    """`value` as a Decimal, or None if it is not a plain finite number
    (a dot is the decimal separator; no thousands separators) or is too
    long or too large to read (more than NUMBER_MAX_LENGTH characters or an
    exponent over 9999): refused before any Decimal work, so `1e1000000`
    costs nothing."""
    value = value.strip()
    if _number_shape(value) != "number":
        return None
    try:
        return Decimal(value)
    except InvalidOperation:  # pragma: no cover - the pattern rules this out
        return None


def shorten(value: str, length: int = 30) -> str:
    """`value` cut to `length` characters for a message."""
    value = value.strip()
    return value if len(value) <= length else value[: length - 1] + "…"


def out_of_range(label: str, value: str) -> str:
    """The message for a correct number or tolerance Sinau cannot store."""
    return _(
        "%(question)s: %(value)s cannot be stored exactly: a correct number "
        "or tolerance has at most %(whole)d digits before the decimal point, "
        "%(places)d after it and %(significant)d significant digits."
    ) % {
        "question": label,
        "value": shorten(value),
        "whole": ANSWER_MAX_DIGITS - ANSWER_DECIMAL_PLACES,
        "places": ANSWER_DECIMAL_PLACES,
        "significant": ANSWER_SIGNIFICANT_DIGITS,
    }


def points_out_of_range(label: str, points: str) -> str:
    """The message for a question worth too many (or too few) points."""
    return _("%(question)s: %(points)s points is out of range (1 to %(max)d).") % {
        "question": label,
        "points": points,
        "max": MAX_POINTS,
    }


def answer_number(raw: str, label: str) -> Decimal | None:
    """A correct number or tolerance from a file: the Decimal, None if
    `raw` is not a number (the caller says so in its own words), or
    QuestionError naming the question when it is a number too large to
    read (`1e1000000`). Whether the value fits the model is checked for
    every question in `finish`."""
    if _number_shape(raw.strip()) == "huge":
        raise QuestionError(out_of_range(label, raw))
    return parse_decimal(raw)


def answer_fits(value: Decimal) -> bool:
    """Whether `value` fits Choice.number/tolerance exactly
    (`models.number_storable`). Constant work: the exponent is checked
    before the digits are counted."""
    from ..models import number_storable

    return number_storable(value)


def points_from_grade(value: Decimal) -> int:
    """A Moodle default grade as Sinau points: rounded up, at least 1; a
    grade over MAX_POINTS gives MAX_POINTS + 1 (refused by `finish`)
    without converting a huge number to an int."""
    if value > MAX_POINTS:
        return MAX_POINTS + 1
    return max(1, int(value.to_integral_value(rounding=ROUND_CEILING)))


def question_label(name: str, number: int, line: int | None = None) -> str:
    """How messages name a question: by its name, else by its number (and
    line, when known)."""
    if name:
        return _("Question '%(name)s'") % {"name": name}
    if line is not None:
        return _("Question %(number)d (line %(line)d)") % {
            "number": number,
            "line": line,
        }
    return _("Question %(number)d") % {"number": number}


def unsupported(label: str, kind: str) -> str:
    """The `skipped` entry for a question of an unsupported type."""
    return _("%(question)s (%(type)s): type not supported.") % {
        "question": label,
        "type": kind,
    }


# Fields with a length limit (the model's max_length), and what the
# message calls them.
LENGTH_LIMITS = {
    "name": (255, gettext_lazy("the name")),
    "image_alt": (250, gettext_lazy("the picture's alt text")),
    "match": (500, gettext_lazy("a matching answer")),
    "category": (255, gettext_lazy("a category name")),
    "unit": (20, gettext_lazy("the unit")),
}


def length_problems(question: ParsedQuestion, number: int) -> list[str]:
    """Why a field would cut `question`'s text (one message per value)."""
    label = question_label(question.name[:80], number)
    values = [("name", question.name), ("unit", question.unit)]
    values += [("category", name) for name in question.category_path]
    images = [question.image] + [choice.image for choice in question.choices]
    values += [("image_alt", image.alt) for image in images if image]
    values += [("match", choice.match) for choice in question.choices]
    problems = []
    for key, value in values:
        limit, what = LENGTH_LIMITS[key]
        if len(value) > limit:
            problems.append(
                _(
                    "%(question)s: %(what)s has %(length)d characters; at "
                    "most %(limit)d fit, so it would be cut. Shorten it."
                )
                % {
                    "question": label,
                    "what": what,
                    "length": len(value),
                    "limit": limit,
                }
            )
    return problems


def _storage_problems(question: ParsedQuestion, label: str) -> list[str]:
    """Why `question` cannot be stored as it is (both databases): text with
    NUL characters or invalid Unicode, numbers beyond the model's columns,
    too many points."""
    problems = []
    texts = [question.name, question.text, question.category, question.explanation]
    texts += [question.rubric]
    texts += [question.true_feedback, question.false_feedback]
    texts += [
        question.correct_feedback,
        question.partial_feedback,
        question.incorrect_feedback,
    ]
    texts += [
        part
        for choice in question.choices
        for part in (choice.text, choice.feedback, choice.match)
    ]
    if not all(text_storable(text) for text in texts):
        problems.append(
            _(
                "%(question)s: the text contains a NUL character or invalid "
                "Unicode, which cannot be stored."
            )
            % {"question": label}
        )
    numbers = [
        number
        for choice in question.choices
        for number in (choice.value, choice.tolerance)
    ]
    for value in numbers:
        if value is not None and not answer_fits(value):
            problems.append(out_of_range(label, str(value)))
    lowest = 0 if question.kind == "description" else 1
    if not lowest <= question.points <= MAX_POINTS:
        problems.append(points_out_of_range(label, str(question.points)))
    return problems


def finish(
    questions: list[ParsedQuestion], skipped: list[str], errors: list[str]
) -> ParseResult:
    """The parse result: `errors` (one per refused question) become its
    `refused` list, and every question is checked to be storable here
    (`_storage_problems`, `length_problems`), whichever format it came
    from; a question that is not is refused whole. ImportFailed only for
    a file with no question at all."""
    kept = []
    length_errors = []
    for number, question in enumerate(questions, start=1):
        label = question_label(text_printable(question.name), number)
        problems = _storage_problems(question, label)
        lengths = length_problems(question, number)
        errors.extend(problems)
        length_errors.extend(lengths)
        if not problems and not lengths:
            kept.append(question)
    errors.extend(length_errors)
    if not errors and not kept:
        if skipped:
            errors = [_("The file contains no question of a supported type.")]
        else:
            errors = [_("The file contains no questions.")]
        raise ImportFailed(errors, skipped)
    return ParseResult(questions=kept, skipped=skipped, refused=errors)


class QuestionError(Exception):
    """One question is wrong; the message is user-facing."""


# --------------------------------------------------------------------------
# Moodle XML
# --------------------------------------------------------------------------


def check_choices(choices: list[ParsedChoice], label: str) -> None:
    """A choice question needs two choices and a correct one."""
    if len(choices) < 2:
        raise QuestionError(
            _("%(question)s: needs at least two answers.") % {"question": label}
        )
    if not any(choice.correct for choice in choices):
        raise QuestionError(_("%(question)s: no correct answer.") % {"question": label})


def check_accepted(choices: list[ParsedChoice], label: str) -> None:
    """A short-answer question needs an answer that earns credit."""
    if not any(choice.correct for choice in choices):
        raise QuestionError(_("%(question)s: no correct answer.") % {"question": label})


def check_tolerance(raw: str, label: str) -> Decimal:
    """A tolerance: a number, not negative."""
    tolerance = answer_number(raw, label)
    if tolerance is None:
        raise QuestionError(
            _("%(question)s: '%(value)s' is not a number.")
            % {"question": label, "value": shorten(raw)}
        )
    if tolerance < 0:
        raise QuestionError(
            _("%(question)s: the tolerance %(value)s is negative.")
            % {"question": label, "value": raw}
        )
    return tolerance


# --------------------------------------------------------------------------
# Rich text, images and grades (issue 10)
# --------------------------------------------------------------------------

_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_ATTR = re.compile(r"""([a-zA-Z_:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
PLUGINFILE = "@@PLUGINFILE@@/"
_DATA_URI = re.compile(
    r"data:image/(png|jpe?g|gif|webp);base64,([A-Za-z0-9+/=\s]+)$", re.IGNORECASE
)


def rich_text(raw: str, fmt: str) -> str:
    """The bank's stored HTML for text in a Moodle/GIFT text format:
    `html` is cleaned as the bank cleans it (`rich_text.html_clean`: nh3
    allowlist; text without tags becomes a paragraph), `markdown` is
    converted then sanitised, `plain`/`plain_text` escaped, and Moodle
    auto-format (`moodle`, `moodle_auto_format`) keeps its line breaks and,
    as Moodle does, its HTML, sanitised."""
    from ..rich_text import html_clean, html_from_markdown, html_from_text

    raw = (raw or "").replace("\r\n", "\n").replace("\r", "\n")
    if fmt in ("plain", "plain_text"):
        return html_from_text(raw)
    if fmt == "markdown":
        return html_from_markdown(raw)
    if fmt in ("moodle", "moodle_auto_format") and "\n" in raw.strip():
        raw = raw.strip().replace("\n", "<br>")
    return html_clean(raw)


_TAGS = re.compile(r"<[^>]*>")


def rich_is_empty(markup: str) -> bool:
    """Whether sanitised HTML has no words."""
    return not html.unescape(_TAGS.sub("", markup or "")).strip()


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
    return bool(_WORDS.search(html.unescape(_TAGS.sub(" ", markup))))


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
        text = plain_text(html.unescape(_TAGS.sub(" ", inner)))
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
    from urllib.parse import unquote

    from .base import ParsedImage

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
    from django.conf import settings

    return getattr(settings, "WAGTAILIMAGES_MAX_IMAGE_PIXELS", 128_000_000)


def _picture_pixels(data: bytes) -> int | None:
    """Width x height a picture's header claims, read without decoding it;
    None when Pillow does not know `data` as a picture. A header past
    Pillow's decompression-bomb limit (a 100-byte file can claim a billion
    pixels) counts as one pixel more than that limit."""
    from PIL import Image, UnidentifiedImageError

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
    from PIL import Image, UnidentifiedImageError

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


# Moodle's grade fractions (question_bank::fraction_options_full), in
# percent; an imported grade must be one of them (within 0.001 %, as
# Moodle's match_grade_options allows) and is stored as that exact value.
FRACTIONS = tuple(
    Decimal(value)
    for value in (
        "100",
        "90",
        "83.33333",
        "80",
        "75",
        "70",
        "66.66667",
        "60",
        "50",
        "40",
        "33.33333",
        "30",
        "25",
        "20",
        "16.66667",
        "14.28571",
        "12.5",
        "11.11111",
        "10",
        "5",
        "0",
    )
)
ALL_FRACTIONS = FRACTIONS + tuple(-value for value in FRACTIONS if value)
_FRACTION_SLACK = Decimal("0.001")


def fraction_check(raw: str, label: str) -> Decimal:
    """A grade in percent from a file, as one of Moodle's fractions, or
    QuestionError naming the question and the grade (Moodle refuses it
    too: e.g. 33 for a three-way split, where 33.33333 is meant)."""
    value = parse_decimal(raw)
    if value is None:
        raise QuestionError(
            _("%(question)s: the answer grade '%(value)s' is not a number.")
            % {"question": label, "value": shorten(raw)}
        )
    for allowed in ALL_FRACTIONS:
        if abs(value - allowed) < _FRACTION_SLACK:
            return allowed
    raise QuestionError(
        _(
            "%(question)s: the answer grade %(value)s%% is not one Moodle "
            "allows (e.g. 100, 50, 33.33333, 25, 0, -50)."
        )
        % {"question": label, "value": shorten(raw)}
    )
