"""The practical task's admin form: a trainer adds a task under a module
with any rubric and exemplars, and the form refuses a task nobody could
hand anything in for, ranges upside down and exemplar levels that do not
fit the rubric, each with a sentence in Indonesian. Accommodations name a
quiz or a task."""

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from assessments.models import Accommodation, TaskExemplar, TaskPage
from courses.models import ModulePage
from courses.services import enrollment_create
from lms.accounts.roles import TRAINERS
from tests.factories import UserFactory, course_trainer, trainee
from tests.factories.courses import course_tree
from tests.factories.practice import rubric, task_in

pytestmark = pytest.mark.django_db

ACCOMMODATION_ADD = "/admin/snippets/assessments/accommodation/add/"


@pytest.fixture
def world(home):
    course = course_tree(modules=1, lessons=1, title="Kursus A")
    other = course_tree(modules=1, lessons=1, title="Kursus B")
    # A rubric another trainer made for course B: reusable all the same.
    shared = rubric("Rubrik bersama", created_by=UserFactory(role=TRAINERS))
    task_in(other, rubric_=shared, slug="tugas-b")
    return {
        "course": course,
        "module": ModulePage.objects.child_of(course).get(),
        "trainer": course_trainer(course),
        "shared": shared,
    }


def _add_url(module) -> str:
    return reverse(
        "wagtailadmin_pages:add", args=["assessments", "taskpage", module.pk]
    )


def task_form(rubric_pk, *, exemplars=(), **fields) -> dict:
    data = {
        "title": "Tugas caption kopi",
        "slug": "tugas-caption-kopi",
        "brief": {"count": "0"},
        "rubric": str(rubric_pk),
        "accepts_text": "on",
        "text_min_words": "10",
        "text_max_words": "200",
        "photos_min": "0",
        "photos_max": "1",
        "due_days": "3",
        "due_on": "",
        "resubmissions": "",
        "required": "on",
        "exemplars": inline_formset(
            [
                {
                    "title": title,
                    "quality": quality,
                    "text": "Kopi robusta Kepahiang.",
                    "image": "",
                    "levels": levels,
                    "comment": "",
                }
                for title, quality, levels in exemplars
            ]
        ),
    }
    data.update(fields)
    return nested_form_data({k: v for k, v in data.items() if v is not None})


def _post(client, world, **kwargs):
    client.force_login(world["trainer"])
    client.cookies["django_language"] = "id"
    return client.post(
        _add_url(world["module"]), task_form(world["shared"].pk, **kwargs)
    )


def test_a_trainer_adds_a_task_with_another_trainers_rubric_and_exemplars(
    world, client
):
    response = _post(
        client,
        world,
        exemplars=[("Contoh baik", "good", "3, 3"), ("Contoh lemah", "weak", "1,2")],
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    task = TaskPage.objects.get(slug="tugas-caption-kopi")
    assert task.get_parent().pk == world["module"].pk
    assert task.rubric_id == world["shared"].pk
    assert task.parts() == ["text", "photos"]
    assert [(e.title, e.levels) for e in task.exemplars.order_by("sort_order")] == [
        ("Contoh baik", "3, 3"),
        ("Contoh lemah", "1,2"),
    ]
    world["shared"].refresh_from_db()
    assert world["shared"].title == "Rubrik bersama"  # choosing changes nothing


def test_the_rubric_field_offers_every_rubric(world):
    own = rubric("Rubrik sendiri", created_by=world["trainer"])
    form_class = TaskPage.get_edit_handler().get_form_class()
    form = form_class(
        instance=TaskPage(), for_user=world["trainer"], parent_page=world["module"]
    )
    assert set(form.fields["rubric"].queryset) == {world["shared"], own}


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"accepts_text": None, "photos_max": "0"},
            "Peserta tidak bisa mengirim apa pun: nyalakan teks, pesan suara, "
            "tautan atau berkas PDF, atau izinkan paling sedikit satu foto.",
        ),
        (
            {"photos_min": "3", "photos_max": "2"},
            "Paling sedikit 3 foto, tetapi paling banyak 2: naikkan batas "
            "terbanyak atau turunkan batas tersedikit.",
        ),
        (
            {"text_min_words": "300", "text_max_words": "100"},
            "Paling sedikit 300 kata, tetapi paling banyak 100: naikkan batas "
            "terbanyak atau turunkan batas tersedikit.",
        ),
    ],
)
def test_impossible_submission_rules_are_refused(world, client, fields, message):
    response = _post(client, world, **fields)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not TaskPage.objects.filter(slug="tugas-caption-kopi").exists()


def test_only_a_voice_note_or_no_due_rule_is_fine(world, client):
    response = _post(
        client,
        world,
        accepts_text=None,
        photos_max="0",
        accepts_voice="on",
        due_days="",
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    task = TaskPage.objects.get(slug="tugas-caption-kopi")
    assert task.parts() == ["voice"]
    assert (task.due_days, task.due_on) == (None, None)


@pytest.mark.parametrize(
    ("levels", "message"),
    [
        (
            "3, 3, 3",
            "Contoh “Contoh baik” memberi 3 level, padahal rubriknya punya 2 "
            "kriteria: beri satu level untuk setiap kriteria, sesuai urutan.",
        ),
        (
            "3, 4",
            "Contoh “Contoh baik”: kriteria “CTA jelas” punya level 1 sampai 3, "
            "bukan 4.",
        ),
        (
            "0, 2",
            "Contoh “Contoh baik”: kriteria “Judul jelas” punya level 1 sampai 3, "
            "bukan 0.",
        ),
        (
            "baik, 2",
            "Contoh “Contoh baik”: tulis levelnya sebagai bilangan bulat yang "
            "dipisah koma, misalnya 3, 2, 3.",
        ),
    ],
)
def test_exemplar_levels_that_do_not_fit_the_rubric_are_refused(
    world, client, levels, message
):
    response = _post(client, world, exemplars=[("Contoh baik", "good", levels)])
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not TaskPage.objects.filter(slug="tugas-caption-kopi").exists()
    assert not TaskExemplar.objects.filter(levels=levels).exists()


def test_an_accommodation_for_a_task_gives_extra_days(world, client):
    task = task_in(world["course"])
    person = trainee(display_name="Siti")
    enrollment_create(user=person, course=world["course"])
    client.force_login(world["trainer"])
    client.cookies["django_language"] = "id"
    form = {
        "quiz": "",
        "task": task.pk,
        "user": person.pk,
        "extra_minutes": "0",
        "extra_attempts": "0",
        "extra_days": "2",
        "note": "Sakit",
    }
    response = client.post(ACCOMMODATION_ADD, {**form, "task": ""})
    assert response.status_code == 200
    assert "Pilih kuis atau tugas praktik yang dimaksud." in response.content.decode()
    assert not Accommodation.objects.exists()
    response = client.post(ACCOMMODATION_ADD, form)
    assert response.status_code == 302, response.content.decode()[:3000]
    made = Accommodation.objects.get()
    assert (made.task_id, made.quiz_id, made.extra_days) == (task.pk, None, 2)
