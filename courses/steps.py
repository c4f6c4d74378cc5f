"""Course steps: the pages a trainee must finish for a course to be complete,
and the one place that counts which of them are done.

A step type is a page type that mixes in `CompletionStep` and says, in
`step_work()`, where trainees' work on its pages is recorded and which rows
finish a step (lessons: a `LessonCompletion`; quizzes, from `assessments`: a
passed `Attempt`). Defining the page model registers it: `step_models()`
finds every such page type, and everything that counts progress asks here:
the outline, Belajarku and course completion (`steps_done`, one trainee),
the cohort dashboard, its exports and the staff start page
(`step_done_counts`, `step_last_work`, `step_done_users`, many trainees).
`step_done_rows` lists which trainee finished which page, for any other
bulk read. So a new step type is counted everywhere once its page model
implements `step_work()`.

This module imports nothing else of Sinau but `lms.common`: `courses.models`
and the step types' own apps build on it, never the other way round. `steps_done` and
`steps_waiting` run one UNION query; the bulk reads one query per step type
asked about (none for a type with no page given), whatever the number of
trainees and pages."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache

from django.db.models import Count, Max, Q, QuerySet
from wagtail.models import Page, get_page_models

from lms.common.rows import plain_rows


@dataclass(frozen=True)
class StepWork:
    """Where a step type records trainees' work on its pages.

    rows: a queryset of one model, a row per piece of work (a lesson
        completion, a quiz attempt).
    user, page, at: the names of its fields holding the trainee's id, the
        step page's id and when the work was done or started.
    done: the rows that finish the step (Q(): every row does).
    unique: at most one row per trainee and page (counted without
        DISTINCT)."""

    rows: QuerySet
    user: str
    page: str
    at: str
    done: Q = field(default_factory=Q)
    unique: bool = False

    def of(self, *, user_ids=None, page_ids=None, done: bool = False) -> QuerySet:
        """`rows` (unordered) of the trainees `user_ids` on the pages
        `page_ids` (either may be a subquery; None: all), only those that
        finish a step with `done`."""
        rows = self.rows.order_by()
        if done:
            rows = rows.filter(self.done)
        if user_ids is not None:
            rows = rows.filter(**{f"{self.user}__in": user_ids})
        if page_ids is not None:
            rows = rows.filter(**{f"{self.page}__in": page_ids})
        return rows


class CompletionStep:
    """A page a trainee must finish for the course to be complete.

    Page types that mix this in have a `required` field and implement
    `step_work()`; from it they answer, for one trainee and many pages at
    once, which of those pages the trainee has finished, as a query of page
    ids (the outline unions every step type's query into one)."""

    step_kind = "step"
    # Fields of the page type the outline shows; `required` at least.
    step_outline_fields: tuple[str, ...] = ("required",)

    @classmethod
    def step_work(cls) -> StepWork:
        """Where trainees' work on pages of this type is recorded, and which
        of it finishes a step."""
        raise NotImplementedError

    @classmethod
    def step_done_query(cls, *, user, page_ids: list[int] | None):
        """A values_list(flat=True) queryset of the finished page ids among
        `page_ids` (or among all pages of this type, with None)."""
        work = cls.step_work()
        done = work.of(page_ids=page_ids, done=True).filter(**{work.user: user.pk})
        return done.values_list(work.page, flat=True)

    @classmethod
    def step_done_ids(cls, *, user, page_ids: list[int]) -> set[int]:
        return set(cls.step_done_query(user=user, page_ids=page_ids))

    @classmethod
    def step_waiting_query(cls, *, user, page_ids: list[int] | None):
        """Like `step_done_query`, for the pages where the trainee has done
        their part and waits for someone else (a trainer's mark); None for a
        page type that never waits. A page done is never waiting."""
        return None


@cache
def step_models() -> tuple[type[Page], ...]:
    """Every page type that counts towards course completion."""
    return tuple(m for m in get_page_models() if issubclass(m, CompletionStep))


def step_model(kind: str) -> type[Page]:
    """The step page type whose `step_kind` is `kind`. Raises KeyError for
    an unknown kind."""
    for model in step_models():
        if model.step_kind == kind:
            return model
    raise KeyError(kind)


def steps_by_model(steps: Iterable) -> dict[type[Page], list[int]]:
    """The ids of `steps` (outline steps: anything with `id` and `kind`)
    grouped by their page type, order kept; no entry for a type with none."""
    grouped: dict[type[Page], list[int]] = {}
    for step in steps:
        grouped.setdefault(step_model(step.kind), []).append(step.id)
    return grouped


def _union(queries: list) -> list[int]:
    if not queries:
        return []
    first, *rest = queries
    return list(first.union(*rest, all=True) if rest else first)


def steps_done(user, ids_by_model: dict) -> list[int]:
    """Ids of the step pages `user` has finished: for each step model, among
    the page ids given (or all of them, for None), in one UNION query. An
    id may come more than once (two passed attempts)."""
    return _union(
        [
            model.step_done_query(user=user, page_ids=ids)
            for model, ids in ids_by_model.items()
        ]
    )


def steps_waiting(user, ids_by_model: dict) -> list[int]:
    """Ids of the step pages where `user` waits for someone else (see
    `CompletionStep.step_waiting_query`), in one UNION query; none for step
    types that never wait."""
    return _union(
        [
            query
            for model, ids in ids_by_model.items()
            if (query := model.step_waiting_query(user=user, page_ids=ids)) is not None
        ]
    )


def _ids_by_model(page_ids) -> dict[type[Page], list[int]]:
    """`page_ids` as {step model: ids}: a mapping is kept (types with no id
    left out), a plain iterable of ids is asked of every step type."""
    if isinstance(page_ids, Mapping):
        return {model: list(ids) for model, ids in page_ids.items() if ids}
    ids = list(page_ids)
    return dict.fromkeys(step_models(), ids) if ids else {}


def step_done_rows(user_ids, page_ids) -> set[tuple[int, int]]:
    """Which of the trainees `user_ids` (ids, or a subquery of them) have
    finished which of the step pages `page_ids`, as a set of (user id, page
    id) pairs. `page_ids` is ids, asked of every step type (one query each),
    or {step model: ids}, asked only of the types given."""
    pairs: set[tuple[int, int]] = set()
    for model, ids in _ids_by_model(page_ids).items():
        work = model.step_work()
        rows = work.of(user_ids=user_ids, page_ids=ids, done=True)
        rows = rows.values_list(work.user, work.page)
        pairs.update(rows if work.unique else rows.distinct())
    return pairs


def _by_model_and_group(
    groups: Mapping[Hashable, Iterable],
) -> dict[type[Page], dict[Hashable, list]]:
    """{step model: {group key: its outline steps of that type}}."""
    grouped: dict[type[Page], dict[Hashable, list]] = {}
    for key, steps in groups.items():
        for step in steps:
            model = step_model(step.kind)
            grouped.setdefault(model, {}).setdefault(key, []).append(step)
    return grouped


@dataclass
class StepCounts:
    """What `step_done_counts` found.

    done: (user id, group key) -> how many of the group's required steps
        the trainee has finished (no entry for none).
    last: user id -> when the trainee last worked on any step given (no
        entry for never)."""

    done: dict[tuple[int, Hashable], int] = field(default_factory=dict)
    last: dict[int, datetime] = field(default_factory=dict)


def step_done_counts(user_ids, groups: Mapping[Hashable, Iterable]) -> StepCounts:
    """For the trainees `user_ids` (ids or a subquery) and `groups` (key ->
    outline steps, e.g. course id -> `CourseProgress.steps`), how many
    required steps of each group every trainee has finished, and when each
    last worked on any of the steps. Aggregated in SQL: one query per step
    type among the steps, returning one row per trainee."""
    counts = StepCounts()
    for model, by_key in _by_model_and_group(groups).items():
        work = model.step_work()
        keys = list(by_key)
        finished = {
            f"g{i}": Count(
                "pk" if work.unique else work.page,
                distinct=not work.unique,
                filter=work.done & Q(**{f"{work.page}__in": required}),
            )
            for i, key in enumerate(keys)
            if (required := [s.id for s in by_key[key] if s.required])
        }
        pages = [s.id for steps in by_key.values() for s in steps]
        done_keys = [keys[int(alias[1:])] for alias in finished]
        last_of, done = counts.last, counts.done
        # The driver's tuples (`plain_rows`), not dicts: 2,000 trainees x 3
        # step types is 6,000 rows of up to a dozen columns.
        for user_id, last, *numbers in plain_rows(
            work.of(user_ids=user_ids, page_ids=pages)
            .values(work.user)
            .annotate(last=Max(work.at), **finished)
            .values_list(work.user, "last", *finished),
            convert=["last"],
        ):
            if last and (user_id not in last_of or last > last_of[user_id]):
                last_of[user_id] = last
            for key, n in zip(done_keys, numbers, strict=True):
                if n:
                    done[user_id, key] = done.get((user_id, key), 0) + n
    return counts


def step_last_work(
    user_ids, groups: Mapping[Hashable, Iterable]
) -> dict[tuple[int, Hashable], datetime]:
    """(user id, group key) -> when the trainee last worked on a step of the
    group (no entry for never), for the trainees `user_ids` (ids or a
    subquery) and `groups` (key -> outline steps). One query per step type
    among the steps, returning one row per trainee."""
    last: dict[tuple[int, Hashable], datetime] = {}
    for model, by_key in _by_model_and_group(groups).items():
        work = model.step_work()
        keys = list(by_key)
        latest = {
            f"g{i}": Max(
                work.at, filter=Q(**{f"{work.page}__in": [s.id for s in by_key[key]]})
            )
            for i, key in enumerate(keys)
        }
        pages = [s.id for steps in by_key.values() for s in steps]
        for row in (
            work.of(user_ids=user_ids, page_ids=pages)
            .values(work.user)
            .annotate(**latest)
        ):
            for alias in latest:
                when = row[alias]
                at = (row[work.user], keys[int(alias[1:])])
                if when and (at not in last or when > last[at]):
                    last[at] = when
    return last


def step_done_users(user_ids, page_ids) -> dict[int, int]:
    """Page id -> how many of the trainees `user_ids` (ids or a subquery)
    have finished it, for the step pages `page_ids` (as for
    `step_done_rows`); no entry for a page nobody finished. One query per
    step type asked, one row per page."""
    finished: dict[int, int] = {}
    for model, ids in _ids_by_model(page_ids).items():
        work = model.step_work()
        people = Count("pk") if work.unique else Count(work.user, distinct=True)
        finished.update(
            work.of(user_ids=user_ids, page_ids=ids, done=True)
            .values(work.page)
            .annotate(n=people)
            .values_list(work.page, "n")
        )
    return finished
