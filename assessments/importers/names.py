"""Names: a question's name made from its text, Moodle category paths, and
how the import's messages name a question, a type or a value."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from .markup import html_to_text, plain_text

NAME_LENGTH = 60


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


def shorten(value: str, length: int = 30) -> str:
    """`value` cut to `length` characters for a message."""
    value = value.strip()
    return value if len(value) <= length else value[: length - 1] + "…"


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
