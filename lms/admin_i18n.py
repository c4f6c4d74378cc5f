"""Which admin strings does a trainer or a manager still meet in English?

Renders a list of admin screens through Django's test client with the
interface in Bahasa Indonesia and records every message Django, Wagtail or
Sinau looked up through gettext (templates' {% translate %} and
{% blocktranslate %}, Python's gettext, ngettext, pgettext, lazy strings)
that had no Indonesian translation and whose text is on the rendered screen.
`manage.py admin_untranslated` prints them; `tests/lms/test_admin_i18n.py`
keeps the list empty for the screens in `admin_screens`.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import trans_real

LANGUAGE = "id"
_MISSING = object()
_PLACEHOLDER = re.compile(r"%\([^)]*\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|%[sdifr]|\{[^}]*\}")
_UNICODE_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")


@dataclass(frozen=True)
class Screen:
    """One admin screen: a GET, or a POST whose answer (e.g. a form with
    validation errors) is the screen."""

    label: str
    url: str
    data: dict | None = None
    ajax: bool = False
    json: bool = False  # asks for JSON, as the editor's autosave does


@dataclass(frozen=True, order=True)
class Msg:
    """A message as a catalogue keys it."""

    msgid: str
    context: str = ""
    plural: str = ""

    def __str__(self) -> str:
        return f"{self.context}|{self.msgid}" if self.context else self.msgid


@dataclass
class Recorder:
    """Messages looked up while active that Indonesian has no entry for."""

    missing: set[Msg] = field(default_factory=set)


def _msg(key: str, plural: str = "") -> Msg:
    context, _sep, msgid = key.rpartition("\x04")
    return Msg(msgid=msgid, context=context, plural=plural)


@contextmanager
def untranslated_recording() -> Iterator[Recorder]:
    """Wrap Django's translation objects so that every lookup in the
    Indonesian catalogue that falls back to the English text is recorded.
    Context (pgettext) keys are recorded without their context."""
    recorder = Recorder()
    cls = trans_real.DjangoTranslation
    original_gettext, original_ngettext = cls.gettext, cls.ngettext

    def gettext(self, message):
        if self.language() == LANGUAGE and (
            self._catalog.get(message, _MISSING) is _MISSING
        ):
            recorder.missing.add(_msg(message))
        return original_gettext(self, message)

    def ngettext(self, msgid1, msgid2, n):
        if self.language() == LANGUAGE and (
            self._catalog.get((msgid1, 0), _MISSING) is _MISSING
        ):
            recorder.missing.add(_msg(msgid1, msgid2))
        return original_ngettext(self, msgid1, msgid2, n)

    cls.gettext, cls.ngettext = gettext, ngettext
    try:
        yield recorder
    finally:
        cls.gettext, cls.ngettext = original_gettext, original_ngettext


def _visible_text(content: str) -> str:
    """The answer's text with HTML entities and JSON escapes undone, so a
    label inside a chooser's JSON or a data attribute is found too."""
    text = html.unescape(content)
    try:
        text += "\n" + json.dumps(json.loads(content), ensure_ascii=False)
    except ValueError:
        pass
    text = _UNICODE_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)
    return html.unescape(text.replace('\\"', '"').replace("\\n", "\n"))


def msgid_shown(msgid: str, text: str) -> bool:
    """Does the screen show this message? Its longest literal piece (outside
    placeholders such as %(count)s or {title}) must be in the text."""
    pieces = [p.strip() for p in _PLACEHOLDER.split(msgid)]
    longest = max(pieces, key=len, default="")
    if len(re.sub(r"[\W\d_]", "", longest)) < 2:
        return False
    return longest in text


def screen_untranslated(*, client: Client, screen: Screen) -> tuple[int, set[Msg]]:
    """Render one screen in Indonesian. Returns (status code, untranslated
    messages shown on it)."""
    headers = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"} if screen.ajax else {}
    if screen.json:
        headers["HTTP_ACCEPT"] = "application/json"
    with translation.override(LANGUAGE), untranslated_recording() as recorder:
        client.cookies["django_language"] = LANGUAGE
        if screen.data is None:
            response = client.get(screen.url, **headers)
        else:
            response = client.post(screen.url, screen.data, **headers)
        content = response.content.decode("utf-8", "replace")
    text = _visible_text(content)
    shown = {m for m in recorder.missing if msgid_shown(m.msgid, text)}
    return response.status_code, shown


def admin_screens() -> list[Screen]:
    """The admin screens trainers and managers use, found in the current
    database: the dashboard, the page explorer, the editors of a course,
    module, lesson and quiz (with the slug error and empty-title errors), the
    add-page form, choosers, images, documents, snippets, reports, the
    account page and Sinau's own admin views. Objects that don't exist yet
    leave their screens out."""
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model

    from assessments.models import QuizPage
    from content.models import PracticeProduct
    from courses.models import CoursePage, LessonPage, ModulePage

    screens = [
        Screen("dashboard", reverse("wagtailadmin_home")),
        Screen("search", reverse("wagtailadmin_pages:search") + "?q=a"),
        Screen("account", reverse("wagtailadmin_account")),
        Screen("images", reverse("wagtailimages:index")),
        Screen("image add", reverse("wagtailimages:add_multiple")),
        Screen("image chooser", reverse("wagtailimages_chooser:choose"), ajax=True),
        Screen(
            "image chooser upload, empty",
            reverse("wagtailimages_chooser:create"),
            data={"image-chooser-upload-title": ""},
            ajax=True,
        ),
        Screen("documents", reverse("wagtaildocs:index")),
        Screen("document add", reverse("wagtaildocs:add_multiple")),
        Screen("document chooser", reverse("wagtaildocs_chooser:choose"), ajax=True),
        Screen("page chooser", reverse("wagtailadmin_choose_page"), ajax=True),
        Screen("locked pages", reverse("wagtailadmin_reports:locked_pages")),
        Screen("aging pages", reverse("wagtailadmin_reports:aging_pages")),
        Screen("site history", reverse("wagtailadmin_reports:site_history")),
        Screen("workflows report", reverse("wagtailadmin_reports:workflow")),
        Screen("snippets", reverse("wagtailsnippets:index")),
        Screen(
            "practice products", reverse("wagtailsnippets_content_practiceproduct:list")
        ),
        Screen("learning paths", reverse("wagtailsnippets_courses_learningpath:list")),
        Screen("questions", reverse("wagtailsnippets_assessments_question:list")),
        Screen(
            "question categories",
            reverse("wagtailsnippets_assessments_questioncategory:list"),
        ),
        Screen("import questions", reverse("questions_import")),
        Screen("essays to mark", reverse("assessments:marking")),
    ]
    product = PracticeProduct.objects.first()
    if product is not None:
        screens.append(
            Screen(
                "practice product edit",
                reverse(
                    "wagtailsnippets_content_practiceproduct:edit", args=[product.pk]
                ),
            )
        )
    for model in (CoursePage, ModulePage, LessonPage, QuizPage):
        page = model.objects.order_by("path").first()
        if page is None:
            continue
        name = model._meta.model_name
        screens += [
            Screen(f"{name} edit", reverse("wagtailadmin_pages:edit", args=[page.pk])),
            Screen(f"{name} explorer", reverse("wagtailadmin_explore", args=[page.pk])),
            Screen(
                f"{name} history", reverse("wagtailadmin_pages:history", args=[page.pk])
            ),
        ]
    lesson = LessonPage.objects.order_by("path").first()
    if lesson is not None:
        module = lesson.get_parent()
        sibling = module.get_children().exclude(pk=lesson.pk).first()
        screens += [
            Screen(
                "lesson add",
                reverse(
                    "wagtailadmin_pages:add",
                    args=["courses", "lessonpage", module.pk],
                ),
            ),
            Screen(
                "module ordering",
                reverse("wagtailadmin_explore", args=[module.pk]) + "?ordering=ord",
            ),
            Screen("lesson move", reverse("wagtailadmin_pages:move", args=[lesson.pk])),
            Screen("lesson copy", reverse("wagtailadmin_pages:copy", args=[lesson.pk])),
            Screen(
                "lesson delete",
                reverse("wagtailadmin_pages:delete", args=[lesson.pk]),
            ),
            Screen(
                "lesson unpublish",
                reverse("wagtailadmin_pages:unpublish", args=[lesson.pk]),
            ),
            Screen(
                "add subpage",
                reverse("wagtailadmin_pages:add_subpage", args=[module.pk]),
            ),
            Screen(
                "lesson add, errors",
                reverse(
                    "wagtailadmin_pages:add",
                    args=["courses", "lessonpage", module.pk],
                ),
                data={"title": "", "slug": "", "body-count": "0"},
            ),
            Screen(
                "lesson edit, errors",
                reverse("wagtailadmin_pages:edit", args=[lesson.pk]),
                data={
                    "title": "",
                    "slug": sibling.slug if sibling else "",
                    "body-count": "0",
                    "estimated_minutes": "x",
                },
            ),
            Screen(
                "lesson autosave, slug in use",
                reverse("wagtailadmin_pages:edit", args=[lesson.pk]),
                data={
                    "title": lesson.title,
                    "slug": sibling.slug if sibling else "",
                    "body-count": "0",
                    "estimated_minutes": "5",
                },
                json=True,
            ),
            Screen(
                "lesson add autosave, errors",
                reverse(
                    "wagtailadmin_pages:add",
                    args=["courses", "lessonpage", module.pk],
                ),
                data={"title": "", "slug": "", "body-count": "0"},
                json=True,
            ),
        ]
    image = get_image_model().objects.first()
    if image is not None:
        screens.append(
            Screen("image edit", reverse("wagtailimages:edit", args=[image.pk]))
        )
    document = get_document_model().objects.first()
    if document is not None:
        screens.append(
            Screen("document edit", reverse("wagtaildocs:edit", args=[document.pk]))
        )
    return screens


def admin_untranslated(*, user, screens: list[Screen]) -> dict[str, set[Msg]]:
    """Render `screens` as `user`. Returns {screen label: untranslated
    msgids}, only for screens with any; a screen that errors (5xx) is
    reported under its label with the status code."""
    host = next(
        (h for h in settings.ALLOWED_HOSTS if h and not h.startswith((".", "*"))),
        "testserver",
    )
    client = Client(HTTP_HOST=host)
    client.force_login(user)
    found: dict[str, set[str]] = {}
    for screen in screens:
        status, missing = screen_untranslated(client=client, screen=screen)
        if status >= 500:
            missing = {*missing, Msg(msgid=f"<HTTP {status}>")}
        if missing:
            found[screen.label] = missing
    return found
