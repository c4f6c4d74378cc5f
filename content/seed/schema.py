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
    return Seed(products=products, paths=paths, courses=courses)


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
    print(f"ok: {len(seed.courses)} courses, {lessons} lessons")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
