"""Log in with an email address or an Indonesian phone number, also to an
account that has only one of them."""

import pytest
from django.urls import reverse

from tests.factories import PASSWORD, trainee

pytestmark = pytest.mark.django_db

LOGIN = reverse("account_login")


def _login(client, login, password=PASSWORD):
    return client.post(LOGIN, {"login": login, "password": password})


@pytest.mark.parametrize(
    "typed", ["081234567890", "+6281234567890", "+62 812-3456-7890", "6281234567890"]
)
def test_phone_login_accepts_local_and_international_forms(client, typed):
    user = trainee(phone="+6281234567890")
    response = _login(client, typed)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_email_login_is_case_insensitive(client):
    user = trainee(email="siti@contoh.id")
    response = _login(client, "Siti@Contoh.ID")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_wrong_password_gives_an_indonesian_error_and_no_session(client):
    trainee(phone="+6281234567890")
    response = _login(client, "081234567890", "salah-sandi")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "Nomor HP dan/atau kata sandi yang Anda masukkan salah." in (
        response.content.decode()
    )


def test_wrong_password_error_is_english_when_english_is_chosen(client):
    trainee(phone="+6281234567890")
    client.cookies["django_language"] = "en"
    response = _login(client, "081234567890", "salah-sandi")
    assert "The phone number and/or password you entered are not correct." in (
        response.content.decode()
    )


def test_unknown_phone_gives_the_same_error_as_a_wrong_password(client):
    trainee(phone="+6281234567890")
    response = _login(client, "081299999999", PASSWORD)
    assert "_auth_user_id" not in client.session
    assert "Nomor HP dan/atau kata sandi yang Anda masukkan salah." in (
        response.content.decode()
    )


def test_inactive_user_cannot_log_in(client):
    trainee(phone="+6281234567890", is_active=False)
    _login(client, "081234567890")
    assert "_auth_user_id" not in client.session


def test_login_page_is_indonesian_by_default(client):
    response = client.get(LOGIN, headers={"accept-language": "en-US,en"})
    body = response.content.decode()
    assert '<html lang="id">' in body
    assert "Email atau nomor HP" in body


def test_logout_needs_a_post_and_ends_the_session(client):
    user = trainee()
    client.force_login(user)
    client.get(reverse("account_logout"))
    assert "_auth_user_id" in client.session
    client.post(reverse("account_logout"))
    assert "_auth_user_id" not in client.session


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
