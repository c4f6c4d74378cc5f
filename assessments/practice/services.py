"""Writes for practical tasks on the trainee's side: sending a version of
the work (`submission_create`), its allocation to an assessor
(`submission_allocate`), the voice note's transcoding
(`submission_voice_transcode`, run by a Celery task) and the portfolio
switch (`submission_publish`).

A refusal raises `SubmissionRefused` (an `assessments.errors.Refused`) with
a translated message and the form field it concerns; nothing has changed
when it is raised: no row, and no file left in storage."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail import hooks

from courses.models import Enrollment
from courses.progress import progress_changed
from courses.selectors import course_of
from lms.common.queue import task_enqueue_on_commit, task_send

from ..errors import Refused
from ..models import Submission, SubmissionFile, TaskPage
from ..tasks import submission_voice_transcode_task
from . import uploads
from .selectors import (
    submit_state,
    task_accommodation_for,
    task_assessors,
    task_due_at,
)
from .uploads import LINK_MAX, TEXT_MAX_CHARS, CleanFile, UploadRefused

User = get_user_model()


class SubmissionRefused(Refused):
    """The submission (or the change asked of it) is not allowed."""


def words_in(text: str) -> int:
    """The number of words in `text`, as the trainee counts them: runs of
    non-space characters."""
    return len(text.split())


# -- checks ---------------------------------------------------------------------


def _state_refusal(reason: str) -> SubmissionRefused:
    messages = {
        "waiting": _(
            "Your work is waiting for its assessment: you can send a new "
            "version once it has been assessed."
        ),
        "passed": _("Your work has passed: there is nothing more to send."),
        "used": _("You have used all the resubmissions of this task."),
    }
    return SubmissionRefused(messages[reason], status=409)


def _enrollment_of(*, user, task: TaskPage, lock: bool) -> Enrollment:
    """The trainee's active enrolment in the task's course (locked for the
    rest of the transaction with `lock`), or a refusal."""
    rows = Enrollment.objects.filter(user=user, course_id=course_of(step=task).pk)
    if lock:
        rows = rows.select_for_update()
    enrollment = rows.first() if user.is_authenticated else None
    if enrollment is None or not enrollment.is_active:
        raise SubmissionRefused(_("Enrol in the course to send your work."), status=403)
    return enrollment


def _parts_checked(
    *, task: TaskPage, text: str, link: str, photos: Sequence, voice, pdf
) -> tuple[str, str]:
    """The text and link to store, once every part is one the task accepts
    and within its bounds. Raises SubmissionRefused (field: the part)."""
    text = (text or "").strip()
    link = (link or "").strip()
    if "\x00" in text or "\x00" in link:
        raise SubmissionRefused(_("The text holds characters that are not allowed."))
    if text and not task.accepts_text:
        raise SubmissionRefused(_("This task does not take text."), field="text")
    if photos and task.photos_max == 0:
        raise SubmissionRefused(_("This task does not take photos."), field="photos")
    if voice is not None and not task.accepts_voice:
        raise SubmissionRefused(
            _("This task does not take a voice note."), field="voice"
        )
    if link and not task.accepts_link:
        raise SubmissionRefused(_("This task does not take a link."), field="link")
    if pdf is not None and not task.accepts_pdf:
        raise SubmissionRefused(_("This task does not take a PDF file."), field="pdf")
    if not (text or photos or voice is not None or link or pdf is not None):
        raise SubmissionRefused(_("Your submission is empty."), field="text")
    if len(text) > TEXT_MAX_CHARS:
        raise SubmissionRefused(_("The text is too long."), field="text")
    if task.accepts_text:
        words = words_in(text)
        if words < task.text_min_words:
            raise SubmissionRefused(
                _("Write at least %(min)s words (you wrote %(count)s).")
                % {"min": task.text_min_words, "count": words},
                field="text",
            )
        if task.text_max_words is not None and words > task.text_max_words:
            raise SubmissionRefused(
                _("Write at most %(max)s words (you wrote %(count)s).")
                % {"max": task.text_max_words, "count": words},
                field="text",
            )
    if task.photos_max and not task.photos_min <= len(photos) <= task.photos_max:
        if task.photos_min == task.photos_max:
            message = _("Send %(count)s photos (you chose %(chosen)s).") % {
                "count": task.photos_min,
                "chosen": len(photos),
            }
        else:
            message = _(
                "Send from %(min)s to %(max)s photos (you chose %(chosen)s)."
            ) % {
                "min": task.photos_min,
                "max": task.photos_max,
                "chosen": len(photos),
            }
        raise SubmissionRefused(message, field="photos")
    if link:
        try:
            URLValidator(schemes=["http", "https"])(link)
        except ValidationError:
            raise SubmissionRefused(
                _("The link must be a web address starting with http:// or https://."),
                field="link",
            ) from None
        if len(link) > LINK_MAX:
            raise SubmissionRefused(
                _("The link is too long: at most %(max)s characters.")
                % {"max": LINK_MAX},
                field="link",
            )
    return text, link


@dataclass(frozen=True)
class _Part:
    kind: str
    position: int
    clean: CleanFile
    ready: bool


def _files_cleaned(*, photos: Sequence, voice, pdf) -> list[_Part]:
    """Every file checked and re-encoded in memory (uploads.py), before
    anything is written. Raises UploadRefused for the first bad one."""
    parts = [
        _Part(SubmissionFile.Kind.PHOTO, i, uploads.photo_clean(f, number=i + 1), True)
        for i, f in enumerate(photos)
    ]
    if voice is not None:
        parts.append(
            _Part(SubmissionFile.Kind.VOICE, 0, uploads.voice_clean(voice), False)
        )
    if pdf is not None:
        parts.append(_Part(SubmissionFile.Kind.PDF, 0, uploads.pdf_clean(pdf), True))
    return parts


# -- writes ---------------------------------------------------------------------


def submission_create(
    *,
    user,
    task: TaskPage,
    text: str = "",
    link: str = "",
    photos: Sequence = (),
    voice=None,
    pdf=None,
) -> Submission:
    """Send a new version of the trainee's work on `task`.

    user: the trainee (the view has applied the access rule,
    `courses.access.step_access(action=True)`; the enrolment is checked
    again here). text, link: as typed. photos: uploaded files (0..n);
    voice, pdf: an uploaded file or None.

    Checks, in order: an active enrolment; the resubmission rule
    (`selectors.submit_state`: the first version, or the latest needs
    revision and resubmissions are left); every part accepted by the task
    and within its bounds (words, photo count, http(s) link of at most 500
    characters, something sent at all); every file really what it claims
    and within its limits (uploads.py: photos re-encoded without metadata,
    PDF rewritten). Then, in one transaction with the enrolment row locked
    (two sends at once make one version; the unique number constraint
    stands behind it): a Submission numbered after the previous one, its
    due date (`task_due_at` with the trainee's extra days), its allocation
    (`submission_allocate`) and its SubmissionFile rows in private storage.
    A voice note is stored as uploaded (`ready` false) and its transcoding
    enqueued after commit (`submission_voice_transcode_task`).

    Returns the new Submission. Raises SubmissionRefused or UploadRefused
    (both `Refused`, with `field`); nothing is written then, and a file
    stored before a failure is deleted again. Not idempotent: each call
    that succeeds is a new version (a second identical call is refused
    while the first waits for its assessment)."""
    photos = list(photos or ())
    _enrollment_of(user=user, task=task, lock=False)
    previous = list(Submission.objects.filter(user=user, task=task))
    state = submit_state(task=task, submissions=previous)
    if not state.may:
        raise _state_refusal(state.reason)
    text, link = _parts_checked(
        task=task, text=text, link=link, photos=photos, voice=voice, pdf=pdf
    )
    parts = _files_cleaned(photos=photos, voice=voice, pdf=pdf)
    stored: list[str] = []
    try:
        with transaction.atomic():
            enrollment = _enrollment_of(user=user, task=task, lock=True)
            previous = list(Submission.objects.filter(user=user, task=task))
            state = submit_state(task=task, submissions=previous)
            if not state.may:
                raise _state_refusal(state.reason)
            accommodation = task_accommodation_for(user=user, task=task)
            now = timezone.now()
            submission = Submission.objects.create(
                task=task,
                user=user,
                number=max((s.number for s in previous), default=0) + 1,
                submitted_at=now,
                due_at=task_due_at(
                    task=task,
                    enrolled_at=enrollment.enrolled_at,
                    extra_days=accommodation.extra_days if accommodation else 0,
                ),
                text=text,
                link=link,
            )
            submission_allocate(submission=submission, previous=previous)
            voice_ids = []
            for part in parts:
                row = SubmissionFile(
                    submission=submission,
                    kind=part.kind,
                    position=part.position,
                    content_type=part.clean.content_type,
                    size=part.clean.size,
                    width=part.clean.width,
                    height=part.clean.height,
                    duration_seconds=part.clean.duration_seconds,
                    ready=part.ready,
                )
                row.file.save(
                    f"{part.kind}.{part.clean.extension}",
                    ContentFile(part.clean.content),
                    save=False,
                )
                stored.append(row.file.name)
                row.save()
                if part.kind == SubmissionFile.Kind.VOICE:
                    voice_ids.append(row.pk)
            for file_id in voice_ids:
                # A broker that is down costs nothing: the sweep sends it.
                task_enqueue_on_commit(submission_voice_transcode_task, args=(file_id,))
    except IntegrityError:
        _files_delete(stored)
        raise SubmissionRefused(
            _("This version was already sent. Reload the page."), status=409
        ) from None
    except BaseException:
        _files_delete(stored)
        raise
    return submission


def _files_delete(names: list[str]) -> None:
    storage = SubmissionFile._meta.get_field("file").storage
    for name in names:
        storage.delete(name)


def submission_allocate(*, submission: Submission, previous=()) -> int | None:
    """Allocate `submission` to an assessor and return their id (None:
    unallocated, so any trainer whose scope has the task may take it).

    The candidates are the trainers of the trainee's cohorts for the task's
    course, given by the `sinau_task_assessors` hooks (fn(user, course) ->
    user ids; registered by lms.cohorts, a higher layer), kept only when
    the task is in their staff scope (`tasks_assessable_by`) and they are
    not the trainee. A resubmission goes to the assessor of the previous
    version when they are still a candidate (the same eyes on the
    revision); otherwise round-robin: the candidate with the fewest
    submissions of this task allocated to them, ties to the lowest id.
    Writes `submission.assessor`. Call it inside the transaction that
    creates the submission."""
    task = submission.task
    course = course_of(step=task)
    ids: set[int] = set()
    for fn in hooks.get_hooks("sinau_task_assessors"):
        ids.update(fn(submission.user, course))
    ids.discard(submission.user_id)
    # Who may assess the task, asked once for every candidate (superusers
    # may too, though `task_assessors` leaves them out of its list).
    able = set(
        task_assessors(task=task, trainee_id=submission.user_id)
        .filter(pk__in=ids)
        .values_list("pk", flat=True)
    ) | set(
        User.objects.filter(pk__in=ids, is_active=True, is_superuser=True).values_list(
            "pk", flat=True
        )
    )
    candidates = sorted(able)
    chosen = None
    earlier = [s for s in previous if s.assessor_id in candidates]
    if earlier:
        chosen = max(earlier, key=lambda s: s.number).assessor_id
    elif candidates:
        load = dict(
            Submission.objects.filter(task=task, assessor_id__in=candidates)
            .order_by()
            .values("assessor_id")
            .annotate(n=Count("pk"))
            .values_list("assessor_id", "n")
        )
        chosen = min(candidates, key=lambda pk: (load.get(pk, 0), pk))
    if chosen is not None:
        Submission.objects.filter(pk=submission.pk).update(assessor_id=chosen)
        submission.assessor_id = chosen
        progress_changed(submission.user_id)  # update() sends no signal
    return chosen


def submission_voice_transcode(*, file_id: int) -> SubmissionFile | None:
    """Transcode a stored voice note to Ogg/Opus (uploads.voice_transcode),
    replace its file and mark it ready with its duration; on a file that
    cannot be decoded, keep it not ready with `error` set (the trainee sees
    that it could not be processed).

    Idempotent: a file already ready or failed, or gone, is left as it is
    (returns it, or None when gone). The transcoding runs outside any
    transaction; the result is written under a row lock, so of two
    deliveries at once one writes and the other deletes its copy."""
    row = SubmissionFile.objects.filter(pk=file_id).first()
    if row is None or row.ready or row.error:
        return row
    with row.file.open("rb") as handle:
        content = handle.read()
    try:
        clean = uploads.voice_transcode(content)
    except UploadRefused as refused:
        clean, error = None, str(refused.message)[:200]
    storage = SubmissionFile._meta.get_field("file").storage
    new_name = (
        storage.save(
            row.file.field.generate_filename(row, "voice.ogg"),
            ContentFile(clean.content),
        )
        if clean is not None
        else None
    )
    try:
        with transaction.atomic():
            row = SubmissionFile.objects.select_for_update().filter(pk=file_id).first()
            if row is None or row.ready or row.error:
                if new_name:
                    _files_delete([new_name])
                return row
            if clean is None:
                row.error = error
                row.save(update_fields=["error"])
                return row
            old_name = row.file.name
            row.file.name = new_name
            row.content_type = clean.content_type
            row.size = clean.size
            row.duration_seconds = clean.duration_seconds
            row.ready = True
            row.save()
            transaction.on_commit(lambda: _files_delete([old_name]))
    except BaseException:
        if new_name:
            _files_delete([new_name])
        raise
    return row


# A voice note is swept for this long after it was sent; one still not
# transcoded then (a worker crashing on it every time) is left alone.
VOICE_SWEEP_WITHIN = timedelta(days=7)


def voice_notes_to_transcode(*, older_than: timedelta) -> list[int]:
    """Ids of the voice notes still waiting for their transcoding
    (not ready, no error) sent more than `older_than` ago and less than
    VOICE_SWEEP_WITHIN ago: their message was lost (the broker was down
    when they were sent, or a worker died on them). Oldest first."""
    now = timezone.now()
    return list(
        SubmissionFile.objects.filter(
            kind=SubmissionFile.Kind.VOICE,
            ready=False,
            error="",
            submission__submitted_at__lt=now - older_than,
            submission__submitted_at__gte=now - VOICE_SWEEP_WITHIN,
        )
        .order_by("submission__submitted_at", "pk")
        .values_list("pk", flat=True)
    )


def voice_notes_sweep(*, older_than: timedelta) -> int:
    """Send again the transcoding of every voice note of
    `voice_notes_to_transcode`; returns how many were sent (a broker still
    down sends none and raises nothing). Idempotent with the task: a note
    transcoded meanwhile is left alone by `submission_voice_transcode`."""
    return sum(
        task_send(submission_voice_transcode_task, (pk,))
        for pk in voice_notes_to_transcode(older_than=older_than)
    )


def submission_publish(*, user, submission_id: int, public: bool) -> Submission:
    """Show (`public=True`) or hide a submission on the trainee's portfolio.
    Only its owner may, and only an assessed version that passed may be
    shown; hiding is always allowed. Idempotent. Raises SubmissionRefused
    (404 for anyone else's or an unknown submission)."""
    with transaction.atomic():
        submission = (
            Submission.objects.select_for_update()
            .filter(pk=submission_id, user_id=user.pk)
            .first()
            if user.is_authenticated
            else None
        )
        if submission is None:
            raise SubmissionRefused(status=404)
        if public and submission.status != Submission.Status.PASSED:
            raise SubmissionRefused(
                _("Only work that has passed can be shown on your portfolio.")
            )
        if submission.public != public:
            submission.public = public
            submission.save(update_fields=["public"])
    return submission
