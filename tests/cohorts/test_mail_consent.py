"""docs/decisions/0020-mail-only-when-asked.md and 0021-figures-that-add-up.md: Sinau
mails only people who asked for it, the real owner of an address an import typed in can
always claim it (and a manager cannot confirm it through an address of their own), and
once-only reminders hold per person, not per cohort."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lms.accounts.models import User
from lms.accounts.selectors import user_email_mailable
from lms.cohorts.models import CohortMembership
from lms.cohorts.services import cohort_reminders_send
from lms.notifications.models import Notification
from tests.cohorts.test_reminders import deliver_all
from tests.factories.cohorts import cohort_with, import_through_pages, trainees_bulk
from tests.factories.courses import course_tree

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _daytime(settings):
    settings.SINAU_QUIET_HOURS = (0, 0)


NEW_PASSWORD = "gula-semut-manis-9"


@pytest.fixture
def cohort(home):
    return cohort_with(
        courses=[course_tree()], starts_on=dt.date(2020, 1, 1), reminder_after_days=7
    )


def _import(cohort, rows: str) -> None:
    client = Client()
    client.force_login(cohort.managers.get())
    upload = SimpleUploadedFile(
        "p.csv", ("nama,hp,email,desa\n" + rows).encode(), "text/csv"
    )
    url = reverse("cohorts:import", args=[cohort.pk])
    preview = client.post(url, {"file": upload}).content.decode()
    token = re.search(r'name="token" value="([^"]+)"', preview)[1]
    assert client.post(url, {"token": token}).status_code == 200


def _later(days: int):
    return timezone.now() + dt.timedelta(days=days)


def test_imported_addresses_get_no_mail_and_no_reminders(cohort):
    """Rows with only email=korban0..2@example.org: accounts for addresses
    nobody confirmed. No mail at the import, none 30 days later."""
    _import(cohort, "".join(f"Korban {i},,korban{i}@example.org,D\n" for i in range(3)))
    assert mail.outbox == []
    # Accounts nobody has taken over get nothing but their invitation.
    assert cohort_reminders_send(cohort=cohort, now=_later(30)) == []
    deliver_all()  # as the worker would: the invitations go, but not by mail
    assert mail.outbox == []
    assert set(Notification.objects.values_list("kind", flat=True)) <= {"invitation"}


def test_the_real_owner_claims_the_address_by_reset_and_then_gets_mail(cohort):
    _import(cohort, "Korban,,korban0@example.org,D\n")
    deliver_all()  # the invitation, as the worker would send it: not mailed
    assert mail.outbox == []
    owner = Client()
    signup = owner.post(
        reverse("account_signup"),
        {
            "display_name": "Pemilik Asli",
            "phone": "0813 9999 0000",
            "email": "korban0@example.org",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert "Lupa kata sandi" in signup.content.decode()
    owner.post(reverse("account_reset_password"), {"email": "korban0@example.org"})
    assert [m.to for m in mail.outbox] == [["korban0@example.org"]]  # asked for
    key_url = re.search(
        r"http://[^/\s]+(/akun/password/reset/key/\S+/)", mail.outbox[0].body
    )[1]
    form = owner.get(key_url, follow=True)
    set_url = form.redirect_chain[-1][0] if form.redirect_chain else key_url
    done = owner.post(set_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert done.status_code == 302
    user = User.objects.get(email="korban0@example.org")
    assert user.check_password(NEW_PASSWORD)
    assert user_email_mailable(user=user) == "korban0@example.org"
    mail.outbox.clear()
    assert len(cohort_reminders_send(cohort=cohort, now=_later(30))) == 1
    deliver_all()
    assert [m.to for m in mail.outbox] == [["korban0@example.org"]]


def test_an_address_given_by_its_owner_is_mailed(cohort):
    (person,) = trainees_bulk(cohort, 1)
    assert user_email_mailable(user=person) == person.email


def test_the_certificate_mail_skips_an_unconfirmed_imported_address(cohort):
    # Certificates (and every message) go by email through the notification
    # service's email channel, which asks `user_email_mailable`.
    from lms.notifications.channels.email import EmailSender

    _import(cohort, "Korban,,korban1@example.org,D\n")
    user = User.objects.get(email="korban1@example.org")
    assert EmailSender().address(user=user, allowed={}) is None


def test_two_cohorts_over_one_course_remind_a_person_once(home):
    """Once-only rules hold per person: a trainee in two cohorts over one
    course got two reminders the same day."""
    course = course_tree()
    first = cohort_with(code="satu", courses=[course], starts_on=dt.date(2020, 1, 1))
    second = cohort_with(code="dua", courses=[course], starts_on=dt.date(2020, 1, 1))
    (person,) = trainees_bulk(first, 1)
    CohortMembership.objects.create(cohort=second, user=person)
    CohortMembership.objects.update(joined_at=timezone.now() - dt.timedelta(days=20))
    now = _later(0)
    assert len(cohort_reminders_send(cohort=first, now=now)) == 1
    assert cohort_reminders_send(cohort=second, now=now) == []
    assert cohort_reminders_send(cohort=second, now=_later(1)) == []
    deliver_all()
    assert len(mail.outbox) == 1
    # A week on, one of them reminds again (still only one).
    week = _later(8)
    sent = cohort_reminders_send(cohort=second, now=week)
    sent += cohort_reminders_send(cohort=first, now=week)
    assert len(sent) == 1
    deliver_all()
    assert len(mail.outbox) == 2


def test_an_invited_person_is_not_reminded(cohort):
    (person,) = trainees_bulk(cohort, 1)
    CohortMembership.objects.filter(user=person).update(
        status="invited", joined_at=timezone.now() - dt.timedelta(days=20)
    )
    assert cohort_reminders_send(cohort=cohort, now=_later(30)) == []
    assert mail.outbox == []


def test_a_manager_confirms_an_imported_address_through_a_second_one(
    attacker, cohort_y
):
    """Mail only to confirmed addresses: a password reset confirms
    `user.email`, whichever address the reset mail went to. The manager
    imports a stranger's address (email only), opens the account with its
    set-password link, adds an address of their own on /akun/email/, asks
    for a reset there, follows it: the stranger's address counts as
    confirmed, and reminders and "your certificate is ready" go to it."""
    from django.core import mail

    from lms.accounts.models import User
    from lms.accounts.selectors import user_email_mailable

    _preview, done = import_through_pages(
        attacker, cohort_y, "Siti,,orang.asing@contoh.id,D\n"
    )
    link = re.search(r'readonly value="([^"]+)"', done.content.decode())[1]
    path = link.split("://", 1)[-1].split("/", 1)[-1]
    person = User.objects.get(email="orang.asing@contoh.id")
    assert user_email_mailable(user=person) is None  # holds so far
    thief = Client()
    form = {"new_password1": "gula-aren-manis-7", "new_password2": "gula-aren-manis-7"}
    assert thief.post("/" + path, form).status_code == 302
    # /akun/login/ refuses every account without a phone (see
    # tests/accounts/test_login.py); Wagtail's log-in takes it.
    thief.post(
        reverse("wagtailcore_login"),
        {"username": "orang.asing@contoh.id", "password": "gula-aren-manis-7"},
    )
    assert thief.session.get("_auth_user_id") == str(person.pk)
    thief.post(
        reverse("account_email"), {"email": "manajer@milik-saya.id", "action_add": ""}
    )
    # No second address can be added any more (one per account), so a
    # reset through one the thief owns reaches no key for this account ...
    mail.outbox.clear()
    thief.post(reverse("account_reset_password"), {"email": "manajer@milik-saya.id"})
    assert not any("/akun/password/reset/key/" in m.body for m in mail.outbox)
    person.refresh_from_db()
    assert person.email == "orang.asing@contoh.id"
    # ... and the stranger's address still counts as unconfirmed.
    assert user_email_mailable(user=person) is None
