"""Two demo cohorts with trainees at varied stages (finished with
certificates once that app is installed, part-way, at risk, not started),
so the dashboard shows real shape after `make run`. Idempotent: a cohort
that already has members is left as it is."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from assessments.demo import attempt_take, demo_task_waiting_ensure, demo_tasks_pass
from assessments.models import Attempt, AttemptQuestion, QuestionKind, QuizPage
from assessments.services import Refused, essay_mark
from courses.models import CoursePage, LearningPath, LessonCompletion, LessonPage
from courses.progress import progress_changed
from courses.services import lesson_complete
from lms.accounts.models import User
from lms.accounts.phone import phone_normalize
from lms.accounts.roles import TRAINEES
from lms.accounts.services import user_create
from lms.notifications.models import Channel
from lms.notifications.services import consent_set

from .models import Cohort, CohortMembership
from .services import cohort_member_add

# (name, village, stage); stages: finished, halfway, idle, failing, new
TRAINEES_A = [
    ("Sri Wahyuni", "Batu Ampar", "finished"),
    ("Dwi Lestari", "Batu Ampar", "finished"),
    ("Agus Prasetyo", "Batu Ampar", "halfway"),
    ("Nur Hidayah", "Batu Ampar", "halfway"),
    ("Slamet Riyadi", "Karangreja", "idle"),
    ("Wulan Sari", "Karangreja", "failing"),
    ("Eko Saputro", "Karangreja", "new"),
]
TRAINEES_B = [
    ("Rina Marlina", "Serang", "finished"),
    ("Yusuf Hakim", "Serang", "halfway"),
    ("Tini Suharti", "Siwarak", "idle"),
    ("Bagus Kurniawan", "Siwarak", "new"),
]
IDLE_DAYS = 20


def demo_cohorts_ensure(*, manager: User, trainer: User) -> list[Cohort]:
    """Create the demo cohorts (Batu Ampar with the customer-service path,
    Purbalingga with two courses) with their staff and trainees."""
    today = timezone.localdate()
    path = LearningPath.objects.filter(slug="customer-service").first()
    cohorts = [
        _cohort(
            code="batu-ampar-2026-1",
            name="Angkatan 1 Desa Batu Ampar",
            starts_on=today - dt.timedelta(days=45),
            path=path,
            course_slugs=["cakap-digital"],
            trainees=TRAINEES_A,
            phone_base=81234569000,
            manager=manager,
            trainer=trainer,
        ),
        _cohort(
            code="purbalingga-2026-2",
            name="Angkatan 2 Purbalingga",
            starts_on=today - dt.timedelta(days=30),
            path=None,
            course_slugs=["cakap-digital", "copywriting"],
            trainees=TRAINEES_B,
            phone_base=81234569100,
            manager=manager,
            trainer=trainer,
        ),
    ]
    _task_waiting(trainees=TRAINEES_A, course_slug="cakap-digital", trainer=trainer)
    return cohorts


def _task_waiting(*, trainees, course_slug: str, trainer: User) -> None:
    """The first trainee part-way through the course has handed in its
    practical task, allocated to `trainer`: the demo marking queue has one
    waiting (also on an installation whose cohorts predate tasks)."""
    name = next(name for name, _village, stage in trainees if stage == "halfway")
    member = (
        CohortMembership.objects.filter(user__display_name=name)
        .select_related("user")
        .first()
    )
    if member is not None:
        demo_task_waiting_ensure(
            trainee=member.user, trainer=trainer, course_slug=course_slug
        )


def _cohort(
    *, code, name, starts_on, path, course_slugs, trainees, phone_base, manager, trainer
) -> Cohort:
    cohort, _created = Cohort.objects.get_or_create(
        code=code,
        defaults={
            "name": name,
            "starts_on": starts_on,
            "ends_on": starts_on + dt.timedelta(days=120),
            "learning_path": path,
            "reminder_after_days": 7,
            "at_risk_after_days": 7,
        },
    )
    if CohortMembership.objects.filter(cohort=cohort).exists():
        return cohort
    cohort.courses.set(CoursePage.objects.filter(slug__in=course_slugs))
    cohort.managers.add(manager)
    cohort.trainers.add(trainer)
    first = CoursePage.objects.filter(slug=course_slugs[0]).first()
    for number, (display_name, village, stage) in enumerate(trainees):
        phone = phone_normalize(f"0{phone_base + number}")
        user = User.objects.filter(phone=phone).first() or user_create(
            password=None, phone=phone, display_name=display_name, role=TRAINEES
        )
        cohort_member_add(cohort=cohort, user=user, village=village)
        # The demo trainees said yes to WhatsApp and SMS, so `make run` with
        # a channel configured shows the whole path (issue 21).
        for channel in (Channel.WHATSAPP, Channel.SMS):
            consent_set(user=user, channel=channel, allowed=True, source="seed")
        if first is not None:
            _progress(user=user, course=first, stage=stage, trainer=trainer)
    return cohort


def _progress(*, user, course, stage, trainer) -> None:
    lessons = list(LessonPage.objects.live().descendant_of(course).order_by("path"))
    quizzes = list(QuizPage.objects.live().descendant_of(course).order_by("path"))
    if stage == "new":
        return
    done = {
        "finished": lessons,
        "halfway": lessons[: len(lessons) // 2],
        "idle": lessons[:1],
        "failing": lessons[:2],
    }[stage]
    for lesson in done:
        lesson_complete(user=user, lesson=lesson)
    if stage == "finished":
        for quiz in quizzes:
            attempt = attempt_take(user=user, quiz=quiz, right=True)
            if attempt.status == Attempt.Status.MARKING:
                _mark_essays(attempt=attempt, trainer=trainer)
        demo_tasks_pass(trainee=user, trainer=trainer, course=course)
    elif stage == "failing" and quizzes:
        quiz = next((q for q in quizzes if q.required), quizzes[0])
        for _ in range(2):
            try:
                attempt_take(user=user, quiz=quiz, right=False)
            except Refused:
                break
    elif stage == "idle":
        long_ago = timezone.now() - dt.timedelta(days=IDLE_DAYS)
        with transaction.atomic():
            LessonCompletion.objects.filter(user=user).update(completed_at=long_ago)
            CohortMembership.objects.filter(user=user).update(joined_at=long_ago)
            progress_changed(user.pk)


def _mark_essays(*, attempt, trainer) -> None:
    for item in AttemptQuestion.objects.filter(
        attempt=attempt, snapshot__kind=QuestionKind.ESSAY, points__isnull=True
    ):
        try:
            essay_mark(
                marker=trainer,
                item_id=item.pk,
                points=str(item.max_points),
                feedback="Bagus: jelas, ramah dan ada ajakan untuk membeli.",
            )
        except Refused:
            return
