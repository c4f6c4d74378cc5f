"""The task page as a trainee reads it: brief, what to send, due date with
extra days, the rubric table, exemplars against the rubric, the form, the
history with feedback only once visible, the enrol form, and the staff
link to the marking queue."""

from datetime import timedelta

import pytest
from django.utils import timezone

from assessments.models import Accommodation, CriterionResult, TaskAssessment
from courses.models import Enrollment
from tests.factories import PASSWORD, trainee
from tests.factories.practice import submission, task_in

from .submitting import *  # noqa: F403 (fixtures)
from .submitting import course_trainer

pytestmark = pytest.mark.usefixtures("home")


def as_user(client, user):
    client.login(username=user.email, password=PASSWORD)
    return client


def assessed(sub, *, released, feedback="Tambahkan harga per 250 g."):
    assessment = TaskAssessment.objects.create(
        submission=sub,
        decision="revision",
        score=1,
        max_score=4,
        feedback=feedback,
        released_at=timezone.now() if released else None,
    )
    CriterionResult.objects.create(
        assessment=assessment,
        position=0,
        criterion_title="CTA jelas",
        level_index=0,
        level_title="Tidak ada CTA",
        points=0,
        max_points=2,
        lowest=True,
        comment="Ajak pembeli memesan lewat WhatsApp.",
    )
    return assessment


def test_trainee_sees_rubric_exemplars_and_form(client, learner, task):
    page = as_user(client, learner).get(task.url)

    text = page.text
    assert page.status_code == 200
    assert '<th scope="rowgroup" rowspan="3">Judul jelas' in text
    assert "Contoh baik" in text
    assert "Contoh lemah" in text
    assert "CTA jelas: <strong>CTA jelas</strong> (2 dari 2 poin)" in text
    assert "5 sampai 50 kata" in text
    assert "Sampai hasil kerja Anda lulus" in text
    assert 'enctype="multipart/form-data"' in text
    assert 'accept="audio/*"' not in text  # this task takes no voice note
    assert "/static/js/task-submit.js" in text


def test_due_date_counts_extra_days(client, learner, course):
    task = task_in(course, due_days=3)
    Accommodation.objects.create(user=learner, task=task, extra_days=2)
    due = Enrollment.objects.get(user=learner).enrolled_at + timedelta(days=5)

    page = as_user(client, learner).get(task.url)

    assert f'datetime="{timezone.localtime(due).isoformat()}"' in page.text


def test_voice_task_asks_the_phone_to_record(client, learner, course):
    task = task_in(course, accepts_voice=True)

    page = as_user(client, learner).get(task.url)

    assert 'accept="audio/*"' in page.text
    assert "capture" in page.text


def test_held_feedback_is_not_shown(client, learner, course):
    task = task_in(course, release_marks=True)
    assessed(submission(task, learner), released=False)

    page = as_user(client, learner).get(task.url)

    assert "Versi 1" in page.text
    assert "Tambahkan harga per 250 g." not in page.text
    assert "Ajak pembeli" not in page.text


def test_released_feedback_is_shown_with_levels(client, learner, course):
    task = task_in(course, release_marks=True)
    sub = submission(task, learner, status="revision")
    assessed(sub, released=True)

    page = as_user(client, learner).get(task.url)

    assert "Tambahkan harga per 250 g." in page.text
    assert "Ajak pembeli memesan lewat WhatsApp." in page.text
    assert "1 dari 4 poin (25%)" in page.text
    assert "Kirim versi baru" in page.text


def test_versions_newest_first(client, learner, task):
    first = submission(task, learner, status="revision", text="versi pertama")
    assessed(first, released=True)
    submission(task, learner, text="versi kedua")

    text = as_user(client, learner).get(task.url).text

    assert text.index("Versi 2") < text.index("Versi 1")
    assert "Menunggu penilaian" in text
    assert 'enctype="multipart/form-data"' not in text  # waiting: no form


def test_not_enrolled_sees_the_enrol_form(client, task):
    page = as_user(client, trainee()).get(task.url)

    assert "Daftar ke kursus ini untuk mengirim hasil kerja Anda." in page.text
    assert 'enctype="multipart/form-data"' not in page.text


def test_staff_in_scope_see_the_marking_link(client, task, course):
    page = as_user(client, course_trainer(course)).get(task.url)

    assert 'href="/penilaian/"' in page.text


def test_trainee_sees_no_marking_link(client, learner, task):
    page = as_user(client, learner).get(task.url)

    assert "Hasil kerja untuk dinilai" not in page.text


def test_page_queries_do_not_grow_with_versions(
    client, learner, task, django_assert_max_num_queries
):
    as_user(client, learner)
    for _ in range(2):
        assessed(submission(task, learner, status="revision"), released=True)
    client.get(task.url)
    with django_assert_max_num_queries(40) as few:
        client.get(task.url)
    allowed = len(few.captured_queries)  # each request empties the log
    for _ in range(6):
        assessed(submission(task, learner, status="revision"), released=True)
    client.get(task.url)  # marks the new feedback seen, as the first did

    with django_assert_max_num_queries(allowed):
        client.get(task.url)


def test_form_help_is_the_fields_description(client, learner, task):
    page = as_user(client, learner).get(task.url)

    # Django points aria-describedby at "<id>_helptext": the help must carry it.
    assert 'aria-describedby="id_text_helptext"' in page.text
    assert '<span class="helptext" id="id_text_helptext">' in page.text
    assert 'id="id_text_help"' not in page.text


def test_rubric_points_sit_in_the_level_cell(client, learner, task):
    page = as_user(client, learner).get(task.url)

    # three columns fit 360 px without cutting words: points join the level
    assert '<table class="table table--rubric">' in page.text
    assert '<span class="small">2 poin</span>' in page.text
    assert '<th scope="col">Poin</th>' not in page.text


def test_an_exemplar_titled_by_its_quality_is_not_labelled_twice(client, db):
    """Found by the final break pass: "Contoh lemah Contoh lemah" (the
    title and its tag) was read out twice."""
    from tests.factories import trainee
    from tests.factories.courses import course_tree
    from tests.factories.practice import task_in

    task = task_in(course_tree(modules=1, lessons=1))  # "Contoh baik", "Contoh lemah"
    client.force_login(trainee())
    page = client.get(task.url).content.decode()
    assert page.count("Contoh lemah") == 1
    assert page.count("Contoh baik") == 1
