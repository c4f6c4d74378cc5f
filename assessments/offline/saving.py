"""Save a module for offline: what the "Simpan untuk offline" page lists and
the manifest the phone downloads (GET /luring/modul/<id>/daftar.json, the
offline contract's first endpoint).

`module_save(request=, module=)` answers for a trainee the access rule
(courses/access.py) lets act on the module. What it lists comes from the
trainee's course outline, so only published steps the request may open
without a password are in it; sizes are estimates in bytes as sent
gzipped:

- a lesson (and the course page that shows the module): its page rendered
  for this trainee through the page's own `serve`, gzipped; kept in the
  content cache per page, live revision and language (content/cache.py),
  with the image renditions the rendered page shows and their file sizes
  (an image is downloaded once, in its smallest width; its other srcset
  widths are listed as aliases of it, `also`);
- the shell: the static files every page needs (sizes gzipped from disk)
  and the offline pages;
- a quiz: its package page is made only when the phone saves it (it is an
  attempt), so its size is estimated from its number of questions.

Nothing is written (rendering a page here uses up none of the trainee's
messages)."""

from __future__ import annotations

import copy
import functools
import gzip
import html
import logging
import os
import re
from dataclasses import dataclass, field
from urllib.parse import unquote

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.storage import default_storage
from django.http import HttpRequest
from django.templatetags.static import static
from django.urls import NoReverseMatch, resolve, reverse
from django.utils.translation import get_language
from wagtail.images import get_image_model
from wagtail.models import Page

from content.cache import cached
from courses.access import visible_page_ids
from courses.models import CoursePage, LessonPage, ModulePage
from courses.selectors import COURSE_CARD_FIELDS, course_progress
from lms.accounts.selectors import offline_user_key

from ..models import QuizPage
from ..selectors import quiz_cached, quiz_question_count

logger = logging.getLogger(__name__)

STEPLEN = Page.steplen
# The limit for one image a saved lesson shows.
IMAGE_MAX_BYTES = 100 * 1024
# The copy of a lesson image a phone keeps offline: a phone's width, WebP
# at a lower quality than the page's own (80): a product photo of 20-25 KB
# becomes about 10 KB, so a module with a photo per lesson fits the save
# budget (docs/benchmarks.md, "Offline"). Stored under every URL of the
# image tag (`also`), so the page finds it whichever width it asks for.
OFFLINE_IMAGE_FILTER = "width-360|format-webp|webpquality-40"
# Static files every saved page needs (names for `static`); a name not found
# on disk is left out.
SHELL_STATIC = (
    "css/sinau.css",
    "js/offline.js",
    "img/favicon.svg",
    "img/icon-192.png",
)
# Pages of the shell, by URL name; a name not routed is left out.
SHELL_PAGES = (
    "assessments:offline_saved",
    "notification_channels:offline_page",
    "notification_channels:manifest",
)
# A quiz package's estimated size, gzipped: the page around the questions
# and each question (a 20-question package of short single-choice questions
# weighs about 4.5 KB, tests/assessments/offline/test_save_budget.py; longer
# questions weigh more, so this errs on the heavy side for those).
PACKAGE_BASE_BYTES = 2_500
PACKAGE_QUESTION_BYTES = 150

_TAG = re.compile(r"<(?:img|source)\b[^>]*>", re.IGNORECASE)
_ATTR = re.compile(r"""\b(src|srcset)\s*=\s*(["'])(.*?)\2""", re.IGNORECASE | re.DOTALL)


@dataclass
class SavedFile:
    """One URL the phone keeps: `url` (a path on this site), `bytes` (as
    sent, gzipped where the server compresses) and `also`, the URLs the
    phone should answer with the same response: for an image, the other
    widths of its srcset, so that a phone downloads one small rendition
    (the smallest) and the browser, offline, finds an image whichever
    width it asks for."""

    url: str
    bytes: int
    # Other URLs the same response answers (an image's other srcset widths).
    also: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        data = {"url": self.url, "bytes": self.bytes}
        if self.also:
            data["also"] = self.also
        return data


@dataclass
class SavedQuiz:
    """A quiz the phone saves as an offline attempt: `page` is the quiz
    page, `package` the endpoint that makes the attempt, `bytes` the
    package page's estimated gzipped size."""

    quiz: int
    title: str
    page: str
    package: str
    questions: int
    bytes: int

    def as_json(self) -> dict:
        return {
            "quiz": self.quiz,
            "title": self.title,
            "page": self.page,
            "package": self.package,
            "questions": self.questions,
            "bytes": self.bytes,
        }


@dataclass
class ModuleSave:
    """What saving `module` downloads for one trainee."""

    module: ModulePage
    course: CoursePage
    url: str  # where the module shows: its course page, at the module
    lessons: list = field(default_factory=list)  # courses.selectors.Step
    quizzes: list[SavedQuiz] = field(default_factory=list)
    urls: list[SavedFile] = field(default_factory=list)
    shell: list[SavedFile] = field(default_factory=list)
    oversized: list[str] = field(default_factory=list)  # images > IMAGE_MAX_BYTES
    user: str = ""

    @property
    def shell_bytes(self) -> int:
        return sum(f.bytes for f in self.shell)

    @property
    def page_bytes(self) -> int:
        """Lessons, the course page and their images."""
        return sum(f.bytes for f in self.urls)

    @property
    def quiz_bytes(self) -> int:
        return sum(q.bytes for q in self.quizzes)

    @property
    def bytes(self) -> int:
        """The whole first save, shell included."""
        return self.shell_bytes + self.page_bytes + self.quiz_bytes

    def as_json(self) -> dict:
        """The manifest (the offline contract, §1)."""
        return {
            "module": self.module.pk,
            "title": self.module.title,
            "url": self.url,
            "user": self.user,
            "bytes": self.bytes,
            "urls": [f.as_json() for f in self.urls],
            "shell": [f.as_json() for f in self.shell],
            "quizzes": [q.as_json() for q in self.quizzes],
        }


def gzip_size(content: bytes) -> int:
    """Bytes of `content` gzipped as a web server would (level 6)."""
    return len(gzip.compress(content, compresslevel=6, mtime=0))


def _request_for(request: HttpRequest, url: str) -> HttpRequest:
    """A copy of `request` (same person, session, language) asking for
    `url`, with no messages to show: rendering through it changes nothing
    the trainee sees next."""
    sub = copy.copy(request)
    sub.META = {**request.META, "PATH_INFO": url, "QUERY_STRING": ""}
    sub.path = sub.path_info = url
    sub.GET = request.GET.__class__("")
    sub._messages = []
    return sub


def _rendered(response) -> bytes:
    if hasattr(response, "render") and not getattr(response, "is_rendered", True):
        response.render()
    return response.content


def _images_of(content: str) -> list[list[str]]:
    """Per <img>/<source> tag of a rendered page, the media URLs it may load
    (src and every srcset candidate), in page order."""
    groups = []
    for tag in _TAG.findall(content):
        urls: list[str] = []
        for name, _quote, value in _ATTR.findall(tag):
            value = html.unescape(value)
            if name.lower() == "srcset":
                urls += [c.strip().split()[0] for c in value.split(",") if c.strip()]
            else:
                urls.append(value.strip())
        urls = [u for u in dict.fromkeys(urls) if u.startswith(settings.MEDIA_URL)]
        if urls:
            groups.append(urls)
    return groups


def _media_size(url: str) -> int | None:
    """The stored file's size for a media URL; None when it is not there."""
    name = unquote(url[len(settings.MEDIA_URL) :])
    try:
        return default_storage.size(name)
    except (OSError, ValueError, NotImplementedError):
        return None


def _offline_copy(group: list[list]) -> list[list]:
    """`group` ([[url, bytes], ...], one image tag's renditions) with the
    image's offline copy (OFFLINE_IMAGE_FILTER) first when it is smaller
    than every rendition the page shows; unchanged when the rendition is not
    one of Wagtail's or the copy cannot be made."""
    if not group:
        return group
    names = [unquote(url[len(settings.MEDIA_URL) :]) for url, _size in group]
    rendition = (
        get_image_model()
        .get_rendition_model()
        .objects.filter(file__in=names)
        .select_related("image")
        .first()
    )
    if rendition is None:
        return group
    try:
        copy_ = rendition.image.get_rendition(OFFLINE_IMAGE_FILTER)
        size = copy_.file.size
    except (OSError, ValueError) as exc:
        logger.warning("Offline copy of image %s failed: %s", rendition.image_id, exc)
        return group
    if copy_.url in {url for url, _size in group} or size >= min(b for _u, b in group):
        return group
    return [[copy_.url, size], *group]


def _page_entry(request: HttpRequest, page_id: int, revision: int | None) -> dict:
    """{"bytes": gzipped size of the page as served to `request`, "images":
    [[[url, bytes], ...] per image tag]}, cached per page, live revision and
    language. Rendering runs the page's own queries on a miss only."""

    def build() -> dict:
        page = Page.objects.get(pk=page_id).specific
        url = page.get_url(request) or page.url
        content = _rendered(page.serve(_request_for(request, url)))
        images = [
            _offline_copy(
                [[u, size] for u in group if (size := _media_size(u)) is not None]
            )
            for group in _images_of(content.decode("utf-8", "replace"))
        ]
        return {"bytes": gzip_size(content), "images": [g for g in images if g]}

    return cached(f"offline-page:{page_id}:{revision}:{get_language()}", build)


@functools.lru_cache(maxsize=64)
def _static_gzip_size(path: str, mtime: float) -> int:
    with open(path, "rb") as handle:
        return gzip_size(handle.read())


def _static_file(name: str) -> SavedFile | None:
    path = finders.find(name)
    if not path:
        return None
    try:
        url = static(name)
        size = _static_gzip_size(path, os.stat(path).st_mtime)
    except (OSError, ValueError):  # not collected (manifest storage), unreadable
        return None
    return SavedFile(url=url, bytes=size)


def shell_files(*, request: HttpRequest) -> list[SavedFile]:
    """The shell every saved page needs: SHELL_STATIC (gzipped sizes from
    disk) and SHELL_PAGES (rendered for `request`, gzipped). Queries: those
    of the trainee's "Tersimpan offline" page (a fixed number)."""
    files = [f for f in map(_static_file, SHELL_STATIC) if f is not None]
    for name in SHELL_PAGES:
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        match = resolve(url)
        content = _rendered(match.func(_request_for(request, url), **match.kwargs))
        files.append(SavedFile(url=url, bytes=gzip_size(content)))
    return files


def _quiz_size(quiz_id: int) -> int:
    """How many questions an attempt at the quiz asks, cached per content
    version."""

    def build() -> int:
        quiz = quiz_cached(quiz_id)
        return quiz_question_count(quiz=quiz) if quiz is not None else 0

    return cached(f"offline-quiz-questions:{quiz_id}", build)


def module_outline(*, request: HttpRequest, module: ModulePage) -> ModuleSave:
    """The course, and the module's lessons and quizzes in outline order
    that `request` may open now (a step behind a password it has not given
    is left out: the phone could not save it). No sizes. Queries: those of
    the course outline (courses.selectors.course_progress), cached."""
    course_path = module.path[:-STEPLEN]
    course = cached(
        f"course-at:{course_path}",
        lambda: CoursePage.objects.only(*COURSE_CARD_FIELDS).get(path=course_path),
    )
    progress = course_progress(course=course, user=request.user, request=request)
    outline = next((m for m in progress.modules if m.id == module.pk), None)
    steps = outline.steps if outline is not None else []
    openable = visible_page_ids(
        request=request,
        pages=[{"id": s.id, "path": s.path} for s in steps],
        listable=False,
    )
    steps = [s for s in steps if s.id in openable]
    course_url = course.get_url(request) or course.url
    save = ModuleSave(
        module=module,
        course=course,
        url=f"{course_url}#module-{module.pk}",
        lessons=[s for s in steps if s.kind == LessonPage.step_kind],
        user=offline_user_key(user=request.user),
    )
    for step in steps:
        if step.kind != QuizPage.step_kind:
            continue
        questions = _quiz_size(step.id)
        save.quizzes.append(
            SavedQuiz(
                quiz=step.id,
                title=step.title,
                page=step.url,
                package=reverse("assessments:offline_package", args=[step.id]),
                questions=questions,
                bytes=PACKAGE_BASE_BYTES + PACKAGE_QUESTION_BYTES * questions,
            )
        )
    return save


def module_save(*, request: HttpRequest, module: ModulePage) -> ModuleSave:
    """`module_outline` with every URL the phone keeps and its size: the
    course page, the lessons and the image renditions they show, the
    shell. Of an image tag's renditions (src and srcset) the smallest is
    listed, the others as its `also`; one over IMAGE_MAX_BYTES is still
    listed (the lesson shows it) and named in `oversized`, with a warning
    in the log. The caller checks access first
    (step_access with action=True). Queries, with the pages' renders
    cached: a fixed number, whatever the number of lessons (one for the
    pages' live revisions, the outline's, the shell pages')."""
    save = module_outline(request=request, module=module)
    pages = [(save.course.pk, save.url.split("#")[0])] + [
        (s.id, s.url) for s in save.lessons
    ]
    revisions = dict(
        Page.objects.filter(pk__in=[pk for pk, _url in pages]).values_list(
            "pk", "live_revision_id"
        )
    )
    seen: set[str] = set()
    for pk, url in pages:
        entry = _page_entry(request, pk, revisions.get(pk))
        save.urls.append(SavedFile(url=url, bytes=entry["bytes"]))
        for group in entry["images"]:
            chosen_url, size = min(group, key=lambda pair: pair[1])
            if size > IMAGE_MAX_BYTES:
                save.oversized.append(chosen_url)
                logger.warning(
                    "Offline save of module %s: image %s is %s bytes (over %s)",
                    module.pk,
                    chosen_url,
                    size,
                    IMAGE_MAX_BYTES,
                )
            if chosen_url in seen:
                continue
            seen.add(chosen_url)
            also = [u for u, _b in group if u != chosen_url]
            save.urls.append(SavedFile(url=chosen_url, bytes=size, also=also))
    save.shell = shell_files(request=request)
    return save
