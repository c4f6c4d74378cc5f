"""People's names as Sinau stores and prints them (certificates print the
display name)."""

import unicodedata

from django.conf import settings
from django.utils.translation import ngettext

from lms.common import ratelimit


def person_name_clean(value: str | None) -> str:
    """`value` with format characters removed (Unicode category Cf: bidi
    overrides and isolates such as U+202E, zero-width spaces and joiners
    outside a script that needs them) and runs of whitespace collapsed to
    one space. Returns "" when nothing visible is left, so a name of only
    invisible characters counts as empty and a printed name never reads
    differently from what is stored. Zero-width joiners (U+200C, U+200D)
    between letters are kept: Javanese and other scripts use them."""
    kept = []
    for char in value or "":
        if unicodedata.category(char) == "Cf" and char not in "\u200c\u200d":
            continue
        kept.append(char)
    name = " ".join("".join(kept).split())
    if not any(unicodedata.category(c)[0] in "LNMPS" for c in name):
        return ""
    return name


def name_change_allowed(*, user, name: str) -> bool:
    """Count a change of `user`'s printed name to `name` against their daily
    allowance, `SINAU_NAME_CORRECTIONS_PER_DAY` (each change renders and
    signs every issued certificate again on the worker). One allowance for
    every page that changes the name (the certificate name form, the account
    page). Saving the same name again is free. False when the allowance is
    used up: nothing may change then."""
    if person_name_clean(name) == user.display_name:
        return True
    rate = ratelimit.Rate(settings.SINAU_NAME_CORRECTIONS_PER_DAY, 86400)
    return ratelimit.hit(f"certificates:name:{user.pk}", rate) is not None


def name_changes_used_up() -> str:
    """The message for a person whose name allowance is used up."""
    per_day = settings.SINAU_NAME_CORRECTIONS_PER_DAY
    return ngettext(
        "You have changed the name on your certificates %(n)s time today. "
        "Try again tomorrow, or ask your trainer.",
        "You have changed the name on your certificates %(n)s times today. "
        "Try again tomorrow, or ask your trainer.",
        per_day,
    ) % {"n": per_day}
