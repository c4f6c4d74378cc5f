"""Found by the break pass of issue 21, each as a kind:
- a person who stopped WhatsApp (or by-hand messages), is withdrawn or
  inactive is never offered to staff as a wa.me link, and a by-hand
  message already waiting can no longer be marked sent
  (`notifications.services.by_hand_reachable`, the one rule);
- staff of one cohort see only that cohort's messages as "last message";
- an announcement is sent only from its confirm step (with its token)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from lms.cohorts.models import Announcement, CohortMembership
from lms.notifications.channels.base import Message
from lms.notifications.models import Delivery
from lms.notifications.services import notify, reply_received
from tests.factories.cohorts import cohort_with, trainees_bulk
from tests.factories.courses import course_tree

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(home):
    course = course_tree()
    x = cohort_with(courses=[course], code="x", starts_on=dt.date(2020, 1, 1))
    y = cohort_with(courses=[course], code="y", starts_on=dt.date(2020, 1, 1))
    (sri,) = trainees_bulk(x, 1, prefix="sri")
    type(sri).objects.filter(pk=sri.pk).update(email=None)
    sri.refresh_from_db()
    CohortMembership.objects.create(cohort=y, user=sri)
    CohortMembership.objects.filter(user=sri).update(
        joined_at=timezone.now() - dt.timedelta(days=30)
    )
    return x, y, sri


def _waiting_by_hand(cohort, user):
    notify(
        user=user,
        kind="announcement",
        key=f"t:{cohort.pk}",
        cohort=cohort,
        message=Message(subject="Pengumuman: RAHASIA-X", body="isi"),
    )
    from lms.notifications.models import Notification
    from lms.notifications.services import notification_deliver

    n = Notification.objects.get(key=f"t:{cohort.pk}", user=user)
    assert notification_deliver(notification_id=n.pk) == "by_hand"
    return Delivery.objects.get(notification=n)


def test_a_whatsapp_stop_removes_every_wa_me_offer_and_the_waiting_message(
    client, world
):
    x, _y, sri = world
    delivery = _waiting_by_hand(x, sri)
    client.force_login(x.managers.get())
    trainee_page = reverse("cohorts:trainee", args=[x.pk, sri.pk])
    assert "wa.me/" in client.get(trainee_page).content.decode()
    assert reply_received(channel="whatsapp", phone=sri.phone, text="BERHENTI")
    for url in (trainee_page, reverse("cohorts:dashboard", args=[x.pk])):
        assert f"wa.me/{sri.phone.lstrip('+')}" not in client.get(url).content.decode()
    reminders = client.get(reverse("cohorts:reminders", args=[x.pk])).content.decode()
    assert f"wa.me/{sri.phone.lstrip('+')}" not in reminders
    client.post(reverse("cohorts:hand_mark", args=[x.pk]), {"delivery": delivery.pk})
    delivery.refresh_from_db()
    assert delivery.status == "waiting"  # never marked sent


def test_a_withdrawn_member_leaves_the_by_hand_list(client, world):
    x, _y, sri = world
    delivery = _waiting_by_hand(x, sri)
    CohortMembership.objects.filter(cohort=x, user=sri).update(
        status=CohortMembership.Status.WITHDRAWN
    )
    client.force_login(x.managers.get())
    reminders = client.get(reverse("cohorts:reminders", args=[x.pk])).content.decode()
    assert f"wa.me/{sri.phone.lstrip('+')}" not in reminders
    client.post(reverse("cohorts:hand_mark", args=[x.pk]), {"delivery": delivery.pk})
    delivery.refresh_from_db()
    assert delivery.status == "waiting"


def test_staff_of_one_cohort_never_see_anothers_messages(client, world):
    x, y, sri = world
    _waiting_by_hand(x, sri)
    client.force_login(y.managers.get())
    for url in (
        reverse("cohorts:trainee", args=[y.pk, sri.pk]),
        reverse("cohorts:dashboard", args=[y.pk]),
    ):
        assert "RAHASIA-X" not in client.get(url).content.decode()
    client.force_login(x.managers.get())
    page = client.get(reverse("cohorts:trainee", args=[x.pk, sri.pk]))
    assert "RAHASIA-X" in page.content.decode()


def test_an_announcement_is_sent_only_from_its_confirm_step(client, world):
    x, _y, _sri = world
    client.force_login(x.managers.get())
    url = reverse("cohorts:announcements", args=[x.pk])
    for _ in range(2):
        client.post(url, {"body": "Halo semua", "confirm": "1"})
    assert not Announcement.objects.exists()
    page = client.post(url, {"body": "Halo semua"})
    token = page.context["token"]
    for _ in range(2):
        client.post(url, {"body": "Halo semua", "confirm": "1", "token": token})
    assert Announcement.objects.count() == 1


def test_ingatkan_says_when_only_sinau_reaches_and_refuses_a_switched_off_account(
    client, world
):
    from lms.notifications.services import consent_set

    x, _y, sri = world
    for channel in ("whatsapp", "sms", "email", "push", "hand"):
        consent_set(user=sri, channel=channel, allowed=False, source="test")
    client.force_login(x.managers.get())
    url = reverse("cohorts:trainee_remind", args=[x.pk, sri.pk])
    page = client.post(url, follow=True).content.decode()
    assert "hanya akan melihat pengingat ini di Sinau" in page
    type(sri).objects.filter(pk=sri.pk).update(is_active=False)
    page = client.post(url, follow=True).content.decode()
    assert "Akun ini dinonaktifkan" in page


def test_pressing_send_now_twice_queues_one_run(client, world):
    from lms.cohorts.models import ReminderRun

    x, _y, _sri = world
    client.force_login(x.managers.get())
    for _ in range(3):
        client.post(reverse("cohorts:reminders", args=[x.pk]))
    assert ReminderRun.objects.filter(cohort=x).count() == 1
