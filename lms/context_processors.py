from django.conf import settings
from django.core.cache import cache
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

CATALOGUE_URL_KEY = "sinau:catalogue-url"


def _catalogue_url(request) -> str:
    """The catalogue's URL, cached once found (it does not move)."""
    url = cache.get(CATALOGUE_URL_KEY)
    if url is None:
        from courses.models import CourseIndexPage

        index = CourseIndexPage.objects.live().only("id", "url_path", "path").first()
        url = (index.get_url(request) or "") if index else ""
        if url:
            cache.set(CATALOGUE_URL_KEY, url, 60 * 60)
    return url


def site(request) -> dict:
    """What every page needs: the help link and where the catalogue lives
    (looked up only when a template asks)."""
    return {
        "help_url": settings.SINAU_HELP_URL,
        "help_label": settings.SINAU_HELP_LABEL or _("Help via WhatsApp"),
        "catalogue_url": SimpleLazyObject(lambda: _catalogue_url(request)),
    }
