from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("Assessments")

    def ready(self) -> None:
        # Django's idiom: models, signals and forms once the registry is ready.
        from django.db.models.signals import post_delete, post_save, pre_delete

        from content.cache import content_changed
        from courses.progress import progress_tracked

        from .admin_forms import (
            AccommodationForm,
            QuestionCategoryForm,
            QuestionForm,
            QuizPageForm,
        )
        from .models import Accommodation, Attempt, Question, QuestionCategory, QuizPage
        from .signals import question_deleted

        # The admin forms read the staff scope (selectors), which reads the
        # models: attached here, so the models never import admin code.
        QuestionCategory.base_form_class = QuestionCategoryForm
        Question.base_form_class = QuestionForm
        QuizPage.base_form_class = QuizPageForm
        Accommodation.base_form_class = AccommodationForm

        progress_tracked(Attempt)
        # Category names show on Belajarku (cached with the content version).
        post_save.connect(content_changed, sender=QuestionCategory, weak=False)
        post_delete.connect(content_changed, sender=QuestionCategory, weak=False)
        # Belajarku's topic scores (progress_cached) count a question asked
        # in several attempts once; deleting it from the bank sets the
        # attempts' items to no question (an UPDATE, no signal).
        pre_delete.connect(
            question_deleted, sender=Question, dispatch_uid="sinau-question-deleted"
        )
