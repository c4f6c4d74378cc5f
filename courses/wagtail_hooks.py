from django.template.loader import render_to_string
from wagtail import hooks

from .access import access_response, step_access
from .media import course_collection_ensure
from .models import CoursePage
from .selectors import my_learning


@hooks.register("before_serve_page", order=-10)
def page_access(page, request, serve_args, serve_kwargs):
    """Serve a page only under the access rule (courses/access.py): Wagtail's
    router does not look at whether the ancestors of a page are live, so a
    lesson under an unpublished course or module would open by URL. Runs
    before Wagtail's own view-restriction check, which then agrees."""
    access = step_access(request=request, page=page)
    if not access.allowed:
        return access_response(request=request, access=access)
    return None


@hooks.register("after_create_page")
@hooks.register("after_edit_page")
def course_media_collection(request, page):
    """Every course gets its own media collection under "Sinau"
    (docs/decisions/0013-course-media-collections.md)."""
    if isinstance(page.specific, CoursePage):
        course_collection_ensure(course=page.specific)


@hooks.register("sinau_home_panels", order=10)
def continue_learning_panel(request):
    """The start page of everyone enrolled in a course (imported into a
    cohort included): the courses they are doing, most recent first, each
    with its progress and a button to the next step; "" for nobody
    enrolled. Reads Belajarku's selector (`my_learning`)."""
    items = my_learning(user=request.user, request=request)["items"]
    if not items:
        return ""
    doing = [p for p in items if not p.enrollment.completed_at]
    return render_to_string(
        "courses/includes/home_continue.html",
        {
            "doing": doing[:HOME_COURSES],
            "more": max(len(doing) - HOME_COURSES, 0),
            "completed": len(items) - len(doing),
        },
        request=request,
    )


HOME_COURSES = 3  # courses in progress shown on the start page
