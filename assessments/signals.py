"""Signal handlers of assessments, connected in AssessmentsConfig.ready()."""

from courses.progress import progress_changed

from .models import AttemptQuestion


def question_deleted(sender, instance, **kwargs) -> None:
    """A question leaves the bank: the progress of every trainee who was
    asked it changes (their attempts' items keep no question)."""
    progress_changed(
        *AttemptQuestion.objects.filter(question=instance)
        .order_by()
        .values_list("attempt__user_id", flat=True)
        .distinct()
    )
