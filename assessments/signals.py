"""Signal handlers of assessments, connected by AssessmentsConfig.ready()."""

from django.db.models.signals import post_delete, post_save, pre_delete

from content.cache import content_changed
from courses.progress import progress_changed, progress_tracked

from .models import (
    Attempt,
    AttemptQuestion,
    Question,
    QuestionCategory,
    Submission,
    TaskAssessment,
)


def connect() -> None:
    """Connect the handlers (once, from AssessmentsConfig.ready())."""
    progress_tracked(Attempt)
    # A task version's status finishes its step; its assessment is the
    # trainee's feedback (the cohort dashboard keeps both per trainee,
    # lms/cohorts/facts.py).
    progress_tracked(Submission)
    post_save.connect(
        assessment_changed, sender=TaskAssessment, dispatch_uid="sinau-assessment-save"
    )
    post_delete.connect(
        assessment_changed,
        sender=TaskAssessment,
        dispatch_uid="sinau-assessment-delete",
    )
    # Category names show on Belajarku (cached with the content version).
    post_save.connect(content_changed, sender=QuestionCategory, weak=False)
    post_delete.connect(content_changed, sender=QuestionCategory, weak=False)
    # Belajarku's topic scores (progress_cached) count a question asked
    # in several attempts once; deleting it from the bank sets the
    # attempts' items to no question (an UPDATE, no signal).
    pre_delete.connect(
        question_deleted, sender=Question, dispatch_uid="sinau-question-deleted"
    )


def question_deleted(sender, instance, **kwargs) -> None:
    """A question leaves the bank: the progress of every trainee who was
    asked it changes (their attempts' items keep no question)."""
    progress_changed(
        *AttemptQuestion.objects.filter(question=instance)
        .order_by()
        .values_list("attempt__user_id", flat=True)
        .distinct()
    )


def assessment_changed(sender, instance, **kwargs) -> None:
    """A task assessment is saved or deleted: the progress of the trainee
    whose version it assesses changes (one query unless the submission is
    loaded; none when it is gone too, its own delete said so)."""
    cached = TaskAssessment.submission.field.get_cached_value(instance, None)
    if cached is not None:
        progress_changed(cached.user_id)
        return
    progress_changed(
        *Submission.objects.filter(pk=instance.submission_id).values_list(
            "user_id", flat=True
        )
    )
