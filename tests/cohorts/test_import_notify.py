"""An import tells each person once (the notification service): a new
account gets its set-password link, an existing one its invitation; a
phone-only person finds it in Sinau once they log in, an address gets an
email."""

import datetime as dt

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from lms.accounts.models import User
from lms.notifications.models import Notification
from tests.factories import trainee
from tests.factories.cohorts import cohort_with, import_through_pages
from tests.factories.courses import course_tree
from tests.support.notifications import (
    notifications_deliver_pending,
    quiet_hours_off,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_quiet_hours(settings):
    quiet_hours_off(settings)


@pytest.fixture
def cohort(home):
    return cohort_with(courses=[course_tree()], starts_on=dt.date(2020, 1, 1))


def _manager(cohort) -> Client:
    client = Client()
    client.force_login(cohort.managers.get())
    return client


def test_new_and_existing_people_get_one_invitation_each(cohort):
    known = trainee(phone="+6281311117777", email="ani@example.com")
    client = _manager(cohort)
    _preview, done = import_through_pages(
        client, cohort, "Budi,081311118888,,Desa A\nAni,081311117777,,Desa B\n"
    )
    assert done.status_code == 200
    new = User.objects.get(phone="+6281311118888")
    rows = {n.user: n for n in Notification.objects.all()}
    assert set(rows) == {new, known}
    assert {n.kind for n in rows.values()} == {"invitation"}
    assert rows[new].template == rows[known].template == "invitation"
    assert "/akun/sandi-baru/" in rows[new].url
    assert rows[new].params[1] == cohort.name
    assert rows[known].url.endswith(reverse("cohorts:invitations"))
    assert rows[new].cohort == cohort
    assert notifications_deliver_pending()  # sends
    assert [m.to for m in mail.outbox] == [["ani@example.com"]]


def test_importing_the_same_people_again_invites_nobody_twice(cohort):
    known = trainee(phone="+6281311117777")
    client = _manager(cohort)
    import_through_pages(client, cohort, "Ani,081311117777,,Desa B\n")
    import_through_pages(client, cohort, "Ani,081311117777,,Desa B\n")
    assert Notification.objects.filter(user=known).count() == 1
