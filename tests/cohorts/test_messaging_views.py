"""The staff side of messages (issue 21): the reminders page, "Ingatkan",
the by-hand list, announcements and the weekly summary. Who may and who
may not; bad input changes nothing."""

import datetime as dt
import re
from urllib.parse import unquote

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lms.cohorts.models import (
    Announcement,
    CohortMembership,
    ReminderOptOut,
    ReminderRun,
)
from lms.cohorts.services import (
    announcement_send,
    cohort_summaries_send,
    cohort_summary_send,
    summary_key,
)
from lms.notifications.channels import senders_reset
from lms.notifications.models import Delivery, Notification
from tests.cohorts.test_reminders import deliver_all
from tests.factories import program_manager, trainee, trainer
from tests.factories.cohorts import cohort_with, trainees_bulk
from tests.factories.courses import course_tree

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _daytime(settings):
    settings.SINAU_QUIET_HOURS = (0, 0)
    senders_reset()
    yield
    senders_reset()


@pytest.fixture
def cohort(home):
    cohort = cohort_with(
        courses=[course_tree()], starts_on=dt.date(2020, 1, 1), reminder_after_days=5
    )
    idle, busy = trainees_bulk(cohort, 2)
    type(idle).objects.filter(pk=idle.pk).update(email=None)  # phone only
    CohortMembership.objects.filter(user=idle).update(
        joined_at=timezone.now() - dt.timedelta(days=9)
    )
    cohort.idle, cohort.busy = idle, busy
    return cohort


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def outsiders(cohort):
    """Everyone who may not: a member, another cohort's trainer and
    manager, anonymous."""
    other = cohort_with(code="lain", courses=[course_tree()])
    return {
        "trainee (member)": _client(cohort.idle),
        "trainer of another cohort": _client(other.trainers.get()),
        "manager of another cohort": _client(other.managers.get()),
        "anonymous": _client(),
    }


def _staff_urls(cohort):
    return [
        reverse("cohorts:reminders", args=[cohort.pk]),
        reverse("cohorts:announcements", args=[cohort.pk]),
        reverse("cohorts:hand_mark", args=[cohort.pk]),
        reverse("cohorts:trainee_remind", args=[cohort.pk, cohort.idle.pk]),
    ]


def test_outsiders_neither_see_nor_send(cohort):
    for role, client in outsiders(cohort).items():
        for url in _staff_urls(cohort):
            for method in (client.get, client.post):
                response = method(url, {"body": "Halo", "confirm": "1"})
                assert response.status_code in (302, 404, 405), (role, url)
                if response.status_code == 302:
                    assert (
                        "/akun/login/" in response["Location"]
                        or "login" in (response["Location"])
                    ), (role, url)
    assert not Notification.objects.exists()
    assert not Announcement.objects.exists()
    assert not ReminderRun.objects.exists()


@pytest.mark.parametrize("who", ["manager", "trainer"])
def test_staff_see_who_would_be_reminded_why_and_the_cost(cohort, who):
    user = cohort.managers.get() if who == "manager" else cohort.trainers.get()
    body = _client(user).get(reverse("cohorts:reminders", args=[cohort.pk]))
    html = body.content.decode()
    assert body.status_code == 200
    due = html[html.index('id="due"') : html.index('id="by-hand"')]
    assert cohort.idle.display_name in due
    assert cohort.busy.display_name not in due
    assert "tidak ada aktivitas selama 9 hari" in due
    assert "Dikirim manual" in due  # phone only: the by-hand rung
    assert "Rp0" in due
    assert "Jadwal mengirim berikutnya" in html


def test_the_reminder_page_names_at_most_50_and_counts_the_rest(cohort):
    idle = trainees_bulk(cohort, 54, prefix="idle")
    CohortMembership.objects.filter(user__in=idle).update(
        joined_at=timezone.now() - dt.timedelta(days=9)
    )
    html = _client(cohort.managers.get()).get(
        reverse("cohorts:reminders", args=[cohort.pk])
    )
    due = html.content.decode()
    due = due[due.index('id="due"') : due.index('id="by-hand"')]
    assert due.count('href="/angkatan/') == 50 + 1  # 50 names, the dashboard link
    assert "Dan 5 lainnya:" in due  # 55 due: the first idle one and 54 more
    assert "?show=at_risk" in due


def test_send_now_is_queued_and_shown(cohort, django_capture_on_commit_callbacks):
    client = _client(cohort.managers.get())
    url = reverse("cohorts:reminders", args=[cohort.pk])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(url)
    assert response.status_code == 302
    assert len(callbacks) == 1
    run = ReminderRun.objects.get()
    assert run.status == "pending"
    html = client.get(url).content.decode()
    assert "Dalam antrean" in html
    assert 'http-equiv="refresh"' in html


def test_remind_one_trainee_once_a_day(cohort):
    client = _client(cohort.trainers.get())
    url = reverse("cohorts:trainee_remind", args=[cohort.pk, cohort.busy.pk])
    first = client.post(url, follow=True)
    assert "sedang dikirim" in first.content.decode()
    second = client.post(url, follow=True)
    assert "sudah diingatkan hari ini" in second.content.decode()
    reminder = Notification.objects.get()
    assert (reminder.user, reminder.kind, reminder.sender) == (
        cohort.busy,
        "reminder",
        cohort.trainers.get(),
    )


def test_remind_refuses_an_opted_out_trainee(cohort):
    ReminderOptOut.objects.create(user=cohort.busy)
    client = _client(cohort.managers.get())
    url = reverse("cohorts:trainee_remind", args=[cohort.pk, cohort.busy.pk])
    response = client.post(url, follow=True)
    assert "tidak ingin diingatkan" in response.content.decode()
    assert not Notification.objects.exists()


def test_remind_refuses_a_withdrawn_member(cohort):
    CohortMembership.objects.filter(user=cohort.busy).update(status="withdrawn")
    client = _client(cohort.managers.get())
    url = reverse("cohorts:trainee_remind", args=[cohort.pk, cohort.busy.pk])
    assert client.post(url).status_code == 404
    assert not Notification.objects.exists()


def test_by_hand_list_gives_a_wa_link_and_marks_sent(cohort):
    manager = cohort.managers.get()
    client = _client(manager)
    client.post(reverse("cohorts:trainee_remind", args=[cohort.pk, cohort.idle.pk]))
    deliver_all()
    url = reverse("cohorts:reminders", args=[cohort.pk])
    html = client.get(url).content.decode()
    hand = html[html.index('id="by-hand"') : html.index('id="history"')]
    found = re.search(r'href="https://wa\.me/(\d+)\?text=([^"]+)"', hand)
    assert found.group(1) == cohort.idle.phone.lstrip("+")
    assert "Lanjutkan" in unquote(found.group(2))
    delivery = Delivery.objects.get()
    # Another cohort's staff cannot mark it, even with its id.
    other = cohort_with(code="lain", courses=[course_tree()])
    stranger = _client(other.managers.get())
    stranger.post(
        reverse("cohorts:hand_mark", args=[other.pk]), {"delivery": delivery.pk}
    )
    delivery.refresh_from_db()
    assert delivery.status == "waiting"
    for bad in ("", "abc", "\x00", "9" * 40):
        assert (
            client.post(
                reverse("cohorts:hand_mark", args=[cohort.pk]), {"delivery": bad}
            ).status_code
            == 302
        )
    delivery.refresh_from_db()
    assert delivery.status == "waiting"
    client.post(
        reverse("cohorts:hand_mark", args=[cohort.pk]), {"delivery": delivery.pk}
    )
    delivery.refresh_from_db()
    assert (delivery.status, delivery.marked_by) == ("sent", manager)
    history = client.get(url).content.decode()
    assert "Tidak ada yang menunggu dikirim manual" in history
    assert Notification.objects.get().status == "sent"


def test_dashboard_and_trainee_page_show_the_last_message(cohort):
    client = _client(cohort.managers.get())
    client.post(reverse("cohorts:trainee_remind", args=[cohort.pk, cohort.idle.pk]))
    deliver_all()
    dashboard = client.get(reverse("cohorts:dashboard", args=[cohort.pk]))
    html = dashboard.content.decode()
    risk = html[html.index('id="at-risk"') : html.index('id="matrix"')]
    assert "Menunggu dikirim manual" in risk
    assert reverse("cohorts:trainee_remind", args=[cohort.pk, cohort.idle.pk]) in risk
    assert "https://wa.me/" in risk
    page = client.get(reverse("cohorts:trainee", args=[cohort.pk, cohort.idle.pk]))
    assert "Menunggu dikirim manual" in page.content.decode()


def test_announcement_confirm_then_send(cohort, django_capture_on_commit_callbacks):
    client = _client(cohort.trainers.get())
    url = reverse("cohorts:announcements", args=[cohort.pk])
    text = "Pertemuan besok jam 9 di balai desa. Bawa HP yang sudah diisi daya."
    confirm = client.post(url, {"body": text})
    html = confirm.content.decode()
    assert confirm.status_code == 200
    assert "estimated-cost" in html
    assert "Dikirim manual" in html
    assert "Email" in html
    assert not Announcement.objects.exists()
    token = re.search(r'name="token" value="([0-9a-f]+)"', html)[1]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(url, {"body": text, "confirm": "1", "token": token})
        again = client.post(
            url, {"body": text, "confirm": "1", "token": token}, follow=True
        )
    assert "sudah dikirim" in again.content.decode()
    assert len(callbacks) == 1
    announcement = Announcement.objects.get()
    assert (announcement.body, announcement.recipients) == (text, 2)
    assert announcement.estimate == {
        "hand": {"count": 1, "cost": 0},
        "email": {"count": 1, "cost": 0},
    }
    announcement_send(announcement_id=announcement.pk)
    announcement_send(announcement_id=announcement.pk)  # redelivered
    rows = Notification.objects.filter(key=f"announcement:{announcement.pk}")
    assert {n.user for n in rows} == {cohort.idle, cohort.busy}
    first = rows.first()
    assert first.template == "announcement"
    assert first.params[:2] == [cohort.name, text]
    deliver_all()
    page = client.get(url).content.decode()
    assert "Terkirim: 1" in page
    assert "Menunggu dikirim manual: 1" in page


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "harus diisi"),
        ("   ", "Tulis pesannya dulu"),
        ("x" * 10_000, "500"),
        ("Halo\x00desa", "Karakter null tidak diizinkan"),
        ("Halo\x07desa", "karakter kontrol"),
    ],
)
def test_bad_announcements_are_refused(cohort, body, message):
    client = _client(cohort.managers.get())
    url = reverse("cohorts:announcements", args=[cohort.pk])
    for data in ({"body": body}, {"body": body, "confirm": "1"}):
        response = client.post(url, data)
        assert response.status_code == 400
        assert message in response.content.decode()
    assert not Announcement.objects.exists()
    assert not Notification.objects.exists()


def test_weekly_summary_goes_to_managers_once_a_week(cohort):
    manager = cohort.managers.get()
    now = timezone.now()
    assert len(cohort_summary_send(cohort=cohort, now=now)) == 1
    assert cohort_summary_send(cohort=cohort, now=now)[0].pk == (
        Notification.objects.get().pk
    )
    summary = Notification.objects.get()
    assert summary.user == manager
    assert summary.kind == "summary"
    assert summary.key == summary_key(cohort=cohort, now=now)
    assert "berisiko: 1" in summary.body
    assert reverse("cohorts:dashboard", args=[cohort.pk]) in summary.url
    assert cohort_summaries_send(now=now + dt.timedelta(days=7)) == 1
    assert Notification.objects.filter(user=manager).count() == 2
    assert not Notification.objects.exclude(user=manager).exists()


def test_nobody_else_is_in_the_summary_audience(home):
    lonely = cohort_with(code="sepi", courses=[course_tree()])
    lonely.managers.clear()
    trainees_bulk(lonely, 1)
    trainee(), trainer(), program_manager()
    assert cohort_summary_send(cohort=lonely) == []
    assert not Notification.objects.exists()
