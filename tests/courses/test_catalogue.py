import pytest

from courses.models import LearningPath, LearningPathCourse
from courses.services import enrollment_create
from tests.factories.courses import course_tree

pytestmark = pytest.mark.django_db


@pytest.fixture
def courses():
    ads = course_tree(title="Iklan Facebook", skill="advertising")
    copy = course_tree(title="Menulis Caption", skill="copywriting")
    money = course_tree(title="Buku Kas", skill="finance")
    path = LearningPath.objects.create(
        title="Jalur Advertiser", slug="advertiser", role="advertiser"
    )
    LearningPathCourse.objects.create(path=path, course=copy, sort_order=0)
    LearningPathCourse.objects.create(path=path, course=ads, sort_order=1)
    return ads, copy, money


def _titles(client, query=""):
    body = client.get(f"/kursus/{query}").content.decode()
    return [
        t for t in ("Iklan Facebook", "Menulis Caption", "Buku Kas") if t in body
    ], body


def test_catalogue_lists_every_live_course(client, courses):
    courses[2].unpublish()
    titles, _ = _titles(client)
    assert titles == ["Iklan Facebook", "Menulis Caption"]


def test_catalogue_filters_by_skill(client, courses):
    titles, _ = _titles(client, "?keahlian=finance")
    assert titles == ["Buku Kas"]


def test_catalogue_filters_by_path_in_path_order(client, courses):
    _, body = _titles(client, "?jalur=advertiser")
    assert "Buku Kas" not in body
    assert body.index("Menulis Caption") < body.index("Iklan Facebook")


def test_unknown_filters_are_ignored(client, courses):
    titles, _ = _titles(client, "?keahlian=sulap&jalur=tidak-ada")
    assert len(titles) == 3


def test_catalogue_marks_my_enrollments(client, courses, a_trainee):
    enrollment_create(user=a_trainee, course=courses[0])
    client.force_login(a_trainee)
    _, body = _titles(client)
    assert body.count('class="tag tag--ok">Terdaftar') == 1
