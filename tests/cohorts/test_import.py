"""Spreadsheet import: preview writes nothing; a good file imports; a file
with any bad row writes nothing and names each bad row and why."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from courses.models import CoursePage, Enrollment, EnrollmentPolicy
from lms.accounts.models import PasswordLink, User
from lms.cohorts.models import CohortMembership
from tests.factories import UserFactory
from tests.factories.cohorts import cohort_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort(home):
    cohort = cohort_with()
    course = cohort.courses.first()
    CoursePage.objects.filter(pk=course.pk).update(
        enrollment_policy=EnrollmentPolicy.COHORT
    )
    return cohort


@pytest.fixture
def manager_client(client, cohort):
    client.force_login(cohort.managers.get())
    return client


def _csv(text: str, name="peserta.csv"):
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def _xlsx(rows, name="peserta.xlsx"):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    stream = io.BytesIO()
    workbook.save(stream)
    return SimpleUploadedFile(name, stream.getvalue())


def _upload(client, cohort, upload):
    return client.post(reverse("cohorts:import", args=[cohort.pk]), {"file": upload})


def _confirm(client, cohort, preview):
    token = re.search(r'name="token" value="([^"]+)"', preview.content.decode())[1]
    return client.post(reverse("cohorts:import", args=[cohort.pk]), {"token": token})


def _state():
    return (
        User.objects.count(),
        CohortMembership.objects.count(),
        Enrollment.objects.count(),
    )


GOOD = (
    "nama,hp,email,desa\n"
    "Siti Aminah,0812 3456 7001,,Batu Ampar\n"
    "Budi Santoso,,budi@contoh.id,Karangreja\n"
)


def test_preview_writes_nothing(manager_client, cohort):
    before = _state()
    response = _upload(manager_client, cohort, _csv(GOOD))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Siti Aminah" in body
    assert 'name="token"' in body
    assert _state() == before


def test_good_file_imports_and_enrols_in_cohort_only_courses(manager_client, cohort):
    preview = _upload(manager_client, cohort, _csv(GOOD))
    done = _confirm(manager_client, cohort, preview)
    assert done.status_code == 200
    siti = User.objects.get(phone="+6281234567001")
    budi = User.objects.get(email="budi@contoh.id")
    assert siti.display_name == "Siti Aminah"
    assert not siti.has_usable_password()
    assert siti.groups.filter(name="Trainees").exists()
    assert (
        CohortMembership.objects.get(user=siti, cohort=cohort).village == "Batu Ampar"
    )
    for user in (siti, budi):
        assert set(
            Enrollment.objects.filter(user=user).values_list("course_id", "source")
        ) == {(c.pk, "cohort") for c in cohort.courses.all()}
    body = done.content.decode()
    assert "https://wa.me/6281234567001?text=" in body
    assert "/akun/sandi-baru/" in body


def test_password_link_sets_a_password_once(manager_client, cohort):
    preview = _upload(manager_client, cohort, _csv(GOOD))
    body = _confirm(manager_client, cohort, preview).content.decode()
    link = re.search(r'value="(http[^"]+/akun/sandi-baru/[^"]+)"', body)[1]
    path = link.split("127.0.0.1:8000", 1)[1]
    visitor = Client()
    form = visitor.get(path, follow=True)
    assert form.status_code == 200
    set_url = form.redirect_chain[-1][0] if form.redirect_chain else path
    done = visitor.post(
        set_url,
        {"new_password1": "gula-aren-2026", "new_password2": "gula-aren-2026"},
    )
    assert done.status_code == 302
    siti = User.objects.get(phone="+6281234567001")
    assert siti.check_password("gula-aren-2026")
    again = Client().get(path, follow=True)
    assert "gula-aren" not in again.content.decode()
    assert 'name="new_password1"' not in again.content.decode()


def test_existing_accounts_are_invited_not_added(manager_client, cohort):
    """An account found by phone or email was not the programme's: it is
    invited (no enrolment, no membership) until its owner accepts."""
    by_phone = UserFactory(phone="+6281234567001", email=None)
    by_email = UserFactory(email="budi@contoh.id", phone=None)
    users, enrolments = User.objects.count(), Enrollment.objects.count()
    preview = _upload(manager_client, cohort, _csv(GOOD))
    done = _confirm(manager_client, cohort, preview)
    assert done.status_code == 200
    assert User.objects.count() == users
    assert Enrollment.objects.count() == enrolments
    assert set(
        CohortMembership.objects.filter(cohort=cohort).values_list("user_id", "status")
    ) == {(by_phone.pk, "invited"), (by_email.pk, "invited")}
    assert "/akun/sandi-baru/" not in done.content.decode()


@pytest.mark.parametrize(
    ("bad_row", "why"),
    [
        ("Tanpa Kontak,,,Desa", "missing contact"),
        ("Nomor Salah,12345,,", "bad phone"),
        ("Kembar,0812 3456 7001,,", "duplicate in the file: same phone as row 2"),
        ("Email Salah,,bukan-email,", "bad email"),
    ],
)
def test_each_bad_row_writes_nothing_and_is_named(manager_client, cohort, bad_row, why):
    UserFactory(phone="+6281299990001", email="satu@contoh.id")
    UserFactory(phone="+6281299990002", email="lain@contoh.id")
    before = _state()
    response = _upload(manager_client, cohort, _csv(GOOD + bad_row + "\n"))
    manager_client.cookies["django_language"] = "en"
    english = _upload(
        manager_client, cohort, _csv(GOOD + bad_row + "\n")
    ).content.decode()
    assert response.status_code == 400
    assert 'name="token"' not in response.content.decode()
    assert "Baris 4" in response.content.decode()
    assert f"Row 4 ({bad_row.split(',')[0]}): {why}" in english
    assert _state() == before


def test_a_forged_confirmation_writes_nothing(manager_client, cohort):
    before = _state()
    response = manager_client.post(
        reverse("cohorts:import", args=[cohort.pk]), {"token": "tampered"}
    )
    assert response.status_code == 400
    assert _state() == before


def test_unreadable_file_is_refused_with_a_message(manager_client, cohort):
    response = _upload(manager_client, cohort, _csv("just one column\nx\n"))
    assert response.status_code == 400
    assert "nama" in response.content.decode()


def test_template_downloads_and_reimports(manager_client, cohort):
    response = manager_client.get(reverse("cohorts:import_template", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]] == ["nama", "hp", "email", "desa"]
    preview = _upload(manager_client, cohort, _xlsx(list(sheet.values)))
    assert preview.status_code == 200


def test_two_thousand_rows_import_in_one_request(manager_client, cohort):
    lines = ["nama,hp,email,desa"] + [
        f"Peserta {i},0857{i:08d},,Desa {i % 7}" for i in range(2000)
    ]
    preview = _upload(manager_client, cohort, _csv("\n".join(lines)))
    assert preview.status_code == 200
    done = _confirm(manager_client, cohort, preview)
    assert done.status_code == 200
    assert CohortMembership.objects.filter(cohort=cohort).count() == 2000
    assert Enrollment.objects.filter(
        user__cohort_memberships__cohort=cohort
    ).count() == (2000 * cohort.courses.count())
    assert done.content.decode().count("https://wa.me/62857") == 2000


def test_a_manager_cannot_import_themselves(manager_client, cohort):
    """Self-dealing, like marking one's own work: the manager's own account
    in the file is a named error and nothing is written."""
    manager = cohort.managers.get()
    manager.phone = "+6281234567009"
    manager.save()
    before = _state()
    response = _upload(
        manager_client, cohort, _csv(GOOD + "Saya Sendiri,0812 3456 7009,,\n")
    )
    assert response.status_code == 400
    assert "ini akun Anda sendiri" in response.content.decode()
    assert 'name="token"' not in response.content.decode()
    assert _state() == before


def test_the_import_writes_in_the_same_queries_for_ten_or_fifty_rows(
    manager_client, cohort
):
    """Bulk writes, set-password links included: the confirm request's
    queries do not grow with the rows (they were four per new trainee).
    Fifty rows stay within one of Django's SQLite insert batches."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for n, start in ((10, 0), (50, 1000)):
        lines = ["nama,hp,email,desa"] + [
            f"Peserta {i},0858{i:08d},,Desa" for i in range(start, start + n)
        ]
        preview = _upload(manager_client, cohort, _csv("\n".join(lines)))
        with CaptureQueriesContext(connection) as queries:
            done = _confirm(manager_client, cohort, preview)
        assert done.status_code == 200
        assert done.content.decode().count("https://wa.me/62858") == n
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_manager_who_may_not_make_links_imports_nothing(manager_client, cohort):
    """The confirm writes everything or nothing, the set-password links
    included: a manager of the cohort who may not make links (no longer a
    program manager) leaves no account behind without a link, which a new
    upload would then count as existing and never give one."""
    from django.contrib.auth.models import Group

    from lms.accounts.roles import PROGRAM_MANAGERS

    manager = cohort.managers.get()
    manager.groups.remove(Group.objects.get(name=PROGRAM_MANAGERS))
    preview = _upload(manager_client, cohort, _csv(GOOD))
    before = _state()
    response = _confirm(manager_client, cohort, preview)
    assert response.status_code in (400, 403)
    assert _state() == before
    assert not PasswordLink.objects.exists()


def test_an_imported_trainee_sets_a_password_with_the_link_and_logs_in(
    manager_client, cohort
):
    """End to end: each new person's link (shown once on the done page)
    opens, sets their password, works once, and they log in with it."""
    preview = _upload(manager_client, cohort, _csv(GOOD))
    done = _confirm(manager_client, cohort, preview).content.decode()
    paths = set(re.findall(r"/akun/sandi-baru/[\w-]+/", done))
    assert len(paths) == 2
    trainee = Client()
    new = "kopi-tubruk-2026"
    for path in paths:
        assert trainee.get(path).status_code == 200
        response = trainee.post(path, {"new_password1": new, "new_password2": new})
        assert response.status_code == 302
        assert trainee.get(path).status_code == 410  # once only
    assert PasswordLink.objects.filter(used_at=None).count() == 0
    assert User.objects.get(phone="+6281234567001").check_password(new)
    response = trainee.post(
        reverse("account_login"), {"login": "0812 3456 7001", "password": new}
    )
    assert response.status_code == 302
    assert trainee.get(reverse("courses:my_learning")).status_code == 200
