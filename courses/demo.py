"""The demo trainee's progress, so a new installation shows a real
"Belajarku" with a course part-way done."""

from .models import CoursePage, LessonPage
from .services import enrollment_create, lesson_complete

DEMO_COURSES = ("cakap-digital", "copywriting")
DEMO_LESSONS_DONE = 3


def demo_progress_ensure(*, trainee) -> None:
    """Enrol the demo trainee in two courses and finish the first lessons of
    the first. Idempotent (both services are)."""
    courses = {c.slug: c for c in CoursePage.objects.filter(slug__in=DEMO_COURSES)}
    for slug in DEMO_COURSES:
        if slug in courses:
            enrollment_create(user=trainee, course=courses[slug])
    first = courses.get(DEMO_COURSES[0])
    if first is None:
        return
    lessons = LessonPage.objects.live().descendant_of(first).order_by("path")
    for lesson in lessons[:DEMO_LESSONS_DONE]:
        lesson_complete(user=trainee, lesson=lesson)
