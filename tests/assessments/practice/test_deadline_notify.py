"""Trainees whose practical task is due within 48 hours and who sent
nothing yet get one reminder per task and due date (the beat task
`task_deadlines_notify_task`), held by quiet hours."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.test import override_settings

from assessments.practice.notify import task_deadlines_notify
from assessments.tasks import task_deadlines_notify_task
from courses.models import Enrollment
from courses.services import enrollment_create
from lms.notifications.models import Notification
from tests.factories import trainee
from tests.support.notifications import (
    notifications_deliver_pending,
    quiet_hours_off,
)

from .test_assess import task_world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_quiet_hours(settings):
    quiet_hours_off(settings)


NOON_WIB = datetime(2026, 12, 7, 5, 0, tzinfo=UTC)


def _world(due_on):
    world = task_world(due_on=due_on)
    late = trainee(display_name="Rina Marlina", email="rina@example.com")
    enrollment_create(user=late, course=world.course)
    return world, late


def test_one_reminder_for_who_has_not_sent_and_none_twice():
    world, late = _world(NOON_WIB + timedelta(hours=30))
    assert task_deadlines_notify(now=NOON_WIB) == 1
    assert task_deadlines_notify(now=NOON_WIB + timedelta(hours=1)) == 0
    notification = Notification.objects.get()
    # The trainee who already sent version 1 is not reminded.
    assert notification.user == late
    assert notification.kind == "deadline"
    assert notification.key == f"deadline:{world.task.pk}:{late.pk}:2026-12-08"
    assert notification.template == "deadline_soon"
    assert notification.params[:2] == [late.get_short_name(), world.task.title]
    assert notification.params[3] == notification.url
    assert notifications_deliver_pending() == ["sent"]
    assert [m.to for m in mail.outbox] == [["rina@example.com"]]


def test_the_beat_task_runs_the_same_and_is_idempotent():
    _world(datetime.now(tz=UTC) + timedelta(hours=20))
    assert task_deadlines_notify_task() == 1
    assert task_deadlines_notify_task() == 0
    assert Notification.objects.count() == 1


@pytest.mark.parametrize("hours", [-1, 49])
def test_nothing_outside_the_48_hours(hours):
    _world(NOON_WIB + timedelta(hours=hours))
    assert task_deadlines_notify(now=NOON_WIB) == 0
    assert not Notification.objects.exists()


def test_a_withdrawn_trainee_is_not_reminded():
    _unused, late = _world(NOON_WIB + timedelta(hours=30))
    Enrollment.objects.filter(user=late).update(status=Enrollment.Status.WITHDRAWN)
    assert task_deadlines_notify(now=NOON_WIB) == 0


def test_a_phone_only_trainee_gets_it_in_sinau():
    world = task_world(due_on=NOON_WIB + timedelta(hours=30))
    phone_only = trainee(email=None, phone="+6281311116666")
    enrollment_create(user=phone_only, course=world.course)
    assert task_deadlines_notify(now=NOON_WIB) == 1
    notifications_deliver_pending()
    assert mail.outbox == []
    assert Notification.objects.get(user=phone_only).read_at is None


@override_settings(SINAU_QUIET_HOURS=(21, 6))
def test_quiet_hours_hold_the_reminder_until_the_morning():
    night = datetime(2026, 12, 7, 16, 0, tzinfo=UTC)  # 23:00 WIB
    _world(night + timedelta(hours=30))
    assert task_deadlines_notify(now=night) == 1
    notification = Notification.objects.get()
    assert notification.not_before == datetime(2026, 12, 7, 23, 0, tzinfo=UTC)
