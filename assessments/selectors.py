"""Reads for assessments, each a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.db.models import BigIntegerField, Count, F, Max, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Page
from wagtail.permission_policies.pages import PagePermissionPolicy

from content.cache import cached
from courses.access import visible_page_ids
from courses.models import CoursePage, Enrollment, LessonPage, ModulePage
from courses.progress import progress_cached
from courses.selectors import course_of, step_detail

from .kinds import KINDS_ASKING_NOTHING, KINDS_MARKED_BY_HAND
from .models import (
    Accommodation,
    Attempt,
    AttemptQuestion,
    ItemOutcome,
    Question,
    QuestionCategory,
    QuizPage,
    QuizQuestion,
    RegradeJob,
    ReviewPolicy,
    category_tree_ids,
)
from .practice.selectors import tasks_assessable_by


def attempts_allowed(
    *, quiz: QuizPage, accommodation: Accommodation | None
) -> int | None:
    """How many attempts the trainee may make in all (None: no limit)."""
    if quiz.max_attempts is None:
        return None
    return quiz.max_attempts + (accommodation.extra_attempts if accommodation else 0)


def can_mark(*, user, quiz: QuizPage) -> bool:
    """May `user` mark and see the statistics of `quiz`? True when the quiz
    is in their staff scope (`quizzes_markable_by`)."""
    return quizzes_markable_by(user=user).filter(pk=quiz.pk).exists()


def accommodation_for(*, user, quiz: QuizPage) -> Accommodation | None:
    if not user.is_authenticated:
        return None
    return Accommodation.objects.filter(user=user, quiz=quiz).first()


def time_limit_for(
    *, quiz: QuizPage, accommodation: Accommodation | None
) -> int | None:
    """The trainee's time limit in minutes (None: no limit)."""
    if not quiz.time_limit_minutes:
        return None
    return quiz.time_limit_minutes + (
        accommodation.extra_minutes if accommodation else 0
    )


def quiz_question_count(*, quiz: QuizPage) -> int:
    """How many questions an attempt at `quiz` asks: its fixed questions
    (description items ask nothing) and the random draw, which takes at most
    what its category holds besides them. Two queries at most."""
    fixed = QuizQuestion.objects.filter(quiz=quiz).exclude(
        question__kind__in=KINDS_ASKING_NOTHING
    )
    count = fixed.count()
    if quiz.random_category_id and quiz.random_count:
        category_ids = (
            category_tree_ids(root_ids=[quiz.random_category_id])
            if quiz.random_include_subcategories
            else [quiz.random_category_id]
        )
        pool = (
            Question.objects.filter(category_id__in=category_ids)
            .exclude(kind__in=KINDS_ASKING_NOTHING)
            .exclude(pk__in=QuizQuestion.objects.filter(quiz=quiz).values("question"))
            .count()
        )
        count += min(quiz.random_count, pool)
    return count


def quiz_detail(*, quiz: QuizPage, user, request=None) -> dict:
    """The quiz's intro page: the course around it, the trainee's attempts,
    whether they may start or resume, and how many attempts are left."""
    context = step_detail(lesson=quiz, user=user, request=request)
    attempts: list[Attempt] = []
    if user.is_authenticated:
        attempts = list(
            Attempt.objects.filter(user=user, quiz=quiz)
            .annotate(
                points_sum=Sum("items__points"),
                pending=Count("items", filter=Q(items__points__isnull=True)),
            )
            .order_by("number")
        )
    held = (Attempt.Status.REVIEW, Attempt.Status.NOT_COUNTED)
    for a in attempts:
        # Held for review or kept without counting, an attempt has no score
        # of its own: the server's grading is in its items' points.
        a.server_points = (
            (a.points_sum or Decimal(0)) if a.status in held and not a.pending else None
        )
        a.server_percent = (
            int(a.server_points * 100 / a.max_score)
            if a.server_points is not None and a.max_score
            else None
        )
    accommodation = accommodation_for(user=user, quiz=quiz)
    allowed = attempts_allowed(quiz=quiz, accommodation=accommodation)
    open_attempt = next((a for a in attempts if a.status in Attempt.OPEN), None)
    # A package saved for offline uses up no attempt until its answers
    # arrive; every other attempt does, also one kept without counting (its
    # questions were seen: refusing a late attempt gives no new one).
    using = [a for a in attempts if a.status != Attempt.Status.DOWNLOADED]
    left = None if allowed is None else max(0, allowed - len(using))
    time_limit = time_limit_for(quiz=quiz, accommodation=accommodation)
    context.update(
        {
            "attempts": attempts,
            "open_attempt": open_attempt,
            "attempts_left": left,
            "can_start": context["enrolled"]
            and (open_attempt or left is None or left > 0),
            "passed": any(a.passed for a in attempts),
            # Essays of a submitted attempt wait for a trainer's mark: the
            # trainee's next move is elsewhere in the course.
            "waiting": open_attempt is None
            and not any(a.passed for a in attempts)
            and any(a.status == Attempt.Status.MARKING for a in attempts),
            # Answers sent from offline that wait for a trainer's review.
            "in_review": any(a.status == Attempt.Status.REVIEW for a in attempts),
            "time_limit": time_limit,
            "question_count": quiz_question_count(quiz=quiz),
            "can_mark": can_mark(user=user, quiz=quiz),
            "review_policy_text": review_policy_text(quiz=quiz, allowed=allowed),
        }
    )
    return context


def attempt_points(*, items: list[AttemptQuestion]) -> Decimal | None:
    """The points of `items` (an attempt's) added up: the server's grading,
    also for an attempt held for review or kept without counting, whose own
    score stays empty. None while an answer waits for marking (or the
    attempt is open)."""
    if any(item.points is None for item in items):
        return None
    return sum((item.points for item in items), Decimal(0))


def review_allowed(
    *,
    attempt: Attempt,
    passed_any: bool,
    used: int = 0,
    allowed: int | None = None,
    open_any: bool = False,
) -> bool:
    """May the trainee see correct answers and explanations for `attempt`?

    `passed_any`: the trainee has passed the quiz in some attempt; `used`:
    attempts they have SUBMITTED (waiting for marking or graded; an attempt
    still in progress is not used up); `allowed`: attempts they may make in
    all (None: no limit); `open_any`: some attempt of theirs on this quiz is
    still in progress. The default policy shows answers only once they can
    no longer be copied into a retake: after a pass, or after the last
    allowed attempt (never, with unlimited attempts, until a pass). Under
    every policy nothing is revealed while an attempt is open, since the
    answers could be copied into it."""
    policy = attempt.quiz.review_policy
    if attempt.status in Attempt.OPEN or open_any or policy == ReviewPolicy.NEVER:
        return False
    if policy == ReviewPolicy.AFTER_SUBMIT:
        return True
    if policy == ReviewPolicy.AFTER_PASS:
        return passed_any
    return passed_any or (allowed is not None and used >= allowed)


@dataclass(frozen=True)
class Review:
    """What the result page of a submitted attempt may show its trainee.

    `answers`: the correct answers, explanations and feedback
    (`review_allowed`). `outcomes`: whether each question was answered
    right, partly or not (Moodle's review option "whether correct" without
    "right answer"), with no answer key; shown under every policy but
    "never" (score only), and never while an attempt of the quiz is open."""

    answers: bool
    outcomes: bool


def outcomes_allowed(*, attempt: Attempt, open_any: bool) -> bool:
    """May the trainee see which questions of `attempt` they got right,
    partly right or wrong (no answer key)? Not while it or another attempt
    of theirs on the quiz is open, nor under the "never" policy."""
    return (
        attempt.status not in Attempt.OPEN
        and not open_any
        and attempt.quiz.review_policy != ReviewPolicy.NEVER
    )


def attempt_review(*, attempt: Attempt) -> Review:
    """`Review` for the attempt's own trainee, from the database (two
    queries at most). Only submitted attempts count as used; an open
    attempt of the same trainee on the same quiz hides every answer and
    every outcome."""
    if attempt.status in (*Attempt.OPEN, Attempt.Status.REVIEW):
        # Open, or waiting for a trainer to decide whether it counts: nothing
        # is revealed yet.
        return Review(answers=False, outcomes=False)
    # Past its deadline an open attempt takes no more answers (the beat job
    # submits it): it is used up, not open. A package saved for offline is
    # open (its answers could be copied into it) but uses up nothing.
    in_progress = Q(status=Attempt.Status.DOWNLOADED) | (
        Q(status=Attempt.Status.IN_PROGRESS)
        & (Q(deadline_at__isnull=True) | Q(deadline_at__gt=timezone.now()))
    )
    # Held for review it may yet not count, so it does not reveal the
    # answers as the last attempt either; one kept without counting is used.
    uncounted = Q(status=Attempt.Status.REVIEW)
    totals = Attempt.objects.filter(
        user_id=attempt.user_id, quiz=attempt.quiz
    ).aggregate(
        used=Count("pk", filter=~in_progress & ~uncounted),
        open=Count("pk", filter=in_progress),
        passed=Count("pk", filter=Q(passed=True)),
    )
    allowed = None
    if attempt.quiz.max_attempts is not None:
        accommodation = Accommodation.objects.filter(
            user_id=attempt.user_id, quiz=attempt.quiz
        ).first()
        allowed = attempts_allowed(quiz=attempt.quiz, accommodation=accommodation)
    open_any = bool(totals["open"])
    return Review(
        answers=review_allowed(
            attempt=attempt,
            passed_any=bool(totals["passed"]),
            used=totals["used"],
            allowed=allowed,
            open_any=open_any,
        ),
        outcomes=outcomes_allowed(attempt=attempt, open_any=open_any),
    )


@dataclass(frozen=True)
class RereadLink:
    """Where a trainee who missed a question reads up on it."""

    title: str
    url: str
    kind: str  # "lesson": the question's own lesson; "module": the quiz's


def lessons_to_reread(
    *, attempt: Attempt, items: list[AttemptQuestion], request
) -> dict[int, RereadLink]:
    """For each item of `attempt` not answered fully right (wrong or partly
    right, by score), the link offered to read up on it: the question's
    "lesson to re-read" when set and the request may see it
    (courses/access.py), else the quiz's module in the course outline.
    Nothing for right, pending and information items. Keys are item ids.
    Two queries, whatever the number of items."""
    missed = [
        item
        for item in items
        if item.outcome in (ItemOutcome.WRONG, ItemOutcome.PARTIAL)
    ]
    if not missed:
        return {}
    lesson_of = dict(
        Question.objects.filter(
            pk__in=[i.question_id for i in missed if i.question_id],
            lesson_to_reread__isnull=False,
        ).values_list("pk", "lesson_to_reread_id")
    )
    quiz = attempt.quiz
    module_path = quiz.path[: -Page.steplen]
    pages = list(
        Page.objects.live()
        .filter(Q(pk__in=list(lesson_of.values())) | Q(path=module_path))
        .type(LessonPage, ModulePage)
        .only("id", "path", "title", "url_path", "depth", "content_type")
    )
    visible = visible_page_ids(request=request, pages=pages)
    by_id = {p.pk: p for p in pages if p.pk in visible}
    module = next((p for p in by_id.values() if p.path == module_path), None)
    fallback = None
    if module is not None:
        course = course_of(step=quiz)
        fallback = RereadLink(
            title=module.title,
            url=f"{course.get_url(request)}#module-{module.pk}",
            kind="module",
        )
    links = {}
    for item in missed:
        lesson = by_id.get(lesson_of.get(item.question_id))
        if lesson is not None and lesson.path != module_path:
            links[item.pk] = RereadLink(
                title=lesson.title, url=lesson.get_url(request), kind="lesson"
            )
        elif fallback is not None:
            links[item.pk] = fallback
    return links


def review_policy_text(*, quiz: QuizPage, allowed: int | None) -> str:
    """The quiz's review policy in plain words for the trainee."""
    policy = quiz.review_policy
    if policy == ReviewPolicy.NEVER:
        return _("This quiz shows your score only, never the correct answers.")
    if policy == ReviewPolicy.AFTER_SUBMIT:
        return _("The correct answers are shown after each attempt.")
    if policy == ReviewPolicy.AFTER_PASS or allowed is None:
        return _("The correct answers are shown once you pass.")
    return _(
        "The correct answers are shown once you pass or have used your last attempt."
    )


@dataclass
class CategoryProgress:
    """django-quiz-app's Progress: correct and possible points per category."""

    name: str
    correct: Decimal
    possible: Decimal

    @property
    def percent(self) -> int:
        """Rounded half up (7 of 8 is 88%), but never 100 short of full."""
        if not self.possible:
            return 0
        percent = int(
            (self.correct * 100 / self.possible).quantize(Decimal(1), ROUND_HALF_UP)
        )
        return min(percent, 99) if self.correct < self.possible else percent


def quiz_cached(quiz_id: int) -> QuizPage | None:
    """The quiz page `quiz_id` (None if there is none), cached per content
    version (content/cache.py): a publish or unpublish is seen at once."""
    return cached(
        f"quiz:{quiz_id}", lambda: QuizPage.objects.filter(pk=quiz_id).first()
    )


def category_progress(*, user, request=None) -> list[CategoryProgress]:
    """Points per question category over the trainee's graded attempts in
    quizzes `request` may still see (courses/access.py), counting each
    question once, with its best result in any attempt (a failed first try
    does not drag down a later pass). The per-quiz rows are cached per
    progress token (courses/progress.py; one query when not cached) and the
    access rule is applied to them on every request. A question since
    deleted from the bank counts once per attempt it was in."""
    rows = progress_cached(user, "category-rows", lambda: _category_rows(user), request)
    if request is not None:
        quizzes = {(r["quiz_id"], r["quiz_path"]) for r in rows}
        visible = visible_page_ids(
            request=request, pages=[{"id": i, "path": p} for i, p in quizzes]
        )
        rows = [r for r in rows if r["quiz_id"] in visible]
    best: dict[tuple[str, int], tuple[Decimal, Decimal]] = {}
    for r in rows:
        key = (r["category_name"], r["asked"])
        points, possible = r["best"] or Decimal(0), r["possible"] or Decimal(0)
        if key in best:
            points = max(points, best[key][0])
            possible = max(possible, best[key][1])
        best[key] = (points, possible)
    totals: dict[str, CategoryProgress] = {}
    for (name, _asked), (points, possible) in sorted(best.items()):
        progress = totals.setdefault(
            name, CategoryProgress(name=name, correct=Decimal(0), possible=Decimal(0))
        )
        progress.correct += min(points, possible)
        progress.possible += possible
    return list(totals.values())


def _category_rows(user) -> list[dict]:
    """Best points and the most possible per (quiz, category, question) over
    `user`'s graded attempts, with the quiz's tree path (one query)."""
    return list(
        AttemptQuestion.objects.filter(
            attempt__user=user,
            attempt__status=Attempt.Status.GRADED,
            category__isnull=False,
        )
        .annotate(
            asked=Coalesce("question_id", -F("pk"), output_field=BigIntegerField())
        )
        .values(
            "asked",
            quiz_id=F("attempt__quiz_id"),
            quiz_path=F("attempt__quiz__path"),
            category_name=F("category__name"),
        )
        .annotate(best=Max("points"), possible=Max("max_points"))
        .order_by()
    )


# -- staff scope -----------------------------------------------------------
#
# One rule, asked by every staff view and service: a trainer acts only on the
# quizzes they may edit (Wagtail page permissions), and on the question-bank
# rows that only those quizzes use. Each selector below is a queryset that
# views filter through; superusers see everything. Nobody marks their own
# answers, superusers included.


def quizzes_markable_by(*, user) -> QuerySet[QuizPage]:
    """The staff scope: quiz pages `user` may edit (a group's edit permission
    on the quiz or any ancestor, e.g. the course). Only people who reach the
    Wagtail admin have a scope. Used for marking, statistics, accommodations
    and, through the selectors below, the question bank."""
    if not (user.is_authenticated and user.is_active):
        return QuizPage.objects.none()
    if user.is_superuser:
        return QuizPage.objects.all()
    if not user.has_perm("wagtailadmin.access_admin"):
        return QuizPage.objects.none()
    pages = PagePermissionPolicy().instances_user_has_permission_for(user, "change")
    return QuizPage.objects.filter(pk__in=pages.values("pk"))


def _quizzes_outside_scope(user) -> QuerySet[QuizPage]:
    return QuizPage.objects.exclude(pk__in=quizzes_markable_by(user=user).values("pk"))


def _subcategories_drawn_from(outside: QuerySet[QuizPage]) -> list[int]:
    """Subcategories (at any depth) of the categories that quizzes in
    `outside` draw from together with their subcategories."""
    roots = list(
        outside.filter(
            random_category__isnull=False, random_include_subcategories=True
        ).values_list("random_category_id", flat=True)
    )
    return category_tree_ids(root_ids=roots) if roots else []


def questions_editable_by(*, user) -> QuerySet[Question]:
    """Questions `user` may change, delete or regrade: every quiz that asks
    the question (as a fixed question, by drawing at random from its
    category, or in an attempt already recorded) is in their scope. A
    question no quiz uses yet is editable by any trainer, so questions can
    be written before they are put in a quiz. One query when evaluated,
    plus two when an outside quiz draws from subcategories too."""
    if user.is_superuser and user.is_active:
        return Question.objects.all()
    outside = _quizzes_outside_scope(user)
    return Question.objects.exclude(
        Q(pk__in=QuizQuestion.objects.filter(quiz__in=outside).values("question_id"))
        | Q(
            category__in=outside.filter(random_category__isnull=False).values(
                "random_category_id"
            )
        )
        | Q(category__in=_subcategories_drawn_from(outside))
        | Q(
            pk__in=AttemptQuestion.objects.filter(
                attempt__quiz__in=outside, question__isnull=False
            ).values("question_id")
        )
    )


def questions_choosable_by(*, user) -> QuerySet[Question]:
    """Questions the admin chooser may list to `user` (their text is the
    content): a superuser all; a holder of the question permissions
    (trainers) those they may edit (`questions_editable_by`); anyone else
    (program managers) none."""
    if not (user.is_authenticated and user.is_active):
        return Question.objects.none()
    if user.is_superuser:
        return Question.objects.all()
    if not user.has_perm("assessments.change_question"):
        return Question.objects.none()
    return questions_editable_by(user=user)


def question_categories_choosable_by(*, user) -> QuerySet[QuestionCategory]:
    """Categories the admin chooser may list to `user`: those they may file
    questions into (`question_categories_usable_by`), for holders of the
    category permissions (trainers); none for anyone else."""
    if not (user.is_authenticated and user.is_active):
        return QuestionCategory.objects.none()
    if user.is_superuser:
        return QuestionCategory.objects.all()
    if not user.has_perm("assessments.change_questioncategory"):
        return QuestionCategory.objects.none()
    return question_categories_usable_by(user=user)


def question_categories_usable_by(*, user) -> QuerySet[QuestionCategory]:
    """Categories `user` may file questions into (question form, imports):
    no quiz outside their scope draws random questions from them, so a new
    or moved question never appears in another course's quiz."""
    if user.is_superuser and user.is_active:
        return QuestionCategory.objects.all()
    outside = _quizzes_outside_scope(user)
    return QuestionCategory.objects.exclude(
        pk__in=outside.filter(random_category__isnull=False).values(
            "random_category_id"
        )
    ).exclude(pk__in=_subcategories_drawn_from(outside))


def question_categories_editable_by(*, user) -> QuerySet[QuestionCategory]:
    """Categories `user` may rename or delete: usable by them, and every
    question in them is editable by them (`questions_editable_by`)."""
    if user.is_superuser and user.is_active:
        return QuestionCategory.objects.all()
    foreign = Question.objects.exclude(
        pk__in=questions_editable_by(user=user).values("pk")
    )
    return question_categories_usable_by(user=user).exclude(
        pk__in=foreign.values("category_id")
    )


def accommodations_managed_by(*, user) -> QuerySet[Accommodation]:
    """Accommodations on quizzes and practical tasks in `user`'s scope,
    except their own (nobody grants themselves time, attempts or days): the
    only ones they see, change or delete."""
    return Accommodation.objects.filter(
        Q(quiz__in=quizzes_markable_by(user=user).values("pk"))
        | Q(task__in=tasks_assessable_by(user=user).values("pk"))
    ).exclude(user_id=user.pk)


def trainees_accommodatable_by(*, user):
    """People `user` may grant an accommodation to: those enrolled in a
    course they may edit (everyone, for a superuser), never `user` themselves
    (like marking one's own work)."""
    people = get_user_model().objects.filter(is_active=True).exclude(pk=user.pk)
    if user.is_superuser and user.is_active:
        return people
    if not user.is_authenticated:
        return people.none()
    pages = PagePermissionPolicy().instances_user_has_permission_for(user, "change")
    courses = CoursePage.objects.filter(pk__in=pages.values("pk")).values("pk")
    return people.filter(
        pk__in=Enrollment.objects.filter(course__in=courses).values("user_id")
    )


def regrade_jobs_visible_to(*, user) -> QuerySet[RegradeJob]:
    """Regrades of questions `user` may edit."""
    return RegradeJob.objects.filter(
        question__in=questions_editable_by(user=user).values("pk")
    )


def answers_markable_by(*, user) -> QuerySet[AttemptQuestion]:
    """Essay answers `user` may mark: in quizzes of their scope, and never
    in their own attempts (nobody marks their own work)."""
    if not user.is_authenticated:
        return AttemptQuestion.objects.none()
    return AttemptQuestion.objects.filter(
        snapshot__kind__in=KINDS_MARKED_BY_HAND,
        attempt__quiz__in=quizzes_markable_by(user=user).values("pk"),
    ).exclude(attempt__user=user)


def marking_queue(*, user, trainees=None) -> list[AttemptQuestion]:
    """Essay answers waiting for a mark that `user` may mark, oldest first
    (one query), unpublished pages included (the staff counts on the
    dashboards). `trainees` (user ids, e.g. a cohort's, as a subquery)
    narrows the queue to those trainees. The queue page lists
    `essays_waiting`."""
    return list(_essays_waiting(user=user, trainees=trainees))


def essays_waiting_count(*, user) -> int:
    """How many essay answers wait for a mark `user` may give (as many as
    `marking_queue` lists), counted in SQL: one COUNT, no rows read (the
    staff start page and the dashboard panel)."""
    return _essays_waiting(user=user).order_by().count()


def _essays_waiting(*, user, trainees=None) -> QuerySet[AttemptQuestion]:
    items = answers_markable_by(user=user).filter(
        points__isnull=True, attempt__status=Attempt.Status.MARKING
    )
    if trainees is not None:
        items = items.filter(attempt__user_id__in=trainees)
    return items.select_related("attempt__quiz", "attempt__user").order_by(
        "attempt__submitted_at", "pk"
    )


def quiz_ids_published_for(*, user) -> set[int]:
    """The ids of the quizzes in `user`'s marking scope that are not under
    an unpublished page: staff keep their scope, but the queue lists
    nothing under an unpublished page. One query (as many rows as quizzes,
    not answers); the page rules are cached."""
    quizzes = quizzes_markable_by(user=user).values("id", "path")
    return visible_page_ids(request=None, pages=quizzes)


def essays_waiting(*, user, trainees=None) -> QuerySet[AttemptQuestion]:
    """`marking_queue` for the queue page: none under an unpublished page,
    filtered in SQL. A queryset (one query to read, plus one for the
    quizzes in scope) for the page to paginate."""
    return _essays_waiting(user=user, trainees=trainees).filter(
        attempt__quiz_id__in=quiz_ids_published_for(user=user)
    )


def marked_answers(*, user, trainees=None) -> QuerySet[AttemptQuestion]:
    """Essay answers in `user`'s marking scope that have a mark (by a
    trainer, or 0 automatically for a blank answer), in attempts that count
    (`Attempt.COUNTED`: not one held for review or kept without counting,
    which cannot be marked), none under an unpublished page, newest first.
    Each can be marked again. `trainees` (user ids, e.g. a cohort's, as a
    subquery) narrows it to them, as for every list of the queue. A
    queryset (one query to read, plus one for the quizzes in scope) for the
    page to paginate."""
    items = answers_markable_by(user=user).filter(
        points__isnull=False,
        attempt__status__in=Attempt.COUNTED,
        attempt__quiz_id__in=quiz_ids_published_for(user=user),
    )
    if trainees is not None:
        items = items.filter(attempt__user_id__in=trainees)
    return items.select_related("attempt__quiz", "attempt__user", "marked_by").order_by(
        F("marked_at").desc(nulls_last=True), "-attempt__submitted_at", "-pk"
    )


@dataclass
class WaitingElsewhere:
    """Essays waiting in one quiz that `user` may not mark, and who may."""

    quiz: QuizPage
    waiting: int
    markers: list


def essays_waiting_elsewhere(*, user) -> list[WaitingElsewhere]:
    """For a person whose own queue is empty (e.g. a program manager): the
    quizzes where essays wait for a mark outside their scope, how many, and
    the trainers who may mark them (people with edit rights on the quiz,
    superusers left out). Two queries plus one per such quiz."""
    mine = answers_markable_by(user=user).values("pk")
    counts = (
        AttemptQuestion.objects.filter(
            snapshot__kind__in=KINDS_MARKED_BY_HAND,
            points__isnull=True,
            attempt__status=Attempt.Status.MARKING,
        )
        .exclude(pk__in=mine)
        .values("attempt__quiz")
        .annotate(waiting=Count("pk"))
    )
    waiting = {row["attempt__quiz"]: row["waiting"] for row in counts}
    quizzes = QuizPage.objects.filter(pk__in=waiting).order_by("path")
    shown = visible_page_ids(request=None, pages=list(quizzes))
    policy = PagePermissionPolicy()
    return [
        WaitingElsewhere(
            quiz=quiz,
            waiting=waiting[quiz.pk],
            markers=list(
                policy.users_with_permission_for_instance(
                    "change", quiz, include_superusers=False
                )
                .filter(is_active=True)
                .order_by("display_name", "pk")
            ),
        )
        for quiz in quizzes
        if quiz.pk in shown
    ]


@dataclass
class ItemStats:
    question_id: int
    text: str
    kind: str
    answered: int
    correct: int

    @property
    def percent(self) -> int | None:
        return int(self.correct * 100 / self.answered) if self.answered else None


def quiz_item_stats(*, quiz: QuizPage, trainees=None) -> list[ItemStats]:
    """How often each question of `quiz` was answered and answered right in
    submitted attempts (one query), hardest first; only by `trainees` (user
    ids, e.g. a cohort's) when given."""
    items = AttemptQuestion.objects.filter(attempt__quiz=quiz, question__isnull=False)
    if trainees is not None:
        items = items.filter(attempt__user_id__in=trainees)
    rows = (
        items.filter(attempt__status__in=Attempt.COUNTED)
        .exclude(question__kind__in=KINDS_ASKING_NOTHING)
        .values("question_id", "question__text", "question__kind")
        .annotate(
            answered=Count("pk", filter=Q(response__isnull=False)),
            correct=Count("pk", filter=Q(is_correct=True)),
        )
        .order_by("question_id")
    )
    stats = [
        ItemStats(
            question_id=row["question_id"],
            text=row["question__text"],
            kind=row["question__kind"],
            answered=row["answered"],
            correct=row["correct"],
        )
        for row in rows
    ]
    return sorted(stats, key=lambda s: (s.percent is None, s.percent or 0))


@dataclass
class HardQuiz:
    """A quiz in a trainer's scope with questions most trainees get wrong."""

    quiz: QuizPage
    hard: int  # questions answered right by fewer than HARD_BELOW percent
    hardest: ItemStats


HARD_BELOW = 50  # percent answered right
HARD_MIN_ANSWERS = 3  # fewer answers say nothing yet


def quizzes_with_hard_questions(*, user, limit: int = 5) -> list[HardQuiz]:
    """Quizzes `user` may mark (`quizzes_markable_by`) whose questions are
    answered right by fewer than HARD_BELOW percent of at least
    HARD_MIN_ANSWERS submitted answers (the figures `quiz_item_stats`
    shows), the quiz with the hardest question first, at most `limit`,
    published ones only. Two queries, whatever the number of quizzes,
    questions and attempts."""
    rows = (
        AttemptQuestion.objects.filter(
            attempt__quiz__in=quizzes_markable_by(user=user).values("pk"),
            question__isnull=False,
        )
        .filter(attempt__status__in=Attempt.COUNTED)
        .exclude(question__kind__in=KINDS_ASKING_NOTHING)
        .values("attempt__quiz_id", "question_id", "question__text", "question__kind")
        .annotate(
            answered=Count("pk", filter=Q(response__isnull=False)),
            correct=Count("pk", filter=Q(is_correct=True)),
        )
        .filter(answered__gte=HARD_MIN_ANSWERS)
        .order_by()
    )
    hard: dict[int, list[ItemStats]] = {}
    for row in rows:
        stats = ItemStats(
            question_id=row["question_id"],
            text=row["question__text"],
            kind=row["question__kind"],
            answered=row["answered"],
            correct=row["correct"],
        )
        if stats.percent is not None and stats.percent < HARD_BELOW:
            hard.setdefault(row["attempt__quiz_id"], []).append(stats)
    if not hard:
        return []
    quizzes = list(QuizPage.objects.live().filter(pk__in=hard))
    shown = visible_page_ids(request=None, pages=quizzes)
    found = [
        HardQuiz(
            quiz=quiz,
            hard=len(hard[quiz.pk]),
            hardest=min(hard[quiz.pk], key=lambda s: (s.percent, s.question_id)),
        )
        for quiz in quizzes
        if quiz.pk in shown
    ]
    found.sort(key=lambda h: (h.hardest.percent, h.quiz.title))
    return found[:limit]
