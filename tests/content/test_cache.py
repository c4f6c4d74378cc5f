"""The content cache: one version for all processes, changed by any page
save, and changed again when the saving transaction commits."""

import pytest

from content.cache import cached, content_version
from tests.factories.courses import course_tree

pytestmark = pytest.mark.django_db


def test_cached_value_is_built_once_per_version():
    calls = []

    def build():
        calls.append(1)
        return "nilai"

    assert cached("k", build) == "nilai"
    assert cached("k", build) == "nilai"
    assert calls == [1]


def test_saving_a_page_starts_a_new_version_and_rebuilds(
    django_capture_on_commit_callbacks,
):
    course = course_tree(modules=1, lessons=1)
    calls = []
    cached("title", lambda: calls.append(course.title) or course.title)
    before = content_version()
    with django_capture_on_commit_callbacks(execute=False) as on_commit:
        course.title = "Judul baru"
        course.save()
    during = content_version()
    assert during != before
    assert cached("title", lambda: calls.append(course.title) or course.title) == (
        "Judul baru"
    )
    for callback in on_commit:
        callback()
    assert content_version() not in (before, during)
