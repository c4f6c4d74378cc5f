"""Template helpers shared by every app's templates."""

from django import template
from django.template.defaultfilters import filesizeformat

register = template.Library()


@register.filter
def rupiah(value) -> str:
    """25000 -> 'Rp25.000' (whole rupiah, Indonesian thousands dots)."""
    try:
        amount = int(value)
    except (TypeError, ValueError):
        return ""
    return "Rp" + f"{amount:,}".replace(",", ".")


@register.filter
def file_size(document) -> str:
    """A document's size for people on metered data, '' if unknown."""
    try:
        size = document.file_size or document.file.size
    except (OSError, ValueError, AttributeError):
        return ""
    return filesizeformat(size) if size else ""
