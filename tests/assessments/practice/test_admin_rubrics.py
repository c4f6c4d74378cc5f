"""Rubrics in the admin: trainers create them (and are recorded as their
author), anyone with the permission chooses any rubric, only the author or
a trainer of every task using it changes or deletes it, and a rubric a task
uses is never deleted."""

import pytest
from django.contrib.messages import get_messages
from django.utils import translation
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from assessments.models import Rubric, RubricCriterion
from assessments.practice.rubrics import rubrics_choosable_by, rubrics_editable_by
from tests.factories import course_trainer, trainee
from tests.factories.courses import course_tree
from tests.factories.practice import rubric, task_in

pytestmark = pytest.mark.django_db

ADD = "/admin/snippets/assessments/rubric/add/"
EDIT = "/admin/snippets/assessments/rubric/edit/{}/"
DELETE = "/admin/snippets/assessments/rubric/delete/{}/"
LIST = "/admin/snippets/assessments/rubric/"
CHOOSE = "/admin/snippets/choose/assessments/rubric/"
CHOSEN = "/admin/snippets/choose/assessments/rubric/chosen/{}/"
REFUSED = "Maaf, Anda tidak memiliki izin untuk mengakses area ini."


def _levels(*points):
    return streamfield(
        [
            ("level", {"title": f"Level {n}", "points": str(p), "descriptor": "Isi"})
            for n, p in enumerate(points, 1)
        ]
    )


def rubric_form(title="Rubrik caption", criteria=(("CTA jelas", (0, 1, 2)),)):
    return nested_form_data(
        {
            "title": title,
            "description": "",
            "pass_percent": "60",
            "no_lowest_level": "on",
            "criteria": inline_formset(
                [
                    {
                        "title": name,
                        "description": "",
                        "levels": _levels(*points),
                        "comment_bank": "Bagus.\nPerbaiki CTA.",
                    }
                    for name, points in criteria
                ],
                min=1,
            ),
        }
    )


def _messages(response) -> list[str]:
    return [str(m).strip() for m in get_messages(response.wsgi_request)]


@pytest.fixture
def world(home):
    course_a = course_tree(modules=1, lessons=1, title="Kursus A")
    course_b = course_tree(modules=1, lessons=1, title="Kursus B")
    trainer_a, trainer_b = course_trainer(course_a), course_trainer(course_b)
    rubric_a = rubric("Rubrik A")
    task_a = task_in(course_a, rubric_=rubric_a)
    return {
        "course_a": course_a,
        "course_b": course_b,
        "trainer_a": trainer_a,
        "trainer_b": trainer_b,
        "rubric_a": rubric_a,
        "task_a": task_a,
    }


def test_a_trainer_creates_a_rubric_and_is_recorded_as_its_author(world, client):
    client.force_login(world["trainer_b"])
    response = client.post(
        ADD,
        rubric_form(criteria=(("CTA jelas", (0, 1, 2)), ("Tagar", (0, 2, 3, 4)))),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    made = Rubric.objects.get(title="Rubrik caption")
    assert made.created_by == world["trainer_b"]
    criteria = list(made.criteria.order_by("sort_order"))
    assert [c.title for c in criteria] == ["CTA jelas", "Tagar"]
    assert [row["points"] for row in criteria[1].level_rows()] == [0, 2, 3, 4]
    assert criteria[0].comments() == ["Bagus.", "Perbaiki CTA."]
    # The author may change it though no task of theirs uses it.
    assert made in rubrics_editable_by(user=world["trainer_b"])
    assert made not in rubrics_editable_by(user=world["trainer_a"])


def test_levels_whose_points_go_down_are_refused_naming_the_criterion(world, client):
    client.force_login(world["trainer_b"])
    client.cookies["django_language"] = "id"
    response = client.post(ADD, rubric_form(criteria=(("CTA jelas", (2, 1, 0)),)))
    text = response.content.decode()
    assert response.status_code == 200
    assert (
        "Kriteria “CTA jelas”: urutkan levelnya dari yang terendah ke yang "
        "tertinggi, dengan poin yang tidak pernah turun (sekarang 2, 1, 0)."
    ) in text
    assert not Rubric.objects.filter(title="Rubrik caption").exists()


def test_a_criterion_with_one_level_is_refused(world, client):
    criteria = RubricCriterion.objects.count()
    client.force_login(world["trainer_b"])
    client.cookies["django_language"] = "id"
    response = client.post(ADD, rubric_form(criteria=(("Satu level", (1,)),)))
    assert response.status_code == 200
    assert not Rubric.objects.filter(title="Rubrik caption").exists()
    assert RubricCriterion.objects.count() == criteria


def test_the_trainer_of_the_only_task_using_a_rubric_edits_it(world, client):
    client.force_login(world["trainer_a"])
    response = client.post(
        EDIT.format(world["rubric_a"].pk),
        rubric_form(title="Rubrik A baru", criteria=(("Judul", (0, 1, 2)),)),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    world["rubric_a"].refresh_from_db()
    assert world["rubric_a"].title == "Rubrik A baru"
    assert world["rubric_a"].created_by is None  # editing does not take it over


def test_another_trainer_cannot_edit_your_rubric_but_can_choose_it(world, client):
    rubric_a = world["rubric_a"]
    client.force_login(world["trainer_b"])
    client.cookies["django_language"] = "id"
    response = client.post(
        EDIT.format(rubric_a.pk), rubric_form(title="Diambil alih"), follow=True
    )
    assert _messages(response) == [REFUSED]
    rubric_a.refresh_from_db()
    assert rubric_a.title == "Rubrik A"
    response = client.post(DELETE.format(rubric_a.pk), follow=True)
    assert _messages(response) == [REFUSED]
    assert Rubric.objects.filter(pk=rubric_a.pk).exists()
    # ...but lists and chooses it: rubrics are reusable.
    listing = client.get(LIST).content.decode()
    assert "Rubrik A" in listing
    assert EDIT.format(rubric_a.pk) not in listing
    assert client.get(CHOOSE).status_code == 200
    assert "Rubrik A" in client.get(CHOOSE).content.decode()
    assert client.get(CHOSEN.format(rubric_a.pk)).status_code == 200
    assert rubric_a in rubrics_choosable_by(user=world["trainer_b"])


def test_once_another_course_reuses_a_rubric_its_old_trainer_may_not_edit_it(world):
    """Used by tasks outside one's scope: only the author (or a superuser)
    may change it, since it now also decides how the other course passes."""
    task_in(world["course_b"], rubric_=world["rubric_a"], slug="tugas-b")
    assert world["rubric_a"] not in rubrics_editable_by(user=world["trainer_a"])
    assert world["rubric_a"] not in rubrics_editable_by(user=world["trainer_b"])
    author = world["trainer_b"]
    Rubric.objects.filter(pk=world["rubric_a"].pk).update(created_by=author)
    assert world["rubric_a"] in rubrics_editable_by(user=author)


def test_trainees_have_no_rubrics(world, client):
    person = trainee()
    assert not rubrics_choosable_by(user=person).exists()
    assert not rubrics_editable_by(user=person).exists()
    client.force_login(person)
    assert client.get(LIST).status_code == 302
    assert client.get(CHOOSE).status_code == 302


def test_a_rubric_used_by_a_task_is_not_deleted_and_the_message_says_why(world, client):
    client.force_login(world["trainer_a"])
    client.cookies["django_language"] = "id"
    expected = (
        "“Rubrik A” tidak dapat dihapus: ada data lain yang bergantung padanya "
        "(Tugas praktik: 1). Tidak ada yang dihapus."
    )
    for method in (client.get, client.post):
        response = method(DELETE.format(world["rubric_a"].pk), follow=True)
        assert response.redirect_chain[0][0] == LIST
        assert _messages(response) == [expected]
    assert Rubric.objects.filter(pk=world["rubric_a"].pk).exists()
    assert world["rubric_a"].criteria.count() == 2


def test_the_author_deletes_an_unused_rubric(world, client):
    unused = rubric("Rubrik lepas", created_by=world["trainer_b"])
    client.force_login(world["trainer_b"])
    response = client.post(DELETE.format(unused.pk))
    assert response.status_code == 302
    assert not Rubric.objects.filter(pk=unused.pk).exists()
    assert not RubricCriterion.objects.filter(rubric_id=unused.pk).exists()


def test_the_rubric_menu_item_is_indonesian(world, client):
    client.force_login(world["trainer_a"])
    client.cookies["django_language"] = "id"
    with translation.override("id"):
        page = client.get("/admin/").content.decode()
    assert "Rubrik" in page
    assert LIST in page


def test_the_rubric_listing_and_chooser_search_titles_in_the_database(world, client):
    """Like the question bank: a search never reaches the full-text
    backend (SQLite's cannot search within the scope's ids), so odd input
    is just text."""
    rubric("Rubrik teh")
    client.force_login(world["trainer_b"])
    for url in (LIST, CHOOSE, CHOOSE + "results/"):
        for query in ("'; DROP TABLE x; --", '"Rubrik" OR -teh* ^2 (NEAR) {'):
            assert client.get(url, {"q": query}).status_code == 200, (url, query)
        page = client.get(url, {"q": "Rubrik A"}).content.decode()
        assert "Rubrik A" in page, url
        assert "Rubrik teh" not in page, url
