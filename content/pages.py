"""Page behaviour shared by Sinau's page types."""

from django.db.models import Q
from wagtail.models import Page, PageViewRestriction

from .cache import cached


class OneQueryViewRestrictions:
    """Wagtail checks view restrictions on every page view with two queries
    (ancestors, then restrictions). This asks in one, with the same rules:
    restrictions on the page or any ancestor, and on the source page of any
    of them that is an alias; and in none while no restriction exists at
    all (cached per content version)."""

    def get_view_restrictions(self):
        if not cached("view-restrictions-exist", PageViewRestriction.objects.exists):
            return PageViewRestriction.objects.none()
        steplen = Page.steplen
        paths = [self.path[:end] for end in range(steplen, len(self.path) + 1, steplen)]
        aliased = Page.objects.filter(path__in=paths, alias_of__isnull=False).values(
            "alias_of_id"
        )
        return PageViewRestriction.objects.filter(
            Q(page__path__in=paths, page__alias_of__isnull=True) | Q(page__in=aliased)
        )
