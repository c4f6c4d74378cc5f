"""Every admin listing answers a search, on SQLite and on PostgreSQL.

The walk finds the listings itself: every route under `admin/` whose view
is a Wagtail listing (`BaseListingView`: snippet and ModelViewSet indexes,
reports, users, groups, the page explorer and page search) or a chooser
(snippet, image, document, page and task choosers). A route that takes
ids gets them from KWARG_TARGETS; an unknown id kwarg fails
`test_every_listing_route_is_walked`, so a listing added later is searched
as soon as it exists (or the test says what to add). Each listing is called
as a superuser with every query in QUERIES (a word, a NUL byte, a very long
query, characters that mean something to SQL LIKE and to full-text query
syntax) and must answer 200 (or 302 where it redirects).

CI runs this module on SQLite and again on PostgreSQL (`DATABASE_URL`)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from wagtail.admin.views.generic.base import BaseListingView
from wagtail.admin.views.generic.chooser import BaseChooseView
from wagtail.models import Page, Workflow

from assessments.importers import parse
from assessments.importers.write import questions_import
from assessments.models import Accommodation, Question, RegradeJob
from tests.factories import UserFactory, trainee
from tests.factories.assessments import category, question, quiz_in
from tests.factories.cohorts import cohort_with
from tests.factories.courses import course_tree

pytestmark = pytest.mark.django_db

QUERIES = [
    "kopi",
    "kop",
    "kopi\x00tubruk",
    "kopi " * 400,
    "50% _kopi_ \\",
    '"kopi" OR -susu* ^2 (NEAR) {text name}: kopi',
    "'; DROP TABLE x; --",
]


def _listing_view(callback) -> bool:
    view_class = getattr(callback, "view_class", None)
    if view_class is None:
        # The page viewset routes through one function; its listings are
        # the explorer and the search, named below.
        return False
    return issubclass(view_class, BaseListingView | BaseChooseView) or (
        view_class.__module__ == "wagtail.admin.views.chooser"
        and view_class.__name__ in ("BrowseView", "SearchView")
    )


PAGE_LISTINGS = {"wagtailadmin_explore", "wagtailadmin_explore_results"}
PAGE_SEARCH = {"wagtailadmin_pages:search", "wagtailadmin_pages:search_results"}


def listing_routes() -> Iterator[tuple[str, str, URLPattern]]:
    """(route, url name, pattern) of every admin listing and chooser."""

    def walk(resolver, prefix, namespace):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else ""
                yield from walk(pattern, prefix + str(pattern.pattern), ns or namespace)
                continue
            route = prefix + str(pattern.pattern)
            if not route.startswith("admin/"):
                continue
            name = f"{namespace}{pattern.name}" if pattern.name else ""
            if (
                _listing_view(pattern.callback)
                or name in PAGE_LISTINGS
                or name in PAGE_SEARCH
            ):
                yield route, name, pattern

    yield from walk(get_resolver(), "", "")


class World:
    """Something of every kind to find: pages, questions, a quiz, an
    accommodation, a regrade, a cohort."""

    def __init__(self):
        self.course = course_tree(modules=1, lessons=1, title="Kopi Desa")
        kopi = question("single", text="Harga kopi tubruk?", cat=category("Kopi"))
        self.quiz = quiz_in(self.course, [kopi, question("numeric")])
        learner = trainee()
        self.accommodation = Accommodation.objects.create(
            quiz=self.quiz, user=learner, extra_minutes=5, note="kopi"
        )
        self.regrade = RegradeJob.objects.create(question=kopi)
        self.cohort = cohort_with(code="kopi-1", courses=[self.course])
        self.superuser = UserFactory(is_superuser=True, is_staff=True)


def _pages(world) -> list[int]:
    return list(Page.objects.values_list("pk", flat=True))


# Values for each id kwarg of a listing route, from the world.
KWARG_TARGETS = {
    "parent_page_id": _pages,
    "page_id": lambda w: [w.quiz.pk],
    "pk": None,  # the object of the route's own model (see _model_ids)
    "image_id": lambda w: [],  # no images in the world: nothing to list
    "document_id": lambda w: [],
    "content_type_app_name": None,  # page type usage: every page model
    "content_type_model_name": None,
}


# Listings whose `pk` is not the id of the model they list.
PK_MODELS = {"wagtailadmin_workflows:usage": Workflow}


def _model_ids(name: str, pattern: URLPattern, world) -> list[int]:
    model = PK_MODELS.get(name.removesuffix("_results"))
    if model is None:
        model = getattr(pattern.callback, "view_initkwargs", {}).get("model")
    if model is None:
        model = getattr(pattern.callback.view_class, "model", None)
    if model is None:
        return []
    return list(model._default_manager.values_list("pk", flat=True)[:3])


def _urls(route: str, name: str, pattern: URLPattern, world) -> list[str]:
    keys = set(pattern.pattern.converters)
    if not keys:
        return ["/" + route]
    if keys == {"content_type_app_name", "content_type_model_name"}:
        return [
            "/"
            + route.replace("<slug:content_type_app_name>", "assessments").replace(
                "<slug:content_type_model_name>", "quizpage"
            )
        ]
    if len(keys) != 1:
        return []
    (key,) = keys
    target = KWARG_TARGETS[key]
    ids = _model_ids(name, pattern, world) if target is None else target(world)
    converter = pattern.pattern.converters[key]
    token = f"<{'int' if converter.regex == '[0-9]+' else 'str'}:{key}>"
    return ["/" + route.replace(token, str(pk)) for pk in ids]


def test_every_listing_route_is_walked():
    unknown = {
        route: sorted(pattern.pattern.converters)
        for route, _name, pattern in listing_routes()
        if not set(pattern.pattern.converters) <= KWARG_TARGETS.keys()
    }
    assert unknown == {}
    routes = {route for route, _name, _pattern in listing_routes()}
    # The walk sees the listings the issue named and the custom ones.
    assert {
        "admin/snippets/assessments/question/",
        "admin/snippets/choose/assessments/question/",
        "admin/pages/<int:parent_page_id>/",
        "admin/pages/search/",
        "admin/users/",
        "admin/angkatan/",
        "admin/certificate_admin/",
        "admin/reports/site-history/",
        "admin/choose-page/search/",
    } <= routes


def test_every_admin_listing_answers_every_search(client):
    world = World()
    client.force_login(world.superuser)
    client.raise_request_exception = False  # collect every failure, then say
    failures = []
    called = 0
    for route, name, pattern in listing_routes():
        for url in _urls(route, name, pattern, world):
            for query in QUERIES:
                response = client.get(url, {"q": query})
                called += 1
                if response.status_code not in (200, 302):
                    failures.append((url, query[:30], response.status_code))
    assert failures == [], "\n".join(map(repr, failures))
    assert called > 100


def test_the_question_bank_finds_a_question_by_a_word_of_its_text(client):
    world = World()
    client.force_login(world.superuser)
    response = client.get("/admin/snippets/assessments/question/", {"q": "kopi"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Harga kopi tubruk?" in page
    assert "Soal numeric?" not in page


def test_the_question_chooser_finds_an_imported_question(client):
    """The importer writes questions in bulk (no per-row signals, so no
    search index entries): the quiz's question chooser still finds them."""
    gift = b"::Takaran:: Berapa gram kopi untuk satu cangkir? {#10:2}\n"
    questions_import(result=parse(gift, "gift"), source="kopi.gift")
    chosen = f"/choose/assessments/question/chosen/{Question.objects.get().pk}/"
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    for word in ("kopi", "cangkir", "KOPI", "takar"):
        response = client.get(
            "/admin/snippets/choose/assessments/question/results/", {"q": word}
        )
        assert response.status_code == 200
        assert chosen in response.content.decode(), word
    response = client.get(
        "/admin/snippets/choose/assessments/question/results/", {"q": "teh"}
    )
    assert chosen not in response.content.decode()
