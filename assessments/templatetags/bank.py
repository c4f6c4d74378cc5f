"""Template helpers for question-bank content on trainee pages."""

import re

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from wagtail.images import get_image_model

from ..kinds import kind_for
from ..kinds.base import fraction as row_fraction
from ..rich_text import html_clean, html_to_text

register = template.Library()


@register.filter
def bank_html(value) -> str:
    """Stored question-bank HTML (or an old plain-text snapshot) as safe
    HTML: sanitised again on the way out, so nothing outside the allowlist
    reaches a page whatever wrote the value."""
    return mark_safe(html_clean(str(value or "")))  # noqa: S308 - nh3-sanitised


@register.inclusion_tag("assessments/includes/bank_image.html")
def bank_image(image: dict | None, size: str = "wide"):
    """A snapshot's image ({"id", "alt"}) as lazy, responsive WebP
    renditions with its alt text; nothing if it was deleted since."""
    found = None
    if image and image.get("id"):
        found = get_image_model().objects.filter(pk=image["id"]).first()
    return {"image": found, "alt": (image or {}).get("alt", ""), "size": size}


@register.filter
def fraction(row: dict):
    """A snapshot row's credit in percent, as a Decimal (old snapshots:
    100 for a correct choice, 0 otherwise)."""
    return row_fraction(row or {})


@register.filter
def pair_for(pairs, item_id) -> str:
    """The answer a matching response gives for item `item_id`."""
    return (pairs or {}).get(str(item_id), "")


@register.simple_tag
def matched_feedback(snapshot: dict, response: dict | None) -> str:
    """The feedback of the accepted answer a response matched, for kinds
    with accepted answers (numeric, short answer); '' if none."""
    if not response:
        return ""
    return kind_for(snapshot.get("kind")).matched_feedback(snapshot, response)


@register.filter
def bank_inline(value) -> str:
    """Like `bank_html`, for a label: one paragraph loses its <p>, so the
    text sits inline next to a radio button or a select."""
    markup = html_clean(str(value or ""))
    match = re.fullmatch(r"<p>((?:(?!</?p>).)*)</p>", markup, flags=re.DOTALL)
    return mark_safe(match.group(1) if match else markup)  # noqa: S308


@register.filter
def bank_plain(value) -> str:
    """Stored question-bank HTML as plain text, for tables and titles."""
    return " ".join(html_to_text(str(value or "")).split())


# How authors (and imported banks) already tell trainees that several
# choices may be right, in Indonesian and English.
CHOOSE_ALL = re.compile(
    r"pilih\s+(semua|lebih\s+dari\s+satu|beberapa)"
    r"|(choose|select|tick|check|mark)\s+(all|every|more\s+than\s+one)",
    re.IGNORECASE,
)


@register.filter
def says_choose_all(value) -> bool:
    """Does a question's text already say that several choices may be
    right? The answer's legend then leaves the instruction out, so it is
    not shown twice."""
    return bool(CHOOSE_ALL.search(html_to_text(str(value or ""))))


@register.simple_tag(takes_context=True)
def question_form(context, form: dict) -> str:
    """One question's answer form (templates/assessments/includes/
    question_body.html) from `form`: `snapshots.answer_form_context` plus
    the `prefix` of its field names and ids, for a page with several
    questions in one form (the offline package)."""
    return render_to_string(
        "assessments/includes/question_body.html", {**context.flatten(), **form}
    )
