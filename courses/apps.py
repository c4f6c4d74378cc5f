from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _

from content.cache import content_changed


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Courses")

    def ready(self) -> None:
        # Late: models can be imported only once the app registry is ready.
        from .models import (
            Enrollment,
            LearningPath,
            LearningPathCourse,
            LessonCompletion,
        )
        from .progress import progress_tracked

        progress_tracked(Enrollment)
        progress_tracked(LessonCompletion)
        # Learning paths are cached with the content (catalogue, Belajarku).
        for model in (LearningPath, LearningPathCourse):
            post_save.connect(content_changed, sender=model, weak=False)
            post_delete.connect(content_changed, sender=model, weak=False)
