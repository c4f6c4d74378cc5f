"""Every admin chooser and listing URL (found by walking the URL resolver), as
a program manager and as a trainer of another course: none lists, searches or
returns course B's question text. A new chooser or listing is walked without
anyone adding it here."""

import pytest
from django.urls import reverse

from tests.assessments.test_staff_scope_walk import _walk, world  # noqa: F401
from tests.factories import program_manager

pytestmark = pytest.mark.django_db

SECRET = "Soal B?"
LISTING_NAMES = {
    "choose",
    "choose_results",
    "chosen",
    "chosen_multiple",
    "list",
    "list_results",
    "index",
    "index_results",
}


def listing_urls(world) -> list[str]:  # noqa: F811
    """Every chooser/listing URL of the snippet viewsets and choosers, aimed
    at course B's question where a URL takes an object."""
    question_b = world["question_b"]
    urls = []
    for _route, name, args in _walk():
        namespace, _, short = name.rpartition(":")
        if short not in LISTING_NAMES or not namespace:
            continue
        if not namespace.startswith(("wagtailsnippet", "wagtailadmin", "wagtail")):
            continue
        if args - {"pk"}:
            continue
        if args:
            if "question" not in namespace:
                continue
            urls.append(reverse(name, kwargs={"pk": question_b.pk}))
            continue
        url = reverse(name)
        urls.append(url)
        if short == "chosen_multiple":
            urls[-1] = f"{url}?id={question_b.pk}"
        elif short in ("choose", "choose_results", "list_results", "index_results"):
            urls.append(f"{url}?q=Soal")  # not SECRET: the box echoes it
    return urls


@pytest.mark.parametrize("who", ["manager", "trainer_a"])
def test_no_admin_chooser_or_listing_leaks_another_courses_questions(
    client,
    world,  # noqa: F811
    who,
):
    user = program_manager() if who == "manager" else world["trainer_a"]
    client.force_login(user)
    urls = listing_urls(world)
    choosers = [u for u in urls if "snippets/choose/assessments/question/" in u]
    assert choosers, "the walker found no question chooser"
    leaks = []
    for url in urls:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="id")
        assert response.status_code < 500, url
        if SECRET in response.content.decode(errors="replace"):
            leaks.append(url)
    assert leaks == []


def test_the_question_chooser_still_lists_a_trainers_own_questions(
    client,
    world,  # noqa: F811
):
    client.force_login(world["trainer_a"])
    url = reverse("wagtailsnippetchoosers_assessments_question:choose")
    assert "Soal single" in client.get(url).content.decode()
