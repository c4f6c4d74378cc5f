from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("Assessments")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from content.cache import content_changed
        from courses.progress import progress_tracked

        from .models import Attempt, QuestionCategory

        progress_tracked(Attempt)
        # Category names show on Belajarku (cached with the content version).
        post_save.connect(content_changed, sender=QuestionCategory, weak=False)
        post_delete.connect(content_changed, sender=QuestionCategory, weak=False)
