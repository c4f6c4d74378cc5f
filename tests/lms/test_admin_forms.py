"""Admin forms speak to people: many-to-many choices are checkboxes (no
Ctrl-click), and a duplicate or an impossible row is refused with a
sentence in Indonesian that names things the way the screen does."""

import datetime as dt
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import translation
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from assessments.models import Accommodation, QuestionCategory
from lms.admin_i18n import english_msgids
from lms.cohorts.models import Cohort
from tests.factories import UserFactory, program_manager, trainer
from tests.factories.assessments import question, quiz_in
from tests.factories.cohorts import cohort_with
from tests.factories.courses import course_tree

pytestmark = pytest.mark.django_db


def _ours():
    """The models of Sinau's own apps (not those installed in a virtualenv
    that happens to sit inside the checkout, as `make install` puts it)."""
    base = Path(settings.BASE_DIR).resolve()
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if path.is_relative_to(base) and "site-packages" not in path.parts:
            yield from config.get_models()


def _errors(response) -> str:
    return response.content.decode()


# -- checkboxes, not <select multiple> ----------------------------------------


def test_the_cohort_form_offers_checkboxes_for_courses_and_staff(client, home):
    course = course_tree(modules=1, lessons=1)
    teacher = trainer(display_name="Bu Guru")
    manager = program_manager()
    client.force_login(manager)
    page = client.get(reverse("cohort_admin:add")).content.decode()
    assert "multiple" not in page.split('name="courses"')[0].rsplit("<", 1)[-1]
    assert f'type="checkbox" name="courses" value="{course.pk}"' in page
    assert f'type="checkbox" name="trainers" value="{teacher.pk}"' in page
    assert f'type="checkbox" name="managers" value="{manager.pk}"' in page
    assert '<select name="courses"' not in page
    response = client.post(
        reverse("cohort_admin:add"),
        {
            "name": "Angkatan Centang",
            "code": "angkatan-centang",
            "starts_on": "2026-02-01",
            "courses": [course.pk],
            "trainers": [teacher.pk],
            "reminder_after_days": "7",
            "at_risk_after_days": "7",
        },
    )
    assert response.status_code == 302, _errors(response)[:2000]
    cohort = Cohort.objects.get(code="angkatan-centang")
    assert list(cohort.courses.all()) == [course.page_ptr.specific]
    assert list(cohort.trainers.all()) == [teacher]


# -- every constraint says what is wrong --------------------------------------


def _constraints():
    for model in _ours():
        for constraint in model._meta.constraints:
            yield pytest.param(model, constraint, id=constraint.name)


@pytest.mark.parametrize(("model", "constraint"), list(_constraints()))
def test_every_constraint_of_ours_explains_itself_in_indonesian(model, constraint):
    assert (
        constraint.violation_error_message != constraint.default_violation_error_message
    )
    with translation.override("en"):
        english = str(constraint.get_violation_error_message())
    with translation.override("id"):
        indonesian = str(constraint.get_violation_error_message())
    assert indonesian != english
    assert constraint.name not in indonesian
    for field in getattr(constraint, "fields", ()):
        assert f" {field} " not in f" {indonesian} "


# Unique single fields people type into: Django's "<Model> dengan <Label>
# ini sudah ada." with the labels in Indonesian.
UNIQUE_FIELDS = {
    ("cohorts", "cohort", "code"): "Angkatan dengan Kode ini sudah ada.",
    ("content", "practiceproduct", "slug"): "Produk latihan dengan Slug ini sudah ada.",
    ("courses", "learningpath", "slug"): "Jalur belajar dengan Slug ini sudah ada.",
    ("accounts", "user", "email"): "Pengguna dengan Alamat email ini sudah ada.",
    ("accounts", "user", "phone"): "Pengguna dengan Nomor HP ini sudah ada.",
}


def test_every_unique_field_people_type_is_listed():
    typed = {
        (model._meta.app_label, model._meta.model_name, field.name)
        for model in _ours()
        for field in model._meta.local_fields
        if field.unique
        and field.editable
        and not field.primary_key
        and not isinstance(field, models.OneToOneField)
    }
    assert typed == set(UNIQUE_FIELDS)


@pytest.mark.parametrize(("key", "expected"), list(UNIQUE_FIELDS.items()))
def test_a_duplicate_unique_field_is_refused_in_indonesian(key, expected):
    model = apps.get_model(key[0], key[1])
    with translation.override("id"):
        error = model().unique_error_message(model, [key[2]])
        message = error.message % error.params
    assert message == expected


def test_the_django_unique_together_sentence_says_already_exists():
    """Django's own Indonesian said "tidak ada" (does not exist)."""
    with translation.override("id"):
        error = Cohort().unique_error_message(Cohort, ["name", "code"])
        message = error.message % error.params
    assert message == "Angkatan dengan Nama dan Kode ini sudah ada."
    assert not english_msgids() & {"and", "already exists"}


def test_a_second_accommodation_for_the_same_trainee_and_quiz(client, home):
    quiz = quiz_in(course_tree(modules=1, lessons=1), [question("single")])
    trainee = UserFactory(display_name="Siti")
    Accommodation.objects.create(quiz=quiz, user=trainee, extra_minutes=5)
    client.force_login(UserFactory(is_superuser=True))
    client.cookies["django_language"] = "id"
    response = client.post(
        reverse("wagtailsnippets_assessments_accommodation:add"),
        {
            "quiz": quiz.pk,
            "user": trainee.pk,
            "extra_minutes": "10",
            "extra_attempts": "0",
            "extra_days": "0",
            "note": "",
        },
    )
    text = _errors(response)
    assert response.status_code == 200
    assert "Peserta ini sudah punya akomodasi untuk kuis ini" in text
    assert "already exists" not in text
    assert Accommodation.objects.count() == 1


def test_a_second_category_of_the_same_name_under_one_parent(client, home):
    parent = QuestionCategory.objects.create(name="Induk")
    QuestionCategory.objects.create(name="Anak", parent=parent)
    client.force_login(UserFactory(is_superuser=True))
    client.cookies["django_language"] = "id"
    response = client.post(
        reverse("wagtailsnippets_assessments_questioncategory:add"),
        {"parent": parent.pk, "name": "Anak", "description": ""},
    )
    assert "Kategori ini sudah punya subkategori dengan nama ini." in _errors(response)
    assert QuestionCategory.objects.filter(name="Anak").count() == 1


def test_the_same_question_twice_in_a_quiz(home):
    asked = question("single")
    quiz = quiz_in(course_tree(modules=1, lessons=1), [asked])
    user = UserFactory(is_superuser=True)
    form_class = quiz.get_edit_handler().get_form_class()
    data = nested_form_data(
        {
            "title": quiz.title,
            "slug": quiz.slug,
            "intro": "",
            "quiz_questions": inline_formset(
                [{"question": asked.pk}, {"question": asked.pk}]
            ),
            "random_category": "",
            "random_count": "0",
            "pass_mark": "70",
            "review_policy": quiz.review_policy,
            "required": "on",
        }
    )
    with translation.override("id"):
        form = form_class(
            data, instance=quiz, for_user=user, parent_page=quiz.get_parent()
        )
        assert not form.is_valid()
        errors = [str(e) for e in form.formsets["quiz_questions"].non_form_errors()]
    assert errors == ["Soal ini sudah ada di kuis ini."]


def test_a_cohort_that_ends_before_it_starts(client, home):
    cohort = cohort_with(courses=[])
    client.force_login(cohort.managers.get())
    client.cookies["django_language"] = "id"
    response = client.post(
        reverse("cohort_admin:edit", args=[cohort.pk]),
        {
            "name": cohort.name,
            "code": cohort.code,
            "starts_on": "2026-03-01",
            "ends_on": "2026-02-01",
            "reminder_after_days": "7",
            "at_risk_after_days": "7",
        },
    )
    text = _errors(response)
    assert "Angkatan tidak boleh berakhir sebelum dimulai." in text
    assert "cohort_ends_after_start" not in text
    cohort.refresh_from_db()
    assert cohort.ends_on is None or cohort.ends_on >= dt.date(2026, 1, 5)
