from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContentConfig(AppConfig):
    name = "content"
    verbose_name = _("Content")

    def ready(self) -> None:
        # AppConfig.ready: these modules import models, so only once apps are loaded.
        from django.db.models.signals import m2m_changed, post_delete, post_save
        from wagtail.models import Page, PageViewRestriction, Site
        from wagtail.signals import post_page_move

        from lms.common.cache import cache_recovered

        from .cache import content_cache_recovered, content_changed
        from .models import PracticeProduct

        def page_changed(sender, **kwargs):
            if issubclass(sender, Page):
                content_changed()

        post_save.connect(page_changed, weak=False, dispatch_uid="sinau_page_saved")
        post_delete.connect(page_changed, weak=False, dispatch_uid="sinau_page_deleted")
        post_page_move.connect(content_changed, dispatch_uid="sinau_page_moved")
        for model in (PageViewRestriction, Site, PracticeProduct):
            post_save.connect(content_changed, sender=model, weak=False)
            post_delete.connect(content_changed, sender=model, weak=False)
        # Writes lost while the shared cache was unreachable: start afresh.
        cache_recovered.connect(
            content_cache_recovered, dispatch_uid="sinau_content_cache_recovered"
        )
        # The groups of a view restriction are saved after the restriction.
        m2m_changed.connect(
            content_changed, sender=PageViewRestriction.groups.through, weak=False
        )
