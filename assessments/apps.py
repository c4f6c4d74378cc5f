from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("Assessments")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save, pre_delete

        from content.cache import content_changed
        from courses.progress import progress_tracked

        from .models import Attempt, Question, QuestionCategory

        progress_tracked(Attempt)
        # Category names show on Belajarku (cached with the content version).
        post_save.connect(content_changed, sender=QuestionCategory, weak=False)
        post_delete.connect(content_changed, sender=QuestionCategory, weak=False)
        # Belajarku's topic scores (progress_cached) count a question asked
        # in several attempts once; deleting it from the bank sets the
        # attempts' items to no question (an UPDATE, no signal).
        pre_delete.connect(
            _question_deleted, sender=Question, dispatch_uid="sinau-question-deleted"
        )


def _question_deleted(sender, instance, **kwargs) -> None:
    from courses.progress import progress_changed

    from .models import AttemptQuestion

    progress_changed(
        *AttemptQuestion.objects.filter(question=instance)
        .order_by()
        .values_list("attempt__user_id", flat=True)
        .distinct()
    )
