"""Break found by a fresh attacker: an account without a phone number could
not log in on Sinau's log-in form (allauth's phone verification stage)."""

import pytest
from django.urls import reverse

from tests.factories import PASSWORD, trainee

pytestmark = pytest.mark.django_db


def test_an_email_only_trainee_logs_in_on_the_log_in_form(client):
    """A cohort import row with only an email makes such an account (and
    the profile lets anyone empty their phone). allauth's phone stage
    (ACCOUNT_SIGNUP_FIELDS has "phone*") aborts every log-in of an account
    without a phone: "Login stage aborted, redirecting to login", back on
    /akun/login/ with no message. Wagtail's /_util/login/ still lets them
    in; nothing tells them so."""
    person = trainee(phone=None, email="hanya.email@contoh.id")
    response = client.post(
        reverse("account_login"),
        {"login": "hanya.email@contoh.id", "password": PASSWORD},
    )
    assert client.session.get("_auth_user_id") == str(person.pk), response.get(
        "Location"
    )
