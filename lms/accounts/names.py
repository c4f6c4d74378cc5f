"""People's names as Sinau stores and prints them (certificates print the
display name)."""

import unicodedata


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
