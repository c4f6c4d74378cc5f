"""The admin upload (assessments/importers/jobs.py and its page): small
files are imported in the request, large ones by a real Celery worker, with a
result page that follows the job; a broken file shows why and imports
nothing, and a file with refused questions offers "import the rest". For
trainers, not trainees."""

import pytest
from celery.result import AsyncResult
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import translation

from assessments.importers.jobs import INLINE_MAX_BYTES, import_job_run
from assessments.models import ImportJob, Question, QuestionCategory
from lms.celery import app
from tests.assessments.importers.bank_files import GIFT_ONE_BAD, SAMPLES
from tests.bench.imports import moodle_xml
from tests.factories import trainee, trainer
from tests.support.services import redis_url
from tests.support.worker import celery_worker

GIFT = b"::Harga::Harga gula semut? {=Rp15.000 ~%50%Rp12.000 ~Rp50.000}\n"


def _worker_env() -> dict[str, str]:
    """Point the worker at this test run's database, broker and media."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        url = f"sqlite:///{db['NAME']}"
    else:
        url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = {"DATABASE_URL": url, "DJANGO_MEDIA_ROOT": str(settings.MEDIA_ROOT)}
    if settings.REDIS_URL:
        env["REDIS_URL"] = redis_url()
    return env


def _post(client, name: str, content: bytes, fmt: str, **extra):
    return client.post(
        reverse("questions_import"),
        {
            "file": SimpleUploadedFile(name, content),
            "format": fmt,
            "category": "",
            **extra,
        },
    )


@pytest.mark.django_db
def test_a_small_file_is_imported_in_the_request_and_the_result_names_it(client):
    client.force_login(trainer())
    response = _post(client, "harga.txt", GIFT, "gift")
    job = ImportJob.objects.get()
    assert response["Location"] == reverse("questions_import_job", args=[job.pk])
    assert (job.status, job.created, job.progress, job.task_id) == ("done", 1, 100, "")
    assert bytes(job.content) == b""  # the upload is not kept
    page = client.get(response["Location"]).content.decode()
    assert "Harga" in page
    assert 'http-equiv="refresh"' not in page
    assert Question.objects.get().name == "Harga"


@pytest.mark.django_db
def test_the_result_page_is_only_for_who_started_the_import(client):
    client.force_login(trainer())
    _post(client, "harga.txt", GIFT, "gift")
    job = ImportJob.objects.get()
    client.force_login(trainer())  # another trainer
    assert client.get(reverse("questions_import_job", args=[job.pk])).status_code == 404


@pytest.mark.django_db
def test_a_running_job_page_refreshes_itself_and_shows_progress(client):
    user = trainer()
    job = ImportJob.objects.create(
        requested_by=user,
        filename="besar.xml",
        file_format="moodle",
        content=b"<quiz/>",
        status="running",
        progress=50,
    )
    client.force_login(user)
    page = client.get(reverse("questions_import_job", args=[job.pk])).content.decode()
    assert '<meta http-equiv="refresh" content="2">' in page
    assert '<progress id="import-progress" max="100" value="50">' in page


@pytest.mark.django_db
def test_running_a_job_twice_imports_once():
    job = ImportJob.objects.create(
        filename="harga.txt", file_format="gift", content=GIFT
    )
    assert import_job_run(job_id=job.pk).created == 1
    assert import_job_run(job_id=job.pk).created == 1
    assert Question.objects.count() == 1


@pytest.mark.django_db
def test_a_failed_job_reports_why_and_leaves_nothing(client):
    job = ImportJob.objects.create(
        filename="tiga.txt",
        file_format="gift",
        content=b"::Tiga::Pilih. {~%33%a ~%33%b ~%33%c}\n",
        category=None,
        language="en",
    )
    job = import_job_run(job_id=job.pk)
    assert job.status == "failed"
    assert job.report["errors"] == [
        "Question 'Tiga': the answer grade 33% is not one Moodle allows "
        "(e.g. 100, 50, 33.33333, 25, 0, -50)."
    ]
    assert not QuestionCategory.objects.exists()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_large_file_runs_on_a_worker_with_a_result_page(client):
    content = moodle_xml(400)
    assert len(content) > INLINE_MAX_BYTES
    user = trainer()
    client.force_login(user)
    with celery_worker(_worker_env()) as log:
        response = _post(client, "besar.xml", content, "moodle")
        job = ImportJob.objects.get()
        assert response["Location"] == reverse("questions_import_job", args=[job.pk])
        assert job.task_id
        AsyncResult(job.task_id, app=app).get(timeout=120)
    job.refresh_from_db()
    assert job.status == "done", "".join(log)
    assert (job.created, job.progress) == (400, 100)
    assert Question.objects.count() == 400
    assert set(Question.objects.values_list("category__parent__name", flat=True)) == {
        "Bench"
    }
    page = client.get(response["Location"]).content.decode()
    assert "Soal 0" in page
    assert "Soal 399" in page
    assert 'http-equiv="refresh"' not in page


def _upload(name, fmt, **extra):
    return {
        "file": SimpleUploadedFile(name, (SAMPLES / name).read_bytes()),
        "format": fmt,
        "category": "",
        **extra,
    }


@pytest.mark.django_db
def test_admin_import_for_trainers(client):
    client.force_login(trainer())
    url = reverse("questions_import")
    assert client.get(url).status_code == 200
    response = client.post(
        url, _upload("quizapp_good.json", "quizapp", skip_unsupported="on")
    )
    assert response.status_code == 302
    assert Question.objects.count() == 6
    page = client.get(response["Location"])
    assert "#8" in page.content.decode()  # the skipped question is named


@pytest.mark.django_db
def test_admin_import_of_a_broken_file_shows_why_and_imports_nothing(client):
    client.force_login(trainer())
    response = client.post(
        reverse("questions_import"), _upload("gift_broken.txt", "gift")
    )
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert not Question.objects.exists()


@pytest.mark.django_db
def test_admin_import_is_not_for_trainees(client):
    client.force_login(trainee())
    response = client.post(
        reverse("questions_import"), _upload("gift_good.txt", "gift")
    )
    assert response.status_code in (302, 403)
    assert not Question.objects.exists()


@pytest.mark.django_db
@pytest.mark.usefixtures("english")
def test_admin_offers_the_rest_and_lists_the_refused(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(trainer())
    url = reverse("questions_import")

    def upload(**extra):
        return client.post(
            url,
            {
                "file": SimpleUploadedFile("bank.txt", GIFT_ONE_BAD.encode()),
                "format": "gift",
                "category": "",
                **extra,
            },
        )

    with translation.override("id"):
        refused = upload()
        assert refused.status_code == 400
        assert "Sebanyak 2 soal lainnya bisa diimpor" in refused.content.decode()
        assert not Question.objects.exists()
        done = upload(skip_unsupported="on")
        assert done.status_code == 302
        page = client.get(done["Location"]).content.decode()
    assert "Ditinggalkan: soal yang berisi kesalahan" in page
    assert "Soal &#x27;Rusak&#x27;: jawabannya tidak ditutup" in page
    assert Question.objects.count() == 2
