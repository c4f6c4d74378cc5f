"""The import under hostile files and requests: no 500 from a damaged XLSX
and no minutes of work from a tiny one, no staff account added to a cohort
(the first step of taking it over with a password link), no email longer
than the column, names cleaned as certificates print them, and the hourly
upload bound under parallel uploads."""

import io
import re
import threading
import zipfile

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.urls import reverse
from openpyxl import Workbook

from lms.accounts.models import User
from lms.accounts.selectors import trainees_password_linkable_by
from lms.certificates.services import certificate_name_for
from lms.cohorts import services
from lms.cohorts.models import CohortImport, CohortMembership
from tests.factories import UserFactory
from tests.factories.cohorts import (
    cohort_with,
    import_through_pages,
    provisioned_member,
)
from tests.factories.courses import course_tree

pytestmark = pytest.mark.django_db

SPOOF = "\u202eanitsirhC iS"


@pytest.fixture
def cohort(home):
    return cohort_with()


@pytest.fixture
def manager_client(client, cohort):
    client.force_login(cohort.managers.get())
    return client


def _upload(client, cohort, upload):
    return client.post(reverse("cohorts:import", args=[cohort.pk]), {"file": upload})


def _csv(text: str):
    return SimpleUploadedFile("peserta.csv", text.encode(), content_type="text/csv")


def test_a_damaged_xlsx_sheet_is_refused_not_a_500(manager_client, cohort):
    workbook = Workbook()
    workbook.active.append(["nama", "hp", "email", "desa"])
    for n in range(200):
        workbook.active.append([f"Peserta {n}", f"0812999{n:05d}", "", "Desa"])
    good = io.BytesIO()
    workbook.save(good)
    damaged = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(good.getvalue())) as src,
        zipfile.ZipFile(damaged, "w") as dst,
    ):
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]
            dst.writestr(item, data)
    before = User.objects.count()
    response = _upload(
        manager_client, cohort, SimpleUploadedFile("p.xlsx", damaged.getvalue())
    )
    assert response.status_code == 400
    assert User.objects.count() == before


@pytest.mark.parametrize("kind", ["superuser", "staff", "editor", "trainer"])
def test_an_account_with_more_than_trainee_rights_is_only_invited(
    manager_client, cohort, kind
):
    """The preview does not tell that a number is staff's (it reads as any
    other row); the account is only invited, and gives the manager nothing."""
    person = UserFactory(phone="+6281299990200", email="orang@sinau.local")
    if kind == "superuser":
        User.objects.filter(pk=person.pk).update(is_superuser=True)
    elif kind == "staff":
        User.objects.filter(pk=person.pk).update(is_staff=True)
    elif kind == "editor":
        person.groups.add(Group.objects.get_or_create(name="Editors")[0])
    else:
        person.groups.add(Group.objects.get(name="Trainers"))
    response = _upload(
        manager_client, cohort, _csv("nama,hp,email,desa\nOrang,081299990200,,D\n")
    )
    nobody = _upload(
        manager_client, cohort, _csv("nama,hp,email,desa\nOrang,081299990299,,D\n")
    )
    assert response.status_code == nobody.status_code == 200
    assert _without_token(response) == _without_token(nobody).replace(
        "+6281299990299", "+6281299990200"
    )
    token = re.search(r'name="token" value="([^"]+)"', response.content.decode())[1]
    manager_client.post(reverse("cohorts:import", args=[cohort.pk]), {"token": token})
    assert CohortMembership.objects.get(user=person).status == "invited"
    manager = cohort.managers.get()
    assert person not in trainees_password_linkable_by(user=manager)


def _without_token(response) -> str:
    body = response.content.decode()
    body = re.sub(r'name="token" value="[^"]+"', "", body)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)


def test_no_password_link_for_an_account_with_admin_rights(cohort):
    manager = cohort.managers.get()
    person = provisioned_member(cohort, phone="+6281299990201")
    assert person in trainees_password_linkable_by(user=manager)
    person.groups.add(Group.objects.get_or_create(name="Editors")[0])
    assert person not in trainees_password_linkable_by(user=manager)


def test_an_email_longer_than_the_column_is_a_bad_row(manager_client, cohort):
    email = "a" * 250 + "@" + "b" * 60 + ".com"
    before = User.objects.count()
    response = _upload(
        manager_client, cohort, _csv(f"nama,hp,email,desa\nOrang,,{email},D\n")
    )
    assert response.status_code == 400
    assert User.objects.count() == before


def test_a_cohort_import_cleans_the_name_certificates_print(attacker, cohort_y):
    _preview, done = import_through_pages(
        attacker, cohort_y, f"{SPOOF},0857-1111-3333,,D\n"
    )
    assert done is not None
    user = User.objects.get(phone="+6285711113333")
    assert "\u202e" not in certificate_name_for(user=user), repr(user.display_name)


def test_a_5_kb_xlsx_keeps_a_web_worker_busy_for_minutes(attacker, cohort_y):
    """Import bounds: 5 MB and 5,000 trainee rows, 10 files an hour. A
    5 KB workbook with one real row and one blank cell at XFD1048576 (its
    dimension says A1:XFD1048576) makes openpyxl's read-only reader yield
    1,048,576 rows of 16,384 empty cells each, and `table_read` walks every
    one (blank rows do not count towards MAX_IMPORT_ROWS). Measured: 20,000
    rows x 2,000 columns take 1.5 s, so the whole sheet is about ten
    minutes of CPU per upload. The hourly bound is checked only after the
    file is read, and a file refused before that is not counted at all.
    Here a 5 s alarm stops the read."""
    import io
    import signal
    import time

    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["nama", "hp", "email", "desa"])
    sheet.append(["Siti", "081377770009", "", "Desa"])
    sheet["XFD1048576"] = " "  # a blank cell: the row is skipped
    stream = io.BytesIO()
    workbook.save(stream)
    assert len(stream.getvalue()) < 10_000
    upload = SimpleUploadedFile("peserta.xlsx", stream.getvalue())
    fired = []

    def stop(*_args):
        fired.append(True)
        raise TimeoutError

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(5)
    start = time.monotonic()
    try:
        attacker.post(reverse("cohorts:import", args=[cohort_y.pk]), {"file": upload})
    except TimeoutError:
        pass
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert not fired, f"still reading after {time.monotonic() - start:.0f} s"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor == "sqlite", reason="threads need a server database"
)
def test_parallel_uploads_pass_the_hourly_bound(home, settings, monkeypatch):
    """SINAU_IMPORT_FILES_PER_HOUR = 1; five uploads sent at once. Each
    request counts the person's uploads of the last hour (0), then records
    its own: all five are recorded and previewed. The barrier only holds
    each request between its count and its insert, as a busy server does."""
    settings.SINAU_IMPORT_FILES_PER_HOUR = 1
    cohort = cohort_with(code="angkatan-r", courses=[course_tree()])
    manager = cohort.managers.get()
    parallel = 5
    barrier = threading.Barrier(parallel, timeout=20)
    real_create = CohortImport.objects.create

    def create(**kwargs):
        try:
            barrier.wait()
        except threading.BrokenBarrierError:
            pass
        return real_create(**kwargs)

    monkeypatch.setattr(CohortImport.objects, "create", create)
    outcomes = []

    def upload():
        try:
            file = SimpleUploadedFile(
                "p.csv", b"nama,hp,email,desa\nSiti,0813 7777 0009,,D\n"
            )
            services.cohort_import_plan(cohort=cohort, upload=file, by=manager)
            outcomes.append("recorded")
        except services.ImportRefused:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=upload) for _n in range(parallel)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert CohortImport.objects.filter(created_by=manager).count() <= 1, outcomes
