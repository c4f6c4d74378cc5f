"""The admin as trainers and managers meet it, at 360 px with axe on every
page (issue 11 §6-§10): no third-party requests, Indonesian labels, images
uploaded from a lesson's image block, new lessons before the closing quiz,
and the essay queue reachable from the site."""

import io
import re
from urllib.parse import urlsplit

import pytest
from PIL import Image as PILImage
from playwright.sync_api import Page, expect
from wagtail.models import Page as WagtailPage

from content.services import site_ensure
from courses.models import LessonPage, ModulePage
from courses.seed import course_index_ensure
from courses.services import enrollment_create, lesson_complete
from tests.e2e.conftest import log_in
from tests.factories import PASSWORD, program_manager, trainee, trainer
from tests.factories.assessments import question, quiz_in
from tests.factories.courses import course_tree, lessons_of


@pytest.fixture
def course():
    course_index_ensure(home=site_ensure())
    course = course_tree(title="Jualan Gula Aren", modules=1, lessons=2)
    quiz_in(course, [question("single"), question("essay")], title="Kuis penutup")
    return course


def _fits(page: Page) -> None:
    """Nothing wider than the 360 px viewport."""
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 360, f"{page.url} is {width}px wide"


def _admin_login(page: Page, user) -> None:
    log_in(page, user.phone, PASSWORD)
    page.goto("/admin/")
    page.axe.check("dashboard")


def test_admin_dashboard_and_page_editor_ask_only_the_live_server(
    page: Page, live_server, course
):
    """No avatar service, no release feed, no CDN (issue 11 §10)."""
    user = trainer(phone="+6281234567802")
    lesson = lessons_of(course)[0]
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    _admin_login(page, user)
    page.goto(f"/admin/pages/{lesson.pk}/edit/")
    page.axe.check("lesson editor")
    page.wait_for_load_state("networkidle")
    ours = urlsplit(live_server.url).netloc
    foreign = [
        url
        for url in requests
        if urlsplit(url).scheme not in ("data", "blob") and urlsplit(url).netloc != ours
    ]
    assert requests, "no requests were recorded"
    assert foreign == []
