"""Exports are built by a real Celery worker into private storage; their
rows match the dashboard's figures; every file Sinau writes is safe from
spreadsheet formula injection."""

import csv
import io
import zipfile

import pytest
from celery.result import AsyncResult
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from courses.models import Enrollment
from lms.celery import app
from lms.cohorts.models import CohortExport
from lms.cohorts.selectors import cohort_progress
from lms.cohorts.services import cohort_export_build
from lms.common.spreadsheets import csv_cell, csv_write, xlsx_write
from tests.factories.cohorts import cohort_with, trainees_bulk
from tests.factories.courses import course_tree
from tests.support.services import redis_url
from tests.support.worker import celery_worker

INJECTIONS = ["=1+1", "+A1", "-Ani", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("x")']


def _worker_env() -> dict[str, str]:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        url = f"sqlite:///{db['NAME']}"
    else:
        url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = {"DATABASE_URL": url}
    if settings.REDIS_URL:
        env["REDIS_URL"] = redis_url()
    return env


def _download(client, export) -> bytes:
    response = client.get(reverse("cohorts:export_download", args=[export.pk]))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_export_of_a_large_cohort_runs_on_a_worker_and_matches_the_dashboard(
    client, home
):
    cohort = cohort_with(courses=[course_tree(modules=2, lessons=2) for _ in range(3)])
    trainees_bulk(cohort, 120, prefix="p", done_lessons=1)
    finished = trainees_bulk(cohort, 80, prefix="q", done_lessons=4)
    Enrollment.objects.filter(user__in=finished).update(
        status="completed", completed_at=timezone.now()
    )
    client.force_login(cohort.managers.get())
    url = reverse("cohorts:cohort_exports", args=[cohort.pk])
    with celery_worker(_worker_env()) as log:
        for file_format in ("csv", "xlsx"):
            response = client.post(url, {"kind": "matrix", "format": file_format})
            assert response.status_code == 302
        for export in CohortExport.objects.all():
            AsyncResult(export.task_id, app=app).get(timeout=120)
    progress = cohort_progress(cohort=cohort)
    expected = {
        r.name: [str(r.percent), *[str(c.percent) for c in r.cells]]
        for r in progress.rows
    }
    csv_export = CohortExport.objects.get(format="csv")
    xlsx_export = CohortExport.objects.get(format="xlsx")
    assert (csv_export.status, csv_export.progress, csv_export.rows) == (
        "done",
        100,
        200,
    ), "".join(log)
    rows = list(
        csv.reader(io.StringIO(_download(client, csv_export).decode("utf-8-sig")))
    )
    header, body = rows[0], rows[1:]
    assert header[0] == "Nama"
    # Per course: progress and certificate; the last column is the unsynced
    # offline quizzes.
    got = {r[0]: [r[7], *r[9:-1:2]] for r in body}
    assert {r[-1] for r in body} == {"0"}
    assert got == expected
    assert sum(1 for r in body if r[8] == "3") == progress.completed == 80
    sheet = load_workbook(io.BytesIO(_download(client, xlsx_export))).active
    xrows = list(sheet.values)[1:]
    assert {r[0]: [str(r[7]), *[str(v) for v in r[9:-1:2]]] for r in xrows} == expected
    assert not csv_export.file.path.startswith(str(settings.MEDIA_ROOT))


@pytest.mark.django_db
def test_export_page_refreshes_itself_while_waiting(client, home):
    cohort = cohort_with(courses=[course_tree()])
    export = CohortExport.objects.create(
        cohort=cohort, kind="matrix", format="csv", status="running", progress=40
    )
    client.force_login(cohort.managers.get())
    page = client.get(reverse("cohorts:export", args=[export.pk])).content.decode()
    assert '<meta http-equiv="refresh"' in page
    assert "40%" in page
    cohort_export_build(export_id=export.pk)
    page = client.get(reverse("cohorts:export", args=[export.pk])).content.decode()
    assert "http-equiv" not in page
    assert reverse("cohorts:export_download", args=[export.pk]) in page


@pytest.mark.django_db
def test_an_export_is_named_without_nested_brackets(client, home):
    """ "Matriks kemajuan (XLSX (Excel))" read as a typo: the format
    follows the kind after a dot, on the export's page and in the list."""
    cohort = cohort_with(courses=[course_tree()])
    export = CohortExport.objects.create(cohort=cohort, kind="matrix", format="xlsx")
    client.force_login(cohort.managers.get())
    for url in (
        reverse("cohorts:export", args=[export.pk]),
        reverse("cohorts:cohort_exports", args=[cohort.pk]),
    ):
        page = client.get(url).content.decode()
        assert "(XLSX (Excel))" not in page
        assert "Matriks kemajuan · XLSX (Excel)" in page


@pytest.mark.django_db
def test_quiz_results_export_neutralises_formulas_in_names(client, home):
    from decimal import Decimal

    from assessments.models import Attempt, QuizPage
    from tests.factories.assessments import question, quiz_in

    course = course_tree(modules=1, lessons=1)
    quiz_in(course, [question("single")])
    cohort = cohort_with(courses=[course])
    (person,) = trainees_bulk(cohort, 1)
    person.display_name = '=HYPERLINK("http://jahat.example","klik")'
    person.save()
    Attempt.objects.create(
        user=person,
        quiz=QuizPage.objects.get(),
        number=1,
        status="graded",
        score=Decimal(1),
        max_score=Decimal(1),
        passed=True,
    )
    export = CohortExport.objects.create(
        cohort=cohort, kind="quiz_results", format="xlsx"
    )
    cohort_export_build(export_id=export.pk)
    export.refresh_from_db()
    sheet = load_workbook(export.file.open("rb")).active
    row = list(sheet.values)[1]
    # A typed string cell: kept exactly, never evaluated (no <f> element).
    assert row[0] == person.display_name
    assert row[9] == 100
    assert sheet.cell(row=2, column=1).data_type == "s"
    with zipfile.ZipFile(export.file.open("rb")) as archive:
        assert "<f>" not in archive.read("xl/worksheets/sheet1.xml").decode()


@pytest.mark.parametrize("value", INJECTIONS)
def test_csv_cell_prefixes_formula_starts(value):
    assert csv_cell(value) == "'" + value


def test_csv_cell_leaves_numbers_phones_and_plain_text():
    assert csv_cell(-5) == -5
    assert csv_cell("+6281234567890") == "+6281234567890"
    assert csv_cell("Siti") == "Siti"
    assert csv_cell(None) == ""


def test_csv_and_xlsx_writers_neutralise_formulas():
    stream = io.BytesIO()
    csv_write(stream, [["a"], ["=1+1"]])
    assert stream.getvalue().decode("utf-8-sig").splitlines()[1] == "'=1+1"
    stream = io.BytesIO()
    xlsx_write(stream, [["a"], ["@cmd"]])
    stream.seek(0)
    cell = load_workbook(stream).active["A2"]
    assert (cell.value, cell.data_type) == ("@cmd", "s")
