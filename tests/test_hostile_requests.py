"""Hostile query strings and odd ids in paths, from every kind of visitor
(anonymous, the learner, a stranger trainee, the trainer, the manager): each
gets a page, a redirect or a 404, never a 500."""

import pytest
from django.urls import reverse

from tests.factories import trainee
from tests.support.visitors import visitor_clients as _clients
from tests.support.visitors import visitors_world

pytestmark = pytest.mark.django_db

HOSTILE = [
    "\x00",
    "1\x00",
    "9" * 40,
    "-1",
    "abc",
    "²",
    "\u0661",
    "\uff19\uff19",
    "1e999999",
    "' OR 1=1 --",
    "x" * 10_000,
]


@pytest.fixture
def world(home, a_trainer, a_manager):
    """One visitor of each kind (tests/support/visitors.py)."""
    return visitors_world(trainer=a_trainer, manager=a_manager)


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_query_strings_never_500(world, value):
    urls = [
        "/",
        reverse("assessments:marking"),
        reverse("assessments:stats", args=[world["quiz"].pk]),
        reverse("assessments:result", args=[world["attempt"].pk]),
        reverse("courses:my_learning"),
        reverse("courses:withdraw_confirm", args=[world["course"].pk]),
        reverse("certificates:name"),
    ]
    for who, client in _clients(world).items():
        for url in urls:
            for param in ("cohort", "tab", "page", "next"):
                response = client.get(url, {param: value})
                assert response.status_code in (200, 302, 404), (who, url, param)


@pytest.mark.parametrize(
    "path",
    [
        "/kursus/abc/berhenti/",
        "/kursus/99999999999999999999999999/berhenti/",
        "/kursus/9223372036854775807/berhenti/",
        "/kuis/percobaan/9223372036854775807/hasil/",
        "/kuis/percobaan/99999999999999999999999999/hasil/",
    ],
)
def test_odd_ids_in_paths_are_404(world, path):
    for client in _clients(world).values():
        assert client.get(path).status_code in (302, 404)
        assert client.post("/aksi" + path).status_code in (302, 404, 405)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["courses:lesson_done", "assessments:start"])
def test_a_page_id_too_large_for_the_database_is_a_404(client, name):
    """The mark-done and quiz-start buttons post to /<id>/ URLs; an id past
    the database's integer range (SQLite: 2**63 - 1) is not found, not a
    500 (the attempt URLs already answer 404 for it)."""
    user = trainee()
    client.force_login(user)
    response = client.post(reverse(name, args=[10**20]))
    assert response.status_code == 404
