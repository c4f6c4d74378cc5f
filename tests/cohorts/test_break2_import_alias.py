"""Found by a second fresh attacker (closed by allowing one address per
account: /akun/email/ adds none). The cohort import matched rows to accounts by
`User.phone` and `User.email` only, not by the addresses allauth keeps in
`EmailAddress` (added on /akun/email/, which log in and receive resets).
A row with such an address makes a *second* account owning it: the
manager's set-password link opens an account that logs in with the
trainee's address, and a password reset for that address reaches both."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from lms.accounts.models import User
from tests.factories import PASSWORD
from tests.factories.cohorts import import_through_pages

pytestmark = pytest.mark.django_db


def test_an_import_does_not_give_a_trainees_second_address_to_a_new_account(
    attacker, cohort_y, victim
):
    own = Client()
    own.force_login(victim)
    response = own.post(
        reverse("account_email"), {"email": "korban.kerja@contoh.id", "action_add": ""}
    )
    assert response.status_code == 302
    # No second address: it does not log the victim in.
    probe = Client()
    probe.post(
        reverse("account_login"),
        {"login": "korban.kerja@contoh.id", "password": PASSWORD},
        REMOTE_ADDR="10.3.3.3",
    )
    assert probe.session.get("_auth_user_id") is None

    _preview, done = import_through_pages(
        attacker, cohort_y, "Budi,,korban.kerja@contoh.id,Desa\n"
    )
    assert done is not None
    mail.outbox.clear()
    Client().post(
        reverse("account_reset_password"), {"email": "korban.kerja@contoh.id"}
    )
    # One address, one account: the import's new account is the only one
    # that address reaches, and the victim's account is untouched.
    assert User.objects.filter(email__iexact="korban.kerja@contoh.id").count() == 1
    assert not User.objects.filter(
        pk=victim.pk, email__iexact="korban.kerja@contoh.id"
    ).exists()
    assert len(mail.outbox) <= 1
