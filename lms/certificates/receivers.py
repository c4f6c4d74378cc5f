"""Listen to `courses.signals.course_completed` and enqueue the certificate.
No logic here: the task and its service decide everything."""

from django.dispatch import receiver

from courses.signals import course_completed
from lms.common.queue import task_enqueue_on_commit

from .tasks import certificate_issue_task


@receiver(course_completed, dispatch_uid="certificates.enqueue_on_completion")
def enqueue_certificate(sender, enrollment, **kwargs) -> None:
    # The signal is already sent after commit; on_commit keeps it so if a
    # sender ever fires it inside a transaction (and runs it now otherwise).
    # A broker that is down is logged; the certificate sweep sends it later.
    task_enqueue_on_commit(certificate_issue_task, args=(enrollment.pk,))
