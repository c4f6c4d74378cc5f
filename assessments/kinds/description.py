"""Description: text or a picture between questions. It asks nothing: no
answer rows, no points (Question.save sets 0), never graded ("information
only" on every page), left out of random draws and statistics."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from .base import Kind


class Description(Kind):
    value = "description"
    help_text = gettext_lazy("Text or a picture between questions; no points.")
    asks = False
