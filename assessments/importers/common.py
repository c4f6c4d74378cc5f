"""The old home of the importers' shared helpers, now split by what they do
(markup, names, numbers, media, checks). Re-exports the names tests import
from here; new code imports from the module that defines the name."""

from .markup import clean_html, html_to_text
from .names import category_leaf
from .numbers import (
    ANSWER_DECIMAL_PLACES,
    ANSWER_MAX_DIGITS,
    ANSWER_SIGNIFICANT_DIGITS,
    MAX_POINTS,
)

__all__ = [
    "ANSWER_DECIMAL_PLACES",
    "ANSWER_MAX_DIGITS",
    "ANSWER_SIGNIFICANT_DIGITS",
    "MAX_POINTS",
    "category_leaf",
    "clean_html",
    "html_to_text",
]
