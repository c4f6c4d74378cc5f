import uuid

from django.conf import settings
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from content.cache import cached, content_version

FRAGMENT_TIMEOUT = 60 * 60 * 6


def _catalogue_url(request) -> str:
    from courses.models import CourseIndexPage

    def find() -> str:
        index = CourseIndexPage.objects.live().only("id", "url_path", "path").first()
        return (index.get_url(request) or "") if index else ""

    return cached("catalogue-url", find)


def site(request) -> dict:
    """What every page needs: the help link and where the catalogue lives
    (looked up only when a template asks), and how templates cache
    fragments: `{% cache fragment_timeout name fragment_scope
    content_version LANGUAGE_CODE ... using="content" %}`. A preview gets a
    key of its own and a timeout of 0, so it neither reads nor stores."""
    preview = getattr(request, "is_preview", False)
    return {
        "fragment_scope": uuid.uuid4().hex if preview else "live",
        "fragment_timeout": 0 if preview else FRAGMENT_TIMEOUT,
        "help_url": settings.SINAU_HELP_URL,
        "help_label": settings.SINAU_HELP_LABEL or _("Help via WhatsApp"),
        "catalogue_url": SimpleLazyObject(lambda: _catalogue_url(request)),
        "content_version": SimpleLazyObject(content_version),
    }
