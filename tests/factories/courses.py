"""Page-tree factories (wagtail-factories) and a helper that builds a whole
course of any size under the site's catalogue."""

import factory
import wagtail_factories

from content.services import site_ensure
from courses.models import (
    CourseIndexPage,
    CoursePage,
    LessonPage,
    ModulePage,
)


class CourseIndexPageFactory(wagtail_factories.PageFactory):
    title = "Kursus"
    slug = "kursus"

    class Meta:
        model = CourseIndexPage


class CoursePageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Kursus {n}")
    slug = factory.Sequence(lambda n: f"kursus-{n}")
    summary = "Belajar sesuatu yang berguna."
    skill = "copywriting"

    class Meta:
        model = CoursePage


class ModulePageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Modul {n}")
    slug = factory.Sequence(lambda n: f"modul-{n}")

    class Meta:
        model = ModulePage


class LessonPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Pelajaran {n}")
    slug = factory.Sequence(lambda n: f"pelajaran-{n}")
    estimated_minutes = 5
    body = factory.LazyAttribute(
        lambda o: [{"type": "paragraph", "value": f"<p>Isi rahasia {o.title}.</p>"}]
    )

    class Meta:
        model = LessonPage


def catalogue() -> CourseIndexPage:
    index = CourseIndexPage.objects.first()
    if index is None:
        index = CourseIndexPageFactory(parent=site_ensure())
    return index


def course_tree(*, modules: int = 2, lessons: int = 2, **course_fields) -> CoursePage:
    """A published course with `modules` modules of `lessons` lessons each."""
    course = CoursePageFactory(parent=catalogue(), **course_fields)
    for _m in range(modules):
        module = ModulePageFactory(parent=course)
        for _l in range(lessons):
            LessonPageFactory(parent=module)
    return course


def lessons_of(course: CoursePage) -> list[LessonPage]:
    return list(LessonPage.objects.descendant_of(course).order_by("path"))
