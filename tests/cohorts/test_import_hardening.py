"""What a second tester found in the import: no 500 from a damaged XLSX, no
staff account added to a cohort (the first step of taking it over with a
password link), no email longer than the column."""

import io
import re
import zipfile

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from lms.accounts.models import User
from lms.accounts.selectors import trainees_password_linkable_by
from lms.cohorts.models import CohortMembership
from tests.factories import UserFactory
from tests.factories.cohorts import cohort_with, provisioned_member

pytestmark = pytest.mark.django_db


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
