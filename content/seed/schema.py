"""Read and check the seed curriculum (see FORMAT.md beside this file).

Pure Python with no Django import, so authors can run it on its own::

    python -m content.seed.schema content/seed

`load_seed(folder)` returns the parsed data or raises `SeedError` listing every
problem found, each with the file and the position inside it.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import yaml

SLUG_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
SKILLS = (
    "digital-literacy",
    "marketing",
    "product-research",
    "copywriting",
    "customer-service",
    "advertising",
    "social-media",
    "finance",
    "online-shop",
)
LEVELS = ("beginner", "intermediate")
ROLES = ("customer service", "advertiser", "social-media admin", "village online shop")
BLOCKS = (
    "paragraph",
    "heading",
    "callout",
    "before_after",
    "formula",
    "checklist",
    "product",
)
QUALITIES = ("good", "weak")
PHOTOS_MAX = 10  # assessments.models.practice.PHOTOS_MAX
QUESTION_TYPES = ("single", "multiple", "true_false", "numeric", "ordering", "essay")
RICH_TAGS = {"p", "b", "i", "ul", "ol", "li", "a", "br"}


class SeedError(Exception):
    """The seed data has problems; `errors` lists them all."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


@dataclass
class Seed:
    products: list[dict[str, Any]]
    paths: list[dict[str, Any]]
    courses: list[dict[str, Any]] = field(default_factory=list)
    tasks: list[dict[str, Any]] = field(default_factory=list)


class _TagCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.add(tag)


def _rich_text_errors(value: Any, where: str) -> list[str]:
    if not isinstance(value, str) or not value.strip():
        return [f"{where}: rich text must be a non-empty string"]
    parser = _TagCollector()
    parser.feed(value)
    bad = parser.tags - RICH_TAGS
    if bad:
        return [f"{where}: tags not allowed in rich text: {', '.join(sorted(bad))}"]
    return []


class _Checker:
    def __init__(self) -> None:
        self.errors: list[str] = []

    def need(self, data: dict, key: str, kind: type | tuple, where: str) -> Any:
        value = data.get(key) if isinstance(data, dict) else None
        if value is None or not isinstance(value, kind) or value == "":
            names = (
                kind.__name__
                if isinstance(kind, type)
                else "/".join(k.__name__ for k in kind)
            )
            self.errors.append(f"{where}: '{key}' is required ({names})")
            return None
        return value

    def slug(self, data: dict, where: str) -> str | None:
        value = self.need(data, "slug", str, where)
        if value is not None and not SLUG_RE.match(value):
            self.errors.append(f"{where}: slug '{value}' is not a valid slug")
        return value

    def choice(self, data: dict, key: str, allowed: tuple, where: str) -> None:
        value = self.need(data, key, str, where)
        if value is not None and value not in allowed:
            self.errors.append(f"{where}: '{key}' must be one of {', '.join(allowed)}")

    # -- blocks -----------------------------------------------------------
    def block(self, block: Any, where: str, products: set[str]) -> None:
        if not isinstance(block, dict) or len(block) != 1:
            self.errors.append(f"{where}: a block is a mapping with exactly one key")
            return
        ((name, value),) = block.items()
        if name not in BLOCKS:
            self.errors.append(f"{where}: unknown block '{name}'")
        elif name == "paragraph":
            self.errors += _rich_text_errors(value, where)
        elif name == "heading":
            if not isinstance(value, str) or not value.strip():
                self.errors.append(f"{where}: heading must be text")
        elif name == "callout":
            self.choice(value, "kind", ("tip", "warning"), where)
            self.errors += _rich_text_errors(
                value.get("text") if isinstance(value, dict) else None, where
            )
        elif name == "before_after":
            for key in ("before", "after", "explanation"):
                self.need(value, key, str, where)
        elif name == "formula":
            self.need(value, "name", str, where)
            parts = self.need(value, "parts", list, where) or []
            for j, part in enumerate(parts):
                self.need(part, "label", str, f"{where} part {j + 1}")
                self.need(part, "text", str, f"{where} part {j + 1}")
        elif name == "checklist":
            self.need(value, "title", str, where)
            items = self.need(value, "items", list, where) or []
            if not all(isinstance(i, str) and i.strip() for i in items):
                self.errors.append(f"{where}: checklist items must be text")
        elif name == "product" and value not in products:
            self.errors.append(f"{where}: unknown product '{value}'")

    # -- questions --------------------------------------------------------
    def question(
        self,
        q: Any,
        where: str,
        products: set[str],
        lessons: dict[str, list[str]] | None = None,
    ) -> None:
        """Check one quiz question. `lessons` maps each lesson slug of the
        course to the slugs of the modules that hold it, for `reread`."""
        if not isinstance(q, dict):
            self.errors.append(f"{where}: a question is a mapping")
            return
        kind = q.get("type")
        if kind not in QUESTION_TYPES:
            self.errors.append(f"{where}: type must be one of {QUESTION_TYPES}")
            return
        self.need(q, "text", str, where)
        points = q.get("points", 1)
        if not isinstance(points, int) or isinstance(points, bool) or points < 1:
            self.errors.append(f"{where}: points must be a whole number >= 1")
        if kind != "essay":
            self.need(q, "explanation", str, where)
        if kind in ("single", "multiple"):
            choices = self.need(q, "choices", list, where) or []
            for j, c in enumerate(choices):
                self.need(c, "text", str, f"{where} choice {j + 1}")
            right = sum(1 for c in choices if isinstance(c, dict) and c.get("correct"))
            if len(choices) < 2:
                self.errors.append(f"{where}: needs at least two choices")
            if kind == "single" and right != 1:
                self.errors.append(f"{where}: single needs exactly one correct choice")
            if kind == "multiple" and right < 1:
                self.errors.append(f"{where}: multiple needs a correct choice")
        elif kind == "true_false":
            if not isinstance(q.get("answer"), bool):
                self.errors.append(f"{where}: answer must be true or false")
        elif kind == "numeric":
            answer, tol = q.get("answer"), q.get("tolerance", 0)
            if not isinstance(answer, int | float) or isinstance(answer, bool):
                self.errors.append(f"{where}: answer must be a number")
            if not isinstance(tol, int | float) or tol < 0:
                self.errors.append(f"{where}: tolerance must be a number >= 0")
        elif kind == "ordering":
            items = self.need(q, "items", list, where) or []
            if not 3 <= len(items) <= 8 or len(set(map(str, items))) != len(items):
                self.errors.append(f"{where}: ordering needs 3 to 8 distinct items")
        elif kind == "essay":
            self.need(q, "rubric", str, where)
        if "product" in q and q["product"] not in products:
            self.errors.append(f"{where}: unknown product '{q['product']}'")
        if "reread" in q:
            self.reread(q["reread"], where, lessons or {})

    def reread(self, value: Any, where: str, lessons: dict[str, list[str]]) -> None:
        if not isinstance(value, str) or value not in lessons:
            self.errors.append(
                f"{where}: reread '{value}' is not a lesson slug of this course"
            )
        elif len(lessons[value]) > 1:
            self.errors.append(
                f"{where}: reread '{value}' names a lesson in more than one "
                f"module ({', '.join(lessons[value])})"
            )

    # -- files ------------------------------------------------------------
    def course(self, data: Any, where: str, products: set[str]) -> None:
        if not isinstance(data, dict):
            self.errors.append(f"{where}: a course file holds one mapping")
            return
        self.slug(data, where)
        self.need(data, "number", int, where)
        for key in ("title", "summary"):
            self.need(data, key, str, where)
        self.choice(data, "skill", SKILLS, where)
        self.choice(data, "level", LEVELS, where)
        self.need(data, "estimated_hours", int | float, where)
        self.need(data, "outcomes", list, where)
        modules = self.need(data, "modules", list, where) or []
        module_slugs: set[str] = set()
        course_lessons: dict[str, list[str]] = {}
        for module in modules:
            if not isinstance(module, dict):
                continue
            for lesson in module.get("lessons") or []:
                if isinstance(lesson, dict) and isinstance(lesson.get("slug"), str):
                    course_lessons.setdefault(lesson["slug"], []).append(
                        str(module.get("slug"))
                    )
        for m, module in enumerate(modules, 1):
            mw = f"{where} module {m}"
            slug = self.slug(module, mw)
            if slug in module_slugs:
                self.errors.append(f"{mw}: duplicate module slug '{slug}'")
            module_slugs.add(slug)
            self.need(module, "title", str, mw)
            lessons = self.need(module, "lessons", list, mw) or []
            lesson_slugs: set[str] = set()
            for n, lesson in enumerate(lessons, 1):
                lw = f"{mw} lesson {n}"
                lslug = self.slug(lesson, lw)
                if lslug in lesson_slugs or lslug == slug:
                    self.errors.append(f"{lw}: duplicate slug '{lslug}'")
                lesson_slugs.add(lslug)
                self.need(lesson, "title", str, lw)
                self.need(lesson, "minutes", int, lw)
                for b, block in enumerate(self.need(lesson, "body", list, lw) or [], 1):
                    self.block(block, f"{lw} block {b}", products)
            quiz = module.get("quiz") if isinstance(module, dict) else None
            if quiz is not None:
                qw = f"{mw} quiz"
                self.need(quiz, "title", str, qw)
                questions = self.need(quiz, "questions", list, qw) or []
                if not 5 <= len(questions) <= 10:
                    self.errors.append(f"{qw}: needs 5 to 10 questions")
                for k, q in enumerate(questions, 1):
                    self.question(q, f"{qw} question {k}", products, course_lessons)

    # -- practical tasks ----------------------------------------------------
    def task(self, data: Any, where: str, products: set[str], modules: dict) -> None:
        """Check one practical task. `modules` maps each course slug to
        {module slug: the slugs of its lessons}."""
        if not isinstance(data, dict):
            self.errors.append(f"{where}: a task file holds one mapping")
            return
        course = self.need(data, "course", str, where)
        module = self.need(data, "module", str, where)
        slug = self.slug(data, where)
        self.need(data, "title", str, where)
        if course is not None and course not in modules:
            self.errors.append(f"{where}: unknown course '{course}'")
        elif module is not None and module not in modules[course]:
            self.errors.append(f"{where}: unknown module '{module}' of '{course}'")
        elif slug in modules[course][module] or slug == "kuis":
            self.errors.append(f"{where}: slug '{slug}' is taken in its module")
        for b, block in enumerate(self.need(data, "brief", list, where) or [], 1):
            self.block(block, f"{where} brief block {b}", products)
        self.submit(data.get("submit"), f"{where} submit")
        for key in ("due_days", "resubmissions"):
            value = data.get(key)
            if value is not None and (
                not isinstance(value, int) or isinstance(value, bool) or value < 0
            ):
                self.errors.append(f"{where}: '{key}' must be a whole number >= 0")
        if not isinstance(data.get("required", True), bool):
            self.errors.append(f"{where}: 'required' must be true or false")
        sizes = self.rubric(data.get("rubric"), f"{where} rubric")
        exemplars = self.need(data, "exemplars", list, where) or []
        qualities = sorted(e.get("quality") for e in exemplars if isinstance(e, dict))
        if qualities != ["good", "weak"]:
            self.errors.append(f"{where}: needs one good and one weak exemplar")
        for e, exemplar in enumerate(exemplars, 1):
            self.exemplar(exemplar, f"{where} exemplar {e}", sizes, data.get("rubric"))

    def submit(self, data: Any, where: str) -> None:
        if not isinstance(data, dict):
            self.errors.append(f"{where}: a mapping of parts is required")
            return
        unknown = set(data) - {"text", "photos", "voice", "link", "pdf"}
        if unknown:
            self.errors.append(f"{where}: unknown parts {', '.join(sorted(unknown))}")
        for key in ("voice", "link", "pdf"):
            if not isinstance(data.get(key, False), bool):
                self.errors.append(f"{where}: '{key}' must be true or false")
        for key, low, high, top in (
            ("text", "min_words", "max_words", 5000),
            ("photos", "min", "max", PHOTOS_MAX),
        ):
            if key not in data:
                continue
            part = data[key]
            if not isinstance(part, dict):
                self.errors.append(f"{where}: '{key}' needs {low} and {high}")
                continue
            numbers = [part.get(low, 0), part.get(high, top)]
            if not all(
                isinstance(n, int) and not isinstance(n, bool) and 0 <= n <= top
                for n in numbers
            ):
                self.errors.append(f"{where}: {key} {low}/{high} are 0 to {top}")
            elif numbers[0] > numbers[1]:
                self.errors.append(f"{where}: {key} {low} is more than {high}")
            elif key == "photos" and numbers[1] == 0:
                self.errors.append(f"{where}: photos max is 0 (leave photos out)")
        if not any(data.get(k) for k in ("text", "photos", "voice", "link", "pdf")):
            self.errors.append(f"{where}: trainees could hand in nothing")

    def rubric(self, data: Any, where: str) -> list[int]:
        """Check a rubric; return the number of levels of each criterion."""
        if not isinstance(data, dict):
            self.errors.append(f"{where}: a rubric mapping is required")
            return []
        self.need(data, "title", str, where)
        percent = data.get("pass_percent", 60)
        if not isinstance(percent, int) or not 0 <= percent <= 100:
            self.errors.append(f"{where}: pass_percent must be 0 to 100")
        if not isinstance(data.get("no_lowest_level", False), bool):
            self.errors.append(f"{where}: no_lowest_level must be true or false")
        criteria = self.need(data, "criteria", list, where) or []
        if not 3 <= len(criteria) <= 5:
            self.errors.append(f"{where}: needs 3 to 5 criteria")
        sizes = []
        for c, criterion in enumerate(criteria, 1):
            cw = f"{where} criterion {c}"
            self.need(criterion, "title", str, cw)
            levels = self.need(criterion, "levels", list, cw) or []
            if not 3 <= len(levels) <= 4:
                self.errors.append(f"{cw}: needs 3 or 4 levels")
            points = []
            for n, level in enumerate(levels, 1):
                lw = f"{cw} level {n}"
                self.need(level, "title", str, lw)
                self.need(level, "descriptor", str, lw)
                value = level.get("points") if isinstance(level, dict) else None
                if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                    self.errors.append(f"{lw}: points must be a whole number >= 0")
                    value = 0
                points.append(value)
            if points != sorted(points):
                self.errors.append(f"{cw}: levels go from the lowest points up")
            comments = self.need(criterion, "comments", list, cw) or []
            if not all(isinstance(x, str) and x.strip() for x in comments):
                self.errors.append(f"{cw}: comments must be text")
            sizes.append(len(levels))
        return sizes

    def exemplar(self, data: Any, where: str, sizes: list[int], rubric: dict) -> None:
        if not isinstance(data, dict):
            self.errors.append(f"{where}: an exemplar is a mapping")
            return
        self.need(data, "title", str, where)
        self.need(data, "text", str, where)
        self.choice(data, "quality", QUALITIES, where)
        levels = self.need(data, "levels", list, where) or []
        if len(levels) != len(sizes) or not all(
            isinstance(n, int) and 1 <= n <= size
            for n, size in zip(levels, sizes, strict=False)
        ):
            self.errors.append(
                f"{where}: levels need one number per criterion, each from 1 "
                "to that criterion's number of levels"
            )
            return
        try:
            passed = rubric_passes(rubric, levels)
        except (KeyError, TypeError, IndexError, ValueError):
            return  # the rubric's own errors are reported
        if data.get("quality") in QUALITIES:
            if passed != (data["quality"] == "good"):
                self.errors.append(
                    f"{where}: a {data['quality']} exemplar should "
                    f"{'pass' if data['quality'] == 'good' else 'not pass'} "
                    "the rubric's pass rule"
                )


def rubric_passes(rubric: dict, levels: list[int]) -> bool:
    """Whether work at `levels` (one per criterion, from 1) passes the
    rubric's rule: total >= pass_percent % of the maximum and, with
    no_lowest_level, no criterion at its lowest level."""
    score = top = 0
    lowest = False
    for criterion, number in zip(rubric["criteria"], levels, strict=True):
        points = [level["points"] for level in criterion["levels"]]
        score += points[number - 1]
        top += max(points)
        lowest = lowest or number == 1
    if rubric.get("no_lowest_level") and lowest:
        return False
    return top > 0 and 100 * score >= rubric.get("pass_percent", 60) * top


def _read(path: Path) -> Any:
    with path.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def load_seed(folder: Path | str) -> Seed:
    """Parse and check every seed file in `folder`. Raises `SeedError`."""
    folder = Path(folder)
    check = _Checker()
    products = _read(folder / "products.yaml") or []
    product_slugs: set[str] = set()
    for i, product in enumerate(products, 1):
        where = f"products.yaml item {i}"
        product_slugs.add(check.slug(product, where))
        for key in ("name", "producer", "story", "unit"):
            check.need(product, key, str, where)
        price = product.get("price") if isinstance(product, dict) else None
        if not isinstance(price, int) or isinstance(price, bool) or price <= 0:
            check.errors.append(f"{where}: price must be whole rupiah > 0")
    courses = []
    for path in sorted((folder / "curriculum").glob("*.yaml")):
        data = _read(path)
        check.course(data, path.name, product_slugs)
        courses.append(data)
    course_slugs = {c.get("slug") for c in courses if isinstance(c, dict)}
    if len(course_slugs) != len(courses):
        check.errors.append("curriculum: course slugs must be unique")
    modules = {
        c["slug"]: {
            m.get("slug"): {
                lesson.get("slug")
                for lesson in m.get("lessons") or []
                if isinstance(lesson, dict)
            }
            for m in c.get("modules") or []
            if isinstance(m, dict)
        }
        for c in courses
        if isinstance(c, dict) and isinstance(c.get("slug"), str)
    }
    tasks = []
    for path in sorted((folder / "tasks").glob("*.yaml")):
        data = _read(path)
        check.task(data, path.name, product_slugs, modules)
        tasks.append(data)
    with_task = {
        t.get("course")
        for t in tasks
        if isinstance(t, dict) and t.get("required", True) is True
    }
    for slug in sorted(set(modules) - with_task):
        check.errors.append(f"tasks: course '{slug}' has no required task")
    paths = _read(folder / "paths.yaml") or []
    for i, path in enumerate(paths, 1):
        where = f"paths.yaml item {i}"
        check.slug(path, where)
        check.need(path, "title", str, where)
        check.choice(path, "role", ROLES, where)
        for slug in check.need(path, "courses", list, where) or []:
            if slug not in course_slugs:
                check.errors.append(f"{where}: unknown course '{slug}'")
    if check.errors:
        raise SeedError(check.errors)
    courses.sort(key=lambda c: c["number"])
    return Seed(products=products, paths=paths, courses=courses, tasks=tasks)


def main(argv: list[str]) -> int:
    folder = argv[1] if len(argv) > 1 else str(Path(__file__).parent)
    try:
        seed = load_seed(folder)
    except SeedError as exc:
        print("\n".join(exc.errors), file=sys.stderr)
        return 1
    except (OSError, yaml.YAMLError) as exc:
        print(exc, file=sys.stderr)
        return 1
    lessons = sum(len(m["lessons"]) for c in seed.courses for m in c["modules"])
    print(
        f"ok: {len(seed.courses)} courses, {lessons} lessons, "
        f"{len(seed.tasks)} practical tasks"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
