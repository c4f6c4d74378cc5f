"""Belajarku lists as the trainee's only the learning paths their courses
point to, and sends them to the catalogue for the rest."""

import re

import pytest
from django.urls import reverse

from courses.models import LearningPath, LearningPathCourse
from courses.seed import course_index_ensure
from courses.selectors import PathCard, paths_of_trainee
from courses.services import enrollment_create
from tests.factories.courses import course_tree

pytestmark = pytest.mark.django_db

# The seed's four paths (content/seed/paths.yaml), by course slug.
SEED_PATHS = {
    "customer-service": ["cakap", "dasar", "copy", "cs", "uang"],
    "advertiser": ["cakap", "dasar", "riset", "copy", "iklan", "uang"],
    "admin-media-sosial": ["cakap", "dasar", "copy", "admin", "uang"],
    "toko-online-desa": ["cakap", "riset", "copy", "uang", "toko"],
}


@pytest.fixture
def seeded(home):
    course_index_ensure(home=home)
    slugs = sorted({s for path in SEED_PATHS.values() for s in path})
    courses = {slug: course_tree(modules=1, lessons=1, slug=slug) for slug in slugs}
    for title, members in SEED_PATHS.items():
        path = LearningPath.objects.create(
            title=f"Jalur {title}", slug=title, role="advertiser"
        )
        for order, slug in enumerate(members):
            LearningPathCourse.objects.create(
                path=path, course=courses[slug], sort_order=order
            )
    return courses


def _listed_paths(client, user) -> list[str]:
    client.force_login(user)
    body = client.get(reverse("courses:my_learning")).content.decode()
    return re.findall(r'<h3 id="path-\d+">(.*?)</h3>', body), body


def test_a_trainee_in_the_shared_first_course_is_not_given_four_paths(
    client, a_trainee, seeded
):
    enrollment_create(user=a_trainee, course=seeded["cakap"])
    listed, body = _listed_paths(client, a_trainee)
    assert listed == []
    assert "Kursus Anda termasuk dalam 4 jalur belajar." in body
    assert "Lihat jalur belajar di katalog" in body


def test_a_course_of_two_paths_lists_those_two(client, a_trainee, seeded):
    enrollment_create(user=a_trainee, course=seeded["riset"])
    listed, body = _listed_paths(client, a_trainee)
    assert listed == ["Jalur advertiser", "Jalur toko-online-desa"]
    assert "Kursus Anda juga termasuk dalam" not in body


def test_a_cohort_on_one_path_sees_that_path_and_a_link_for_the_rest(
    client, a_trainee, seeded
):
    for slug in SEED_PATHS["customer-service"]:
        enrollment_create(user=a_trainee, course=seeded[slug])
    listed, body = _listed_paths(client, a_trainee)
    assert listed == ["Jalur customer-service"]
    assert "Kursus Anda juga termasuk dalam 3 jalur belajar lain." in body


def _card(n: int) -> PathCard:
    return PathCard(pk=n, title=f"P{n}", slug=f"p{n}", summary="")


@pytest.mark.parametrize(
    ("paths", "mine", "expected"),
    [
        ([[1, 2]], {1}, [0]),  # the only path is the trainee's
        ([[1, 2], [1, 3]], {1}, []),  # nothing tells them apart
        ([[1, 2], [1, 3]], {1, 3}, [1]),
        ([[1, 2], [1, 3], [4]], {1}, [0, 1]),
        ([[1, 2], [3]], {9}, []),  # no path holds their course
        ([], {1}, []),
    ],
)
def test_the_rule_for_every_shape_of_paths(paths, mine, expected):
    given = [(_card(i), ids) for i, ids in enumerate(paths)]
    chosen = paths_of_trainee(given, courses=mine)
    assert [card.pk for card, _ids in chosen] == expected
