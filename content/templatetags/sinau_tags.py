"""Template helpers shared by every app's templates."""

from django import template
from django.conf import settings
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


_LOCALE_LANGUAGES: dict[int, str] = {}


@register.filter
def content_lang(obj) -> str:
    """The language `obj`'s content is written in, for a `lang` attribute:
    the page's Wagtail locale (a snippet's, when translatable), else the
    site's default language. Not the interface language: with the interface
    in English, an Indonesian lesson is still `lang="id"`. One query per
    process for the locale table (locales do not change at run time)."""
    from wagtail.models import Locale

    locale_id = getattr(obj, "locale_id", None)
    if locale_id is None:
        return settings.LANGUAGE_CODE
    if locale_id not in _LOCALE_LANGUAGES:
        _LOCALE_LANGUAGES.update(Locale.objects.values_list("id", "language_code"))
    return _LOCALE_LANGUAGES.get(locale_id, settings.LANGUAGE_CODE)
