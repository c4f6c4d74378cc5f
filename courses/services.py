"""Writes for courses: enrollment, lesson completion and course completion."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lms.common import errors

from .access import page_published
from .models import (
    CoursePage,
    Enrollment,
    EnrollmentPolicy,
    LessonCompletion,
    LessonPage,
)
from .progress import progress_changed
from .selectors import course_of, course_steps
from .signals import course_completed


class EnrollmentRefused(errors.Refused, PermissionDenied):
    """The trainee may not enrol in this course this way; `message` says why.
    A PermissionDenied too: uncaught, it is a 403."""

    status = 403


def enrollment_create(
    *,
    user,
    course: CoursePage,
    source: str = Enrollment.Source.SELF,
) -> Enrollment:
    """Enrol `user` in `course`. Idempotent: an existing active enrollment is
    returned unchanged; a withdrawn one is reactivated with its history.

    Open courses accept self-enrollment; cohort-only courses only accept
    enrollments made through a cohort (or by staff). Raises EnrollmentRefused.
    """
    if not user.is_authenticated:
        raise EnrollmentRefused(_("Log in to enrol."))
    if not course.live:
        raise EnrollmentRefused(_("This course is not open."))
    if (
        course.enrollment_policy == EnrollmentPolicy.COHORT
        and source == Enrollment.Source.SELF
    ):
        raise EnrollmentRefused(
            _("This course is only for members of a cohort. Ask your trainer.")
        )
    now = timezone.now()
    with transaction.atomic():
        enrollment, created = Enrollment.objects.get_or_create(
            user=user,
            course=course,
            defaults={"source": source, "last_activity_at": now},
        )
        if not created and enrollment.status == Enrollment.Status.WITHDRAWN:
            enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
            enrollment.status = (
                Enrollment.Status.COMPLETED
                if enrollment.completed_at
                else Enrollment.Status.ACTIVE
            )
            enrollment.withdrawn_at = None
            enrollment.last_activity_at = now
            enrollment.save(
                update_fields=["status", "withdrawn_at", "last_activity_at"]
            )
    return enrollment


def enrollment_withdraw(*, user, course: CoursePage) -> Enrollment | None:
    """Withdraw `user` from `course`. Lesson completions and dates are kept,
    so enrolling again continues where they left off. Idempotent."""
    with transaction.atomic():
        enrollment = (
            Enrollment.objects.select_for_update()
            .filter(user=user, course=course)
            .first()
        )
        if enrollment and enrollment.status != Enrollment.Status.WITHDRAWN:
            enrollment.status = Enrollment.Status.WITHDRAWN
            enrollment.withdrawn_at = timezone.now()
            enrollment.save(update_fields=["status", "withdrawn_at"])
    return enrollment


def enrollment_touch(*, user, course: CoursePage) -> None:
    """Record activity in a course now (for inactivity reports). Idempotent
    in effect; one UPDATE, no read."""
    Enrollment.objects.filter(user=user, course=course).update(
        last_activity_at=timezone.now()
    )
    progress_changed(user.pk)  # Belajarku orders courses by last activity


def lesson_complete(*, user, lesson: LessonPage) -> LessonCompletion:
    """Mark a lesson done for an enrolled trainee. Idempotent: a second call
    returns the existing row. May complete the course, which sends
    `course_completed` after commit. Raises PermissionDenied when the trainee
    is not enrolled (or has withdrawn), or when the lesson or an ancestor is
    not published. View restrictions are the view's to check
    (courses/access.py: it has the request). The enrolment is locked before
    it is checked, so a withdrawal cannot land between the check and the
    write, and the same locked row records the activity."""
    if not page_published(page=lesson):
        raise PermissionDenied(_("This lesson is not published."))
    course = course_of(step=lesson)
    with transaction.atomic():
        enrollment = _enrollment_locked(user=user, course=course)
        if enrollment is None or not enrollment.is_active:
            raise PermissionDenied(_("Enrol in the course first."))
        completion, _created = LessonCompletion.objects.get_or_create(
            user=user, lesson=lesson
        )
        _completion_decide(enrollment=enrollment, course=course, user=user)
    return completion


def enrollment_refresh_completion(*, user, course: CoursePage) -> bool:
    """Decide whether `user` has completed `course`: every required step
    (lessons, and quizzes once they exist) is done. Records `completed_at`
    once and sends `course_completed` after commit, exactly once per
    enrollment even when two requests finish the last steps together (the
    enrollment row is locked while deciding). Returns True when the course
    is complete. Always bumps `last_activity_at`."""
    with transaction.atomic():
        enrollment = _enrollment_locked(user=user, course=course)
        if enrollment is None:
            return False
        return _completion_decide(enrollment=enrollment, course=course, user=user)


def _enrollment_locked(*, user, course: CoursePage) -> Enrollment | None:
    """The enrolment row, locked until the transaction ends (call inside
    `transaction.atomic`)."""
    return (
        Enrollment.objects.select_for_update().filter(user=user, course=course).first()
    )


def _completion_decide(*, enrollment: Enrollment, course: CoursePage, user) -> bool:
    """`enrollment_refresh_completion` on a row the caller has locked."""
    now = timezone.now()
    enrollment.last_activity_at = now
    if enrollment.completed_at is not None:
        enrollment.save(update_fields=["last_activity_at"])
        return True
    steps = course_steps(course=course, user=user)
    required = [s for s in steps if s.required]
    complete = bool(required) and all(s.done for s in required)
    fields = ["last_activity_at"]
    if complete:
        enrollment.completed_at = now
        enrollment.status = Enrollment.Status.COMPLETED
        fields += ["completed_at", "status"]
        transaction.on_commit(
            lambda: course_completed.send(sender=Enrollment, enrollment=enrollment)
        )
    enrollment.save(update_fields=fields)
    return complete


def enrollment_create_many(
    *, user_ids: list[int], course: CoursePage, source: str
) -> int:
    """Enrol many people in `course` at once (a cohort import): the same
    rules as `enrollment_create` for staff and cohort sources, in three
    queries instead of two per person. Idempotent: existing enrollments are
    kept, withdrawn ones reactivated with their history. Returns how many
    were created. Raises EnrollmentRefused for a closed course or a
    self-enrolment in a cohort-only course."""
    if source == Enrollment.Source.SELF:
        raise EnrollmentRefused(_("Self-enrolment is one person at a time."))
    if not course.live:
        raise EnrollmentRefused(_("This course is not open."))
    now = timezone.now()
    with transaction.atomic():
        existing = set(
            Enrollment.objects.filter(course=course, user_id__in=user_ids).values_list(
                "user_id", flat=True
            )
        )
        Enrollment.objects.bulk_create(
            [
                Enrollment(
                    user_id=pk, course=course, source=source, last_activity_at=now
                )
                for pk in user_ids
                if pk not in existing
            ],
            ignore_conflicts=True,
        )
        withdrawn = Enrollment.objects.filter(
            course=course, user_id__in=user_ids, status=Enrollment.Status.WITHDRAWN
        )
        withdrawn.filter(completed_at__isnull=False).update(
            status=Enrollment.Status.COMPLETED, withdrawn_at=None, last_activity_at=now
        )
        withdrawn.update(
            status=Enrollment.Status.ACTIVE, withdrawn_at=None, last_activity_at=now
        )
        progress_changed(*user_ids)  # bulk_create and update send no signals
    return len(set(user_ids) - existing)
