"""Reads for courses. Every selector runs a fixed number of SQL queries,
whatever the number of courses, modules, lessons or quizzes."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils.functional import SimpleLazyObject
from wagtail.models import Page

from content.cache import cached, cached_many

from .access import pages_visible, visible_page_ids
from .models import (
    CourseIndexPage,
    CoursePage,
    Enrollment,
    LearningPath,
    ModulePage,
    Skill,
)
from .progress import progress_snapshot
from .steps import step_models, steps_by_model, steps_done

STEPLEN = Page.steplen
# What a lesson page needs of its course.
COURSE_CARD_FIELDS = (
    "id",
    "title",
    "path",
    "depth",
    "url_path",
    "live",
    "slug",
    "locale",
)


@dataclass
class Step:
    """One page a trainee works through (a lesson or a quiz)."""

    id: int
    title: str
    kind: str
    path: str
    required: bool
    minutes: int | None
    url: str
    done: bool = False
    # The trainee did their part; a trainer's mark is awaited.
    waiting: bool = False


@dataclass
class ModuleOutline:
    id: int
    title: str
    summary: str
    path: str
    steps: list[Step] = field(default_factory=list)

    @property
    def done_count(self) -> int:
        return sum(1 for s in self.steps if s.required and s.done)

    @property
    def required_count(self) -> int:
        return sum(1 for s in self.steps if s.required)


@dataclass
class CourseProgress:
    course: CoursePage
    modules: list[ModuleOutline]
    enrollment: Enrollment | None = None

    @property
    def steps(self) -> list[Step]:
        return [s for m in self.modules for s in m.steps]

    @property
    def done_count(self) -> int:
        return sum(m.done_count for m in self.modules)

    @property
    def required_count(self) -> int:
        return sum(m.required_count for m in self.modules)

    @property
    def percent(self) -> int:
        if not self.required_count:
            return 0
        return round(100 * self.done_count / self.required_count)

    @property
    def signature(self) -> str:
        """Which modules and steps this request's outline lists and which
        steps are done, as a key for caching what is rendered from it
        (template fragments). A module counts even with no step listed: its
        title shows."""
        return ";".join(
            f"{m.id}:"
            + ",".join(
                f"{s.id}{'+' if s.done else ''}{'~' if s.waiting else ''}"
                for s in m.steps
            )
            for m in self.modules
        )

    @property
    def next_step(self) -> Step | None:
        """The first unfinished step in course order (required ones first),
        passing over steps that wait for a trainer: nothing there is the
        trainee's to do."""
        steps = [s for s in self.steps if not s.done and not s.waiting]
        for step in steps:
            if step.required:
                return step
        return steps[0] if steps else None

    @property
    def waiting_steps(self) -> list[Step]:
        """Steps where the trainee waits for a trainer's mark."""
        return [s for s in self.steps if s.waiting]


def _under(paths: list[str]) -> Q:
    query = Q(pk__in=[])
    for path in paths:
        query |= Q(path__startswith=path)
    return query


def _outline_fields() -> list[str]:
    fields = [
        "id",
        "title",
        "path",
        "url_path",
        "content_type_id",
        "modulepage__summary",
    ]
    for model in step_models():
        fields += [f"{_table_of(model)}__{f}" for f in model.step_outline_fields]
    return list(dict.fromkeys(fields))  # a proxy step type shares its table's


def _table_of(model) -> str:
    """The name Page's rows reach `model`'s fields by (a proxy page type's
    are its concrete model's)."""
    return model._meta.concrete_model._meta.model_name


def _content_type_id(model) -> int:
    """`model`'s own content type (a proxy page type has one of its own)."""
    return ContentType.objects.get_for_model(model, for_concrete_model=False).pk


def _outline_rows(courses: list[CoursePage]) -> list[dict]:
    """The live modules and steps of `courses` in tree order, cached per
    course and content version; one query for the courses not cached."""
    depth = courses[0].depth
    types = [_content_type_id(m) for m in (ModulePage, *step_models())]
    by_path = {c.path: c.pk for c in courses}

    def build(course_ids: list[int]) -> dict[int, list[dict]]:
        paths = [c.path for c in courses if c.pk in course_ids]
        rows = (
            Page.objects.live()
            .filter(_under(paths), depth__in=[depth + 1, depth + 2])
            .filter(content_type_id__in=types)
            .order_by("path")
            .values(*_outline_fields())
        )
        grouped: dict[int, list[dict]] = {pk: [] for pk in course_ids}
        for row in rows:
            grouped[by_path[row["path"][: len(courses[0].path)]]].append(row)
        return grouped

    per_course = cached_many("outline", [c.pk for c in courses], build)
    return sorted(
        (row for rows in per_course.values() for row in rows or []),
        key=lambda row: row["path"],
    )


def course_outlines(
    *, courses: list[CoursePage], user, request=None
) -> dict[int, CourseProgress]:
    """Course id -> the modules and steps of each of `courses` (in the
    order given), with what `user` (None: nobody) has done: the outline
    from the cache (one query when not cached) plus one query for what is
    done (every step type's, courses/steps.py, in one UNION), whatever the
    number of courses, modules and steps.
    With a `request`, modules and steps it may not open (courses/access.py)
    are left out; without one (completion), every live step counts."""
    if not courses:
        return {}
    types = {_content_type_id(m): m for m in step_models()}
    module_type = _content_type_id(ModulePage)
    rows = _outline_rows(courses)
    if request is not None:
        visible = visible_page_ids(request=request, pages=rows)
        rows = [row for row in rows if row["id"] in visible]
    by_path = {c.path: CourseProgress(course=c, modules=[]) for c in courses}
    course_urls = {c.path: (c.url_path, c.get_url(request) or "") for c in courses}
    module_by_path: dict[str, ModuleOutline] = {}
    steps: list[Step] = []
    for row in rows:
        path = row["path"]
        if row["content_type_id"] == module_type:
            outline = ModuleOutline(
                id=row["id"],
                title=row["title"],
                summary=row["modulepage__summary"] or "",
                path=path,
            )
            module_by_path[path] = outline
            by_path[path[:-STEPLEN]].modules.append(outline)
            continue
        outline = module_by_path.get(path[:-STEPLEN])
        if outline is None:  # under an unpublished or hidden module
            continue
        model = types[row["content_type_id"]]
        prefix = _table_of(model)
        course_url_path, course_url = course_urls[path[: -2 * STEPLEN]]
        required = row.get(f"{prefix}__required")
        step = Step(
            id=row["id"],
            title=row["title"],
            kind=model.step_kind,
            path=path,
            required=True if required is None else required,
            minutes=row.get(f"{prefix}__estimated_minutes"),
            url=course_url + row["url_path"][len(course_url_path) :],
        )
        outline.steps.append(step)
        steps.append(step)
    if user is not None and user.is_authenticated and steps:
        # A page shows the trainee's cached snapshot; a decision (no
        # request: completion) reads the database.
        if request is not None:
            snapshot = progress_snapshot(user, request)
            done, waiting = snapshot.done, snapshot.waiting
        else:
            done = set(steps_done(user, steps_by_model(steps)))
            waiting = frozenset()
        for step in steps:
            step.done = step.id in done
            step.waiting = step.id in waiting
    return {p.course.pk: p for p in by_path.values()}


def enrollment_for(*, user, course: CoursePage) -> Enrollment | None:
    if user is None or not user.is_authenticated:
        return None
    return Enrollment.objects.filter(user=user, course=course).first()


def course_steps(*, course: CoursePage, user) -> list[Step]:
    """The steps of one course in order, each marked done or not for `user`."""
    return course_outlines(courses=[course], user=user)[course.pk].steps


def course_progress(*, course: CoursePage, user, request=None) -> CourseProgress:
    """The outline of `course` with `user`'s finished steps and enrolment:
    for a page (`request` given) from the trainee's progress snapshot
    (courses/progress.py), otherwise from the database."""
    progress = course_outlines(courses=[course], user=user, request=request)[course.pk]
    if request is not None:
        progress.enrollment = (
            progress_snapshot(user, request).enrollments.get(course.pk)
            if user is not None and user.is_authenticated
            else None
        )
    else:
        progress.enrollment = enrollment_for(user=user, course=course)
    return progress


def can_preview(*, user, page: Page) -> bool:
    """Trainers and editors who may edit the page read it without enrolling."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    if not user.has_perm("wagtailadmin.access_admin"):
        return False
    return page.permissions_for_user(user).can_edit()


def course_detail(*, course: CoursePage, user, request=None) -> dict:
    """The course page's outline and enrolment; see `course_outlines`."""
    progress = course_progress(course=course, user=user, request=request)
    return {"progress": progress, "enrollment": progress.enrollment}


def course_of(*, step: Page) -> CoursePage:
    """The course a lesson or quiz belongs to (only COURSE_CARD_FIELDS
    loaded), cached per content version: no query when cached. Raises
    CoursePage.DoesNotExist for a page outside a course."""
    course_path = step.path[: -2 * STEPLEN]
    return cached(
        f"course-at:{course_path}",
        lambda: CoursePage.objects.only(*COURSE_CARD_FIELDS).get(path=course_path),
    )


def step_detail(*, lesson: Page, user, request=None) -> dict:
    """Everything a lesson page shows besides its body: the course, the
    module outline, previous and next steps, and whether the body may be read."""
    course = course_of(step=lesson)
    progress = course_progress(course=course, user=user, request=request)
    steps = progress.steps
    index = next((i for i, s in enumerate(steps) if s.id == lesson.pk), None)
    enrollment = progress.enrollment
    enrolled = enrollment is not None and enrollment.is_active
    module = next(
        (m for m in progress.modules if m.path == lesson.path[:-STEPLEN]), None
    )
    return {
        "course": course,
        "module": module,
        "progress": progress,
        "enrollment": enrollment,
        "enrolled": enrolled,
        "can_read": enrolled or can_preview(user=user, page=lesson),
        "step": steps[index] if index is not None else None,
        "previous_step": steps[index - 1] if index else None,
        "next_step": (
            steps[index + 1] if index is not None and index + 1 < len(steps) else None
        ),
    }


def catalogue(*, index: CourseIndexPage, user, params, request=None) -> dict:
    """Courses under `index`, filtered by `?jalur=<path slug>` and
    `?keahlian=<skill>`, with the learning paths and the user's enrollments.
    Courses the request may not open (courses/access.py) are not listed.
    What is listed is decided from small cached rows (id, path, skill; per
    content version) and the progress snapshot; `courses` loads the pages
    (one query) only if the template renders them, i.e. when its cached
    fragment is missing (`status_signature` is that fragment's key)."""
    rows = cached(
        f"catalogue-rows:{index.pk}",
        lambda: list(
            CoursePage.objects.live()
            .child_of(index)
            .order_by("path")
            .values("id", "path", "skill")
        ),
    )
    skill = params.get("keahlian") or ""
    if skill not in Skill.values:
        skill = ""
    if skill:
        rows = [r for r in rows if r["skill"] == skill]
    path_courses = learning_path_courses()
    paths = [path for path, _ids in path_courses]
    chosen, order = next(
        ((p, ids) for p, ids in path_courses if p.slug == params.get("jalur")),
        (None, []),
    )
    rows = pages_visible(request=request, pages=rows)
    if chosen is not None:
        rows = sorted(
            (r for r in rows if r["id"] in order), key=lambda r: order.index(r["id"])
        )
    enrolled: dict[int, str] = {}
    if user is not None and user.is_authenticated:
        enrolled = {
            course_id: e.status
            for course_id, e in progress_snapshot(user, request).enrollments.items()
        }
    statuses = {r["id"]: enrolled.get(r["id"], "") for r in rows}

    def pages() -> list[CoursePage]:
        found = CoursePage.objects.in_bulk(list(statuses))
        listed = [found[pk] for pk in statuses if pk in found]
        for course in listed:
            course.enrollment_status = statuses[course.pk]
        return listed

    return {
        # What the listing shows of the viewer: the key of its fragment.
        "status_signature": ",".join(f"{pk}:{s}" for pk, s in statuses.items()),
        "courses": SimpleLazyObject(pages),
        "paths": paths,
        "chosen_path": chosen,
        "skills": Skill.choices,
        "chosen_skill": skill,
    }


@dataclass
class PathProgress:
    path: PathCard
    courses: list[tuple[CoursePage, str]]  # (course, "done"|"active"|"todo")

    @property
    def done_count(self) -> int:
        return sum(1 for _c, state in self.courses if state == "done")


def course_cards(ids) -> dict[int, CoursePage]:
    """Courses by id, only COURSE_CARD_FIELDS loaded, cached per content
    version (one query for those not cached). A deleted id is left out."""
    cards = cached_many(
        "course-card",
        list(ids),
        lambda missing: CoursePage.objects.only(*COURSE_CARD_FIELDS).in_bulk(missing),
    )
    return {pk: card for pk, card in cards.items() if card is not None}


@dataclass(frozen=True)
class PathCard:
    """What listings show of a learning path."""

    pk: int
    title: str
    slug: str
    summary: str


def learning_path_courses() -> list[tuple[PathCard, list[int]]]:
    """Every learning path (by title) with its course ids in order, cached
    per content version (a saved path starts a new one)."""

    def build():
        paths = LearningPath.objects.prefetch_related("steps").order_by("title")
        return [
            (
                PathCard(pk=p.pk, title=p.title, slug=p.slug, summary=p.summary),
                [s.course_id for s in p.steps.all()],
            )
            for p in paths
        ]

    return cached("learning-path-courses", build)


def my_learning(*, user, request=None) -> dict:
    """'Belajarku': the trainee's courses with progress and where to continue
    (most recent activity first), and the learning paths they have started.
    Courses the request may no longer open (courses/access.py) are left out,
    as are their steps. Reads the trainee's progress snapshot
    (courses/progress.py) and cached course cards: no query when cached."""
    snapshot = progress_snapshot(user, request)
    enrollments = [
        e
        for e in snapshot.enrollments.values()
        if e.status != Enrollment.Status.WITHDRAWN
    ]
    cards = course_cards(e.course_id for e in enrollments)
    enrollments = [e for e in enrollments if e.course_id in cards]
    for enrollment in enrollments:
        enrollment.course = cards[enrollment.course_id]
    enrollments.sort(
        key=lambda e: (e.last_activity_at or e.enrolled_at, e.enrolled_at),
        reverse=True,
    )
    visible = visible_page_ids(request=request, pages=[e.course for e in enrollments])
    enrollments = [e for e in enrollments if e.course_id in visible]
    outlines = course_outlines(
        courses=[e.course for e in enrollments], user=user, request=request
    )
    items = []
    for enrollment in enrollments:
        progress = outlines[enrollment.course_id]
        progress.enrollment = enrollment
        items.append(progress)
    state = {e.course_id: "done" if e.completed_at else "active" for e in enrollments}
    paths = []
    all_paths = learning_path_courses()
    if state:
        started = paths_of_trainee(all_paths, courses=set(state))
        path_cards = course_cards({i for _path, ids in started for i in ids})
        for path, ids in started:
            shown = pages_visible(
                request=request, pages=[path_cards[i] for i in ids if i in path_cards]
            )
            courses = [(c, state.get(c.pk, "todo")) for c in shown]
            paths.append(PathProgress(path=path, courses=courses))
    # What the lists show of the trainee, as keys for their fragment caches
    # (everything else in them is content, under the content version).
    items_signature = ";".join(
        f"{p.course.pk}|{p.signature}|{int(bool(p.enrollment.completed_at))}"
        for p in items
    )
    paths_signature = ";".join(
        f"{p.path.pk}:" + ",".join(f"{c.pk}{state}" for c, state in p.courses)
        for p in paths
    )
    return {
        "items": items,
        "paths": paths,
        # Learning paths holding a course of the trainee's but not listed
        # as theirs: the catalogue lists them.
        "other_paths": sum(1 for _path, ids in all_paths if set(ids) & set(state))
        - len(paths),
        "items_signature": items_signature,
        "paths_signature": paths_signature,
    }


def paths_of_trainee(
    path_courses: list[tuple[PathCard, list[int]]], *, courses: set[int]
) -> list[tuple[PathCard, list[int]]]:
    """The learning paths Belajarku lists as the trainee's, among
    `path_courses` (as `learning_path_courses` gives them), for a trainee
    in `courses` (course ids): those holding the most of their courses.
    When every path holds as many (a foundation course that every path
    starts with), none tells the trainee's path apart and none is listed,
    unless there is only one path."""
    shares = [(path, ids, len(courses & set(ids))) for path, ids in path_courses]
    best = max((share for _p, _i, share in shares), default=0)
    if not best:
        return []
    top = [(path, ids) for path, ids, share in shares if share == best]
    if len(top) > 1 and len(top) == len(path_courses):
        return []
    return top
