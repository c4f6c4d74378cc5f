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

import functools
import html
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import polib
from django.apps import apps
from django.conf import settings
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from django.utils import translation
from django.utils.translation import trans_real
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from assessments.models import QuizPage
from content.models import PracticeProduct
from courses.models import CoursePage, LessonPage, ModulePage

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
    status, _content_type, content, missing = _render(client, screen)
    text = _visible_text(content)
    shown = {m for m in missing if msgid_shown(m.msgid, text)}
    return status, shown


def admin_screens() -> list[Screen]:
    """The admin screens trainers and managers use, found in the current
    database: the dashboard, the page explorer, the editors of a course,
    module, lesson and quiz (with the slug error and empty-title errors), the
    add-page form, choosers, images, documents, snippets, reports, the
    account page and Sinau's own admin views. Objects that don't exist yet
    leave their screens out."""
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


# -- the walk: every admin screen a person can reach -------------------------

_ADMIN_LINK = re.compile(r"""["'](/admin/[^"'\s<>\\]*)""")
# Links the walk never follows: leaving, files and catalogues, and GETs
# that are not screens.
_NOT_SCREENS = re.compile(
    r"/(logout|jsi18n|sprite|login|password_reset|dismissibles)/"
    r"|/(documents|images)/(serve|multiple)/|\.(png|jpe?g|webp|gif|svg|pdf)$"
)
_SCREEN_TYPES = ("text/html", "application/json")
_HUMAN_ATTRIBUTES = frozenset(
    {"title", "aria-label", "aria-description", "placeholder", "alt"}
)


@dataclass
class Walk:
    """What a walk over the admin found.

    visited: the URLs rendered, in order.
    untranslated: {url: messages shown in English there}.
    errors: {url: status} for answers of 500 and above.
    multi_selects: {url: names of the <select multiple> fields there}.
    """

    visited: list[str] = field(default_factory=list)
    untranslated: dict[str, set[Msg]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    multi_selects: dict[str, list[str]] = field(default_factory=dict)


class _Text(HTMLParser):
    """The strings a person sees or hears on an HTML answer: text outside
    <script> and <style>, human attributes (title, aria-label, placeholder,
    alt, a button's value), the string leaves of JSON in <script
    type="application/json"> and in data-* attributes; and the names of
    multiple selects."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.strings: list[str] = []
        self.multi_selects: list[str] = []
        self._in: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style"):
            self._in.append(
                "json" if (attrs.get("type") or "").endswith("json") else tag
            )
        if tag == "select" and "multiple" in attrs:
            self.multi_selects.append(attrs.get("name") or attrs.get("id") or "?")
        for name, value in attrs.items():
            if not value:
                continue
            if name in _HUMAN_ATTRIBUTES or (
                name == "value" and attrs.get("type") in ("submit", "button")
            ):
                self.strings.append(value)
            elif name.startswith("data-") and value[:1] in "[{":
                self.strings += _json_strings(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._in:
            self._in.pop()

    def handle_data(self, data):
        if not self._in:
            self.strings.append(data)
        elif self._in[-1] == "json":
            self.strings += _json_strings(data)


def _json_strings(text: str) -> list[str]:
    """The string leaves of a JSON text that read as words for a person (with
    a capital letter or a space): identifiers such as "slug" or "tasks" in a
    block definition or a menu item are not shown."""
    try:
        value = json.loads(text)
    except ValueError:
        return []
    found: list[str] = []
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if item != item.lower() or " " in item.strip():
                found.append(item)
        elif isinstance(item, dict):
            stack += item.values()
        elif isinstance(item, list):
            stack += item
    return found


def visible_strings(content: str) -> tuple[list[str], list[str]]:
    """(the visible strings of an HTML answer, the names of its <select
    multiple> fields). JSON answers (choosers, autosave) are read for their
    string leaves, HTML inside them included."""
    parser = _Text()
    strings = _json_strings(content) if content[:1] in "[{" else []
    for piece in [content] if not strings else [s for s in strings if "<" in s]:
        parser.feed(piece)
    parser.close()
    return [*strings, *parser.strings], parser.multi_selects


@functools.cache
def english_msgids() -> frozenset[str]:
    """The msgids of every catalogue Django reads (Django's, each installed
    app's, LOCALE_PATHS) that have no Indonesian translation in the catalogue
    the admin uses. A visible string equal to one of them (or to it with a
    capital first letter, as labels show verbose names) is English left over.
    A msgid translated in one context and not in another (taggit's "slug"
    for a tag, Wagtail's for a page) is left out: the text cannot tell
    which one is shown."""
    translated = trans_real.translation(LANGUAGE)._catalog
    roots = [root for _name, root in catalogue_sources()]
    roots += [Path(p) for p in settings.LOCALE_PATHS]
    msgids: set[str] = set()
    done: set[str] = set()
    for root in roots:
        for language in ("en", "id", "id_ID"):
            po = root / language / "LC_MESSAGES" / "django.po"
            if not po.exists():
                continue
            for entry in polib.pofile(str(po)):
                if entry.obsolete or _PLACEHOLDER.search(entry.msgid):
                    continue
                key = (
                    f"{entry.msgctxt}\x04{entry.msgid}"
                    if entry.msgctxt
                    else entry.msgid
                )
                if entry.msgid_plural:
                    key = (key, 0)
                (done if translated.get(key) else msgids).add(entry.msgid)
    return frozenset(m for m in msgids - done if len(re.sub(r"[\W\d_]", "", m)) >= 2)


def catalogue_sources() -> list[tuple[str, Path]]:
    """(name, locale directory) of Django's own catalogue and of every
    installed app's: Wagtail's apps, django.contrib's, allauth, taggit."""
    import django

    sources = [("django", Path(django.__file__).parent / "conf" / "locale")]
    sources += [(app.name, Path(app.path) / "locale") for app in apps.get_app_configs()]
    return sources


def catalogue_untranslated(
    *, domain: str = "django", sources: list[tuple[str, Path]] | None = None
) -> list[tuple[str, Msg]]:
    """Every message of the English catalogues (`<source>/en/LC_MESSAGES/
    <domain>.po`) of `sources` (default `catalogue_sources()`) that
    Indonesian leaves in English: singular and plural, with or without
    placeholders or a context. Returns sorted (source name, Msg) pairs.

    "django" messages are looked up as the admin does, with Indonesian
    active, through gettext, ngettext, pgettext and npgettext (the catalogue
    merged from the apps, Wagtail's id_ID and LOCALE_PATHS); "djangojs" ones
    through the catalogue Django's JavaScriptCatalog builds for that app. A
    message counts as translated if the answer differs from the English or
    the catalogue holds an Indonesian text that happens to be the same word
    (Alias, slug)."""
    found = []
    with translation.override(LANGUAGE):
        for name, root in sources if sources is not None else catalogue_sources():
            po = root / "en" / "LC_MESSAGES" / f"{domain}.po"
            if not po.exists():
                continue
            if domain == "django":
                catalogue = trans_real.translation(LANGUAGE)
                lookups = translation
            else:
                catalogue = trans_real.DjangoTranslation(
                    LANGUAGE, domain=domain, localedirs=[root]
                )
                lookups = catalogue
            for entry in polib.pofile(str(po)):
                if entry.obsolete or not entry.msgid:
                    continue
                if not _indonesian(entry, lookups, catalogue._catalog):
                    msg = Msg(entry.msgid, entry.msgctxt or "", entry.msgid_plural)
                    found.append((name, msg))
    return sorted(set(found))


def _indonesian(entry: polib.POEntry, lookups, catalog) -> bool:
    """Does `lookups` (django.utils.translation or a DjangoTranslation)
    answer `entry` in Indonesian, for one and for many where it has a
    plural?"""
    context, msgid, plural = entry.msgctxt, entry.msgid, entry.msgid_plural
    if plural:
        answers = [
            lookups.npgettext(context, msgid, plural, n)
            if context
            else lookups.ngettext(msgid, plural, n)
            for n in (1, 3)
        ]
        english = [msgid, plural]
    else:
        answers = [
            lookups.pgettext(context, msgid) if context else lookups.gettext(msgid)
        ]
        english = [msgid]
    if answers != english:
        return True
    key = f"{context}\x04{msgid}" if context else msgid
    return bool(catalog.get((key, 0) if plural else key))


def english_shown(strings: list[str]) -> set[Msg]:
    """The visible strings that are untranslated msgids (`english_msgids`)."""
    english = english_msgids()
    found = set()
    for string in strings:
        text = " ".join(string.split())
        if not text:
            continue
        for candidate in (text, text[:1].lower() + text[1:]):
            if candidate in english:
                found.add(Msg(msgid=candidate))
    return found


def _walk_key(url: str):
    """Screens of one kind share a key: the URL's view and its non-numeric
    arguments, and for a page the page's type."""
    from wagtail.models import Page

    try:
        match = resolve(urlsplit(url).path)
    except Resolver404:
        return None
    kind = tuple(
        sorted((k, str(v)) for k, v in match.kwargs.items() if not str(v).isdigit())
    )
    page_id = next(
        (
            match.kwargs[k]
            for k in ("page_id", "parent_page_id", "pk")
            if k in match.kwargs and "page" in (match.view_name or "")
        ),
        None,
    )
    if page_id is None and match.view_name == "wagtailadmin_explore":
        page_id = match.kwargs.get("parent_page_id")
    if page_id is not None and str(page_id).isdigit():
        kind += (
            (
                "type",
                Page.objects.filter(pk=page_id)
                .values_list("content_type_id", flat=True)
                .first(),
            ),
        )
    return (match.view_name, kind)


def _render(client: Client, screen: Screen):
    """(status, content type, text or "", untranslated messages looked up)."""
    headers = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"} if screen.ajax else {}
    if screen.json:
        headers["HTTP_ACCEPT"] = "application/json"
    with translation.override(LANGUAGE), untranslated_recording() as recorder:
        client.cookies["django_language"] = LANGUAGE
        if screen.data is None:
            response = client.get(screen.url, **headers)
        else:
            response = client.post(screen.url, screen.data, **headers)
        content_type = response.get("Content-Type", "")
        if response.streaming:
            # Read through the test client's wrapper, which closes the
            # response without closing the database connection.
            for _chunk in response.streaming_content:
                pass
            content = ""
        elif not content_type.startswith(_SCREEN_TYPES):
            content = ""
        else:
            content = response.content.decode("utf-8", "replace")
    return response.status_code, content_type, content, recorder.missing


def admin_walk(
    *,
    user,
    start: tuple[str, ...] = ("/admin/",),
    per_kind: int = 2,
    limit: int = 1500,
) -> Walk:
    """Walk the admin as `user` in Indonesian, from `start`, following every
    /admin/ URL in the answers (links, form actions, data attributes,
    chooser and menu JSON), at most `per_kind` screens of each kind
    (`_walk_key`) and `limit` screens in all. Each screen is checked for
    messages shown untranslated (looked up through gettext with no
    Indonesian, or equal to an untranslated msgid), answers of 500 and above,
    and <select multiple> fields."""
    client = Client(HTTP_HOST=_host())
    client.force_login(user)
    walk = Walk()
    seen: set[str] = set()
    per: dict = {}
    queue = list(start)
    while queue and len(walk.visited) < limit:
        url = queue.pop(0)
        if url in seen or _NOT_SCREENS.search(urlsplit(url).path):
            continue
        seen.add(url)
        key = _walk_key(url)
        if key is None or per.get(key, 0) >= per_kind:
            continue
        per[key] = per.get(key, 0) + 1
        walk.visited.append(url)
        status, _type, content, missing = _render(client, Screen(url, url))
        if status >= 500:
            walk.errors[url] = status
        if not content:
            continue
        strings, multi = visible_strings(content)
        text = "\n".join(strings)
        shown = {m for m in missing if msgid_shown(m.msgid, text)}
        shown |= english_shown(strings)
        if shown:
            walk.untranslated[url] = shown
        if multi:
            walk.multi_selects[url] = multi
        for match in _ADMIN_LINK.finditer(html.unescape(content)):
            link = match.group(1)
            if link not in seen:
                queue.append(link)
    return walk


def _host() -> str:
    return next(
        (h for h in settings.ALLOWED_HOSTS if h and not h.startswith((".", "*"))),
        "testserver",
    )
