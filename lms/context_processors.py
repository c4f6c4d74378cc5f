from django.conf import settings
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from content.cache import cached, content_version


def _catalogue_url(request) -> str:
    from courses.models import CourseIndexPage

    def find() -> str:
        index = CourseIndexPage.objects.live().only("id", "url_path", "path").first()
        return (index.get_url(request) or "") if index else ""

    return cached("catalogue-url", find)


def site(request) -> dict:
    """What every page needs: the help link and where the catalogue lives
    (looked up only when a template asks)."""
    return {
        "help_url": settings.SINAU_HELP_URL,
        "help_label": settings.SINAU_HELP_LABEL or _("Help via WhatsApp"),
        "catalogue_url": SimpleLazyObject(lambda: _catalogue_url(request)),
        "content_version": SimpleLazyObject(content_version),
    }
