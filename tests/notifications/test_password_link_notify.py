"""A one-time password link a trainer makes also goes to the trainee
through the notification service (urgent: quiet hours do not hold it)."""

import datetime as dt

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from lms.notifications.models import Notification
from tests.factories import trainer
from tests.factories.cohorts import cohort_with, provisioned_member
from tests.factories.courses import course_tree

pytestmark = pytest.mark.django_db


@override_settings(SINAU_QUIET_HOURS=(0, 23))  # quiet but for 23:00-24:00
def test_a_password_link_is_one_urgent_notification_per_link(home):
    teacher = trainer()
    cohort = cohort_with(
        courses=[course_tree(modules=1, lessons=1)],
        teacher=teacher,
        starts_on=dt.date(2020, 1, 1),
    )
    learner = provisioned_member(cohort, email=None, phone="+6281311112222")
    client = Client()
    client.force_login(teacher)
    url = reverse("account_password_link_new")
    for _ in range(2):
        assert client.post(url, {"trainee": learner.pk}).status_code == 200
    rows = list(Notification.objects.filter(user=learner).order_by("pk"))
    assert len(rows) == 2  # two links, two messages
    first = rows[0]
    assert first.kind == "password_link"
    assert first.urgent is True
    assert first.not_before is None
    assert first.template == "password_link"
    assert "/akun/sandi-baru/" in first.url
    assert first.params == [learner.get_short_name(), "72", first.url]
    assert first.sender == teacher
