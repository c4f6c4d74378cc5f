"""Build the seed curriculum (content/seed/) as Wagtail pages, through the
page API. Idempotent: anything that exists (matched by slug) is left as it
is, so a second run changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import GroupPagePermission, Page

from content.models import HomePage, PracticeProduct
from content.seed.schema import Seed
from lms.accounts.roles import TRAINERS

from .models import (
    CourseIndexPage,
    CoursePage,
    LearningPath,
    LearningPathCourse,
    LessonPage,
    ModulePage,
)

Report = Callable[[str], None]
INDEX_SLUG = "kursus"
TRAINER_PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page", "lock_page")


def _child(parent: Page, slug: str):
    # child_of() asks by path, so a stale parent instance (numchild 0) works.
    return Page.objects.child_of(parent).filter(slug=slug).specific().first()


def _publish(parent: Page, page: Page) -> Page:
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def course_index_ensure(*, home: HomePage) -> CourseIndexPage:
    """The catalogue page at /kursus/, editable by trainers. Idempotent."""
    index = _child(home, INDEX_SLUG)
    if index is None:
        index = _publish(
            home,
            CourseIndexPage(
                title="Kursus",
                slug=INDEX_SLUG,
                intro=(
                    "Pilih kursus sesuai pekerjaan yang Anda tuju. Semua gratis "
                    "dan bisa dibaca dari HP."
                ),
            ),
        )
    trainers = Group.objects.get(name=TRAINERS)
    for codename in TRAINER_PAGE_PERMISSIONS:
        permission = Permission.objects.get(
            content_type__app_label="wagtailcore", codename=codename
        )
        GroupPagePermission.objects.get_or_create(
            group=trainers, page=index, permission=permission
        )
    return index


def lesson_block(block: dict[str, Any], products: dict[str, PracticeProduct]) -> dict:
    """One seed block (FORMAT.md) as StreamField data for LessonStreamBlock
    (lessons and task briefs)."""
    ((kind, value),) = block.items()
    if kind == "heading":
        value = {"text": value, "size": "h2"}
    elif kind == "callout":
        value = {
            "kind": value["kind"],
            "title": value.get("title", ""),
            "text": value["text"],
        }
    elif kind == "before_after":
        value = {
            key: value.get(key, "")
            for key in ("context", "before", "after", "explanation")
        }
    elif kind == "formula":
        value = {
            "name": value["name"],
            "parts": [
                {
                    "label": p["label"],
                    "text": p["text"],
                    "example": p.get("example", ""),
                }
                for p in value["parts"]
            ],
        }
    elif kind == "product":
        value = {"product": products[value].pk}
    return {"type": kind, "value": value}


def products_ensure(*, seed: Seed) -> dict[str, PracticeProduct]:
    products = {}
    for data in seed.products:
        product, _created = PracticeProduct.objects.get_or_create(
            slug=data["slug"],
            defaults={
                k: data[k] for k in ("name", "price", "unit", "producer", "story")
            },
        )
        products[product.slug] = product
    return products


def curriculum_load(*, seed: Seed, home: HomePage, report: Report) -> CourseIndexPage:
    """Create the products, the catalogue, every course, module and lesson,
    and the learning paths that are missing. `report` gets one line per
    course so long runs show progress."""
    products = products_ensure(seed=seed)
    index = course_index_ensure(home=home)
    total = len(seed.courses)
    for number, data in enumerate(seed.courses, 1):
        with transaction.atomic():
            created = _course_ensure(index=index, data=data, products=products)
        lessons = sum(len(m["lessons"]) for m in data["modules"])
        state = f"{created} pages created" if created else "already there"
        report(
            f"  course {number}/{total}: {data['title']} ({lessons} lessons, {state})"
        )
    _paths_ensure(index=index, seed=seed)
    return index


def _course_ensure(*, index: CourseIndexPage, data: dict, products) -> int:
    created = 0
    course = _child(index, data["slug"])
    if course is None:
        course = _publish(
            index,
            CoursePage(
                title=data["title"],
                slug=data["slug"],
                summary=data["summary"],
                skill=data["skill"],
                level=data["level"],
                estimated_hours=data["estimated_hours"],
                outcomes="\n".join(data.get("outcomes", [])),
            ),
        )
        created += 1
    for module_data in data["modules"]:
        module = _child(course, module_data["slug"])
        if module is None:
            module = _publish(
                course,
                ModulePage(
                    title=module_data["title"],
                    slug=module_data["slug"],
                    summary=module_data.get("summary", ""),
                ),
            )
            created += 1
        for lesson_data in module_data["lessons"]:
            if _child(module, lesson_data["slug"]) is not None:
                continue
            _publish(
                module,
                LessonPage(
                    title=lesson_data["title"],
                    slug=lesson_data["slug"],
                    estimated_minutes=lesson_data["minutes"],
                    body=[lesson_block(b, products) for b in lesson_data["body"]],
                ),
            )
            created += 1
    return created


def _paths_ensure(*, index: CourseIndexPage, seed: Seed) -> None:
    courses = {c.slug: c for c in CoursePage.objects.child_of(index)}
    for data in seed.paths:
        if LearningPath.objects.filter(slug=data["slug"]).exists():
            continue
        with transaction.atomic():
            path = LearningPath.objects.create(
                slug=data["slug"],
                title=data["title"],
                role=data["role"],
                summary=data.get("summary", ""),
            )
            LearningPathCourse.objects.bulk_create(
                LearningPathCourse(path=path, course=courses[slug], sort_order=i)
                for i, slug in enumerate(data["courses"])
            )
