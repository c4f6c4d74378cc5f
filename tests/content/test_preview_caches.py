"""Drafts and previews never reach trainees; previews never show stale live
content. Every cached render is keyed on what was rendered (live revision,
language, content version) and previews neither read nor write shared
caches."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from assessments.models import QuizPage, TaskPage
from content.cache import VERSION_KEY
from courses.models import CourseIndexPage, CoursePage, LessonPage, ModulePage
from courses.services import enrollment_create
from tests.factories import UserFactory, trainee
from tests.factories.assessments import question, quiz_in
from tests.factories.courses import course_tree, lessons_of
from tests.factories.practice import task_in

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)
LIVE = "Isi yang sudah terbit"
DRAFT = "Isi DRAF belum terbit"


@pytest.fixture
def admin_user():
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def course():
    course = course_tree(modules=1, lessons=2)
    for lesson in lessons_of(course):
        lesson.body = [{"type": "paragraph", "value": f"<p>{LIVE} {lesson.pk}</p>"}]
        lesson.save_revision().publish()
    return CoursePage.objects.get(pk=course.pk)


@pytest.fixture
def lesson(course):
    return lessons_of(course)[0]


@pytest.fixture
def reader(course):
    person = trainee()
    enrollment_create(user=person, course=course)
    return person


def _read(client, person, url) -> str:
    client.force_login(person)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _save_draft(page, **fields):
    """What a trainer's "Save draft" does: a new revision, live page unchanged."""
    page = page.specific_class.objects.get(pk=page.pk)
    for name, value in fields.items():
        setattr(page, name, value)
    return page.save_revision(user=None)


def _view_revision(client, admin_user, page, revision) -> str:
    """The admin's "preview this revision" view (Wagtail's preview machinery)."""
    client.force_login(admin_user)
    url = reverse("wagtailadmin_pages:revisions_view", args=[page.pk, revision.pk])
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _live_preview(client, admin_user, page) -> str:
    """What the editor's live preview does: render an unsaved, edited object
    through `make_preview_request` with the editor's session."""
    client.force_login(admin_user)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.session.session_key}"
    original = RequestFactory().get("/admin/", HTTP_COOKIE=cookie)
    original.user = admin_user
    response = page.make_preview_request(
        original_request=original, preview_mode=page.default_preview_mode
    )
    assert response.status_code == 200
    return response.content.decode()


def _draft_body(lesson):
    return [{"type": "paragraph", "value": f"<p>{DRAFT}</p>"}]


def test_previewed_draft_does_not_reach_the_next_trainee(
    client, admin_user, lesson, reader
):
    revision = _save_draft(lesson, body=_draft_body(lesson))
    assert DRAFT in _view_revision(client, admin_user, lesson, revision)

    body = _read(client, reader, lesson.url)
    assert DRAFT not in body
    assert f"{LIVE} {lesson.pk}" in body


def test_live_preview_of_unsaved_edits_does_not_reach_the_next_trainee(
    client, admin_user, lesson, reader
):
    edited = LessonPage.objects.get(pk=lesson.pk)
    edited.body = _draft_body(lesson)
    assert DRAFT in _live_preview(client, admin_user, edited)

    body = _read(client, reader, lesson.url)
    assert DRAFT not in body
    assert f"{LIVE} {lesson.pk}" in body


def test_preview_after_a_trainee_view_shows_the_draft(
    client, admin_user, lesson, reader
):
    assert f"{LIVE} {lesson.pk}" in _read(client, reader, lesson.url)

    edited = LessonPage.objects.get(pk=lesson.pk)
    edited.body = _draft_body(lesson)
    preview = _live_preview(client, admin_user, edited)
    assert DRAFT in preview
    assert f"{LIVE} {lesson.pk}" not in preview


def test_saved_draft_preview_after_a_trainee_view_shows_the_draft(
    client, admin_user, lesson, reader
):
    _read(client, reader, lesson.url)
    revision = _save_draft(lesson, body=_draft_body(lesson))
    preview = _view_revision(client, admin_user, lesson, revision)
    assert DRAFT in preview
    assert f"{LIVE} {lesson.pk}" not in preview


def test_publishing_the_draft_shows_it_to_trainees(client, lesson, reader):
    _read(client, reader, lesson.url)
    _save_draft(lesson, body=_draft_body(lesson)).publish()
    assert DRAFT in _read(client, reader, lesson.url)


def test_draft_titles_stay_out_of_trainees_outlines(client, admin_user, course, reader):
    lesson = lessons_of(course)[0]
    module = lesson.get_parent().specific
    _save_draft(module, title=f"{DRAFT} modul")
    revision = _save_draft(lesson, title=f"{DRAFT} pelajaran")
    assert f"{DRAFT} pelajaran" in _view_revision(client, admin_user, lesson, revision)
    # The outline on the course page and on the other lesson is the live one.
    other = lessons_of(course)[1]
    for url in (course.url, other.url):
        body = _read(client, reader, url)
        assert DRAFT not in body
        assert lesson.title in body
        assert module.title in body


def test_course_preview_after_trainee_views_shows_the_draft_title_and_summary(
    client, admin_user, course, reader
):
    _read(client, reader, course.url)
    edited = CoursePage.objects.get(pk=course.pk)
    edited.title = f"{DRAFT} judul"
    edited.summary = f"{DRAFT} ringkasan"
    preview = _live_preview(client, admin_user, edited)
    assert f"{DRAFT} judul" in preview
    assert f"{DRAFT} ringkasan" in preview
    body = _read(client, reader, course.url)
    assert DRAFT not in body


# --- the kind: no preview of any page type reads or writes the shared cache


class CacheSpy:
    """Records which keys the shared cache is asked for (the calls still go
    to the real cache)."""

    METHODS = ("get", "set", "add", "get_many", "set_many", "get_or_set", "incr")

    def __init__(self, monkeypatch) -> None:
        self.keys: list[str] = []
        backend = cache._connections[cache._alias]  # the real backend object
        for name in self.METHODS:
            original = getattr(backend, name)
            monkeypatch.setattr(backend, name, self._wrap(original))

    def _wrap(self, original):
        def call(key, *args, **kwargs):
            keys = list(key) if isinstance(key, (list, tuple, dict)) else [key]
            self.keys.extend(str(k) for k in keys)
            return original(key, *args, **kwargs)

        return call

    def content_keys(self) -> list[str]:
        """Keys other than the session, the content-version token, the
        throttles and Wagtail's list of site roots (built from Site rows,
        which have no drafts)."""
        return [
            k
            for k in self.keys
            if k not in (VERSION_KEY, "wagtail_site_root_paths")
            and "sessions" not in k
            and not k.startswith("allauth:rl")
        ]


def _every_page_type(course):
    """One live page of every page type a site has, with a saved draft."""
    quiz = quiz_in(course, [question()])
    quiz.save_revision().publish()
    task = task_in(course)
    task.save_revision().publish()
    pages = [
        course.get_parent().get_parent().specific,  # home
        CourseIndexPage.objects.get(),
        course,
        ModulePage.objects.child_of(course).first(),
        lessons_of(course)[0],
        QuizPage.objects.get(pk=quiz.pk),
        TaskPage.objects.get(pk=task.pk),
    ]
    from wagtail.models import get_page_models

    concrete = {m for m in get_page_models() if m._meta.app_label != "wagtailcore"}
    missing = concrete - {type(p) for p in pages}
    assert not missing, f"add a page of each type to this test: {missing}"
    return pages


def test_no_preview_of_any_page_type_touches_the_shared_cache(
    client, admin_user, course, reader, monkeypatch
):
    pages = _every_page_type(course)
    for page in pages:  # warm every cache as trainees would
        client.force_login(reader)
        client.get(page.url)
    spy = CacheSpy(monkeypatch)
    for page in pages:
        if not page.is_previewable():
            continue
        edited = type(page).objects.get(pk=page.pk)
        edited.title = f"{DRAFT} {page.pk}"
        spy.keys.clear()
        html = _live_preview(client, admin_user, edited)
        assert f"{DRAFT} {page.pk}" in html, type(page).__name__
        assert spy.content_keys() == [], type(page).__name__


def test_trainee_views_do_use_the_content_cache(client, lesson, reader, monkeypatch):
    """The spy above sees content keys when they are used (so its silence
    during previews means something)."""
    spy = CacheSpy(monkeypatch)
    _read(client, reader, lesson.url)
    assert any(":fragment:lesson_body:" in k for k in spy.content_keys())


def test_templates_cache_only_through_content_cache():
    """Django's `{% cache %}` keys on whatever it is given and knows nothing
    of previews; Sinau's templates use `{% content_cache %}`."""
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "templates").rglob("*.html")
        if re.search(r"{%\s*(load\s+[^%]*\bcache\b|cache\s)", path.read_text())
    ]
    assert offenders == []


ALLOWED_CACHE_USERS = {
    "content/cache.py",  # the content cache itself: keyed, preview-aware
    "content/backends.py",  # its per-process backend (no reads or writes)
    "lms/views.py",  # /health/ writes one fixed probe key
    "lms/common/cache.py",  # the Redis backend that survives an outage (no reads)
    # Per-trainee progress snapshots: preview-aware like content/cache.py
    # (tests/courses/test_progress_snapshot.py).
    "courses/progress.py",
    # Not renders: the cohort dashboard's per-member facts, counted from the
    # database (never from a draft) and stamped with the progress token and
    # the live content version; read only by staff pages and exports, which
    # no preview renders (tests/cohorts/test_dashboard_facts.py).
    "lms/cohorts/facts.py",
    # Not renders: the signed status list, keyed on the set of revoked
    # certificates; the sweeper's lock; the verify page's per-client counter.
    "lms/certificates/credentials/status_list.py",
    "lms/certificates/tasks.py",
    "lms/certificates/views.py",
    # Not renders: the counters of every rate limit (log-in throttle, verify
    # page), keyed on hashed identifiers and client networks.
    "lms/common/ratelimit.py",
}


def test_only_the_content_cache_talks_to_the_django_cache():
    """A new cache of rendered or computed content must go through
    `content.cache.cached`, which previews bypass."""
    pattern = re.compile(
        r"django\.core\.cache|django\.views\.decorators\.cache\s+import\s+cache_page"
        r"|\bcache_page\b|\bcaches\["
    )
    offenders = []
    for app in ("lms", "content", "courses", "assessments"):
        for path in (ROOT / app).rglob("*.py"):
            relative = str(path.relative_to(ROOT))
            if "migrations" in relative or "settings" in relative:
                continue
            if relative in ALLOWED_CACHE_USERS:
                continue
            if pattern.search(path.read_text()):
                offenders.append(relative)
    assert offenders == []


def test_language_is_part_of_the_fragment_key(lesson):
    from django.template import Context, Template

    template = Template(
        '{% load content_cache %}{% content_cache "t" page %}'
        "{{ lang }}{% endcontent_cache %}"
    )
    with translation.override("id"):
        assert template.render(Context({"page": lesson, "lang": "id"})) == "id"
        assert template.render(Context({"page": lesson, "lang": "x"})) == "id"
    with translation.override("en"):
        assert template.render(Context({"page": lesson, "lang": "en"})) == "en"
