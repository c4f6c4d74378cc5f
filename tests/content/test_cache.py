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


def test_a_deploy_that_changes_the_code_rebuilds_everything(monkeypatch, tmp_path):
    """The shared cache outlives a restart: entries rendered by the old
    templates or code must not be served by the new ones."""
    from content import cache as content_cache

    calls = []
    assert cached("k", lambda: calls.append("old") or "old") == "old"
    monkeypatch.setattr(content_cache, "code_version", lambda: "kode-baru")
    assert content_version().startswith("kode-baru.")
    assert cached("k", lambda: calls.append("new") or "new") == "new"
    assert calls == ["old", "new"]


def test_code_version_follows_templates_code_and_translations(settings, tmp_path):
    from content.cache import code_version

    for folder in ("templates", "lms", "locale"):
        (tmp_path / folder).mkdir()
    page = tmp_path / "templates" / "base.html"
    page.write_text("<p>lama</p>")
    (tmp_path / "lms" / "views.py").write_text("X = 1\n")
    settings.BASE_DIR = tmp_path
    settings.STATIC_ROOT = tmp_path / "static"
    seen = []
    try:
        for change in (
            lambda: None,
            lambda: page.write_text("<p>baru</p>"),
            lambda: (tmp_path / "lms" / "views.py").write_text("X = 2\n"),
            lambda: (tmp_path / "locale" / "django.mo").write_bytes(b"\x00"),
            lambda: (
                (tmp_path / "static").mkdir()
                or (tmp_path / "static" / "staticfiles.json").write_text("{}")
            ),
            lambda: (tmp_path / "lms" / "notes.md").write_text("not code"),
        ):
            change()
            code_version.cache_clear()
            seen.append(code_version())
    finally:
        code_version.cache_clear()
    assert len(set(seen[:5])) == 5
    assert seen[5] == seen[4]
