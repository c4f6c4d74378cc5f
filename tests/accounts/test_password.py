import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import PASSWORD, trainee

pytestmark = pytest.mark.django_db


def test_password_change_needs_login(client):
    response = client.get(reverse("account_change_password"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_password_change_with_the_right_old_password(client):
    user = trainee()
    client.force_login(user)
    response = client.post(
        reverse("account_change_password"),
        {
            "oldpassword": PASSWORD,
            "password1": "kolang-kaling-42",
            "password2": "kolang-kaling-42",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("kolang-kaling-42")


def test_password_change_with_a_wrong_old_password_changes_nothing(client):
    user = trainee()
    client.force_login(user)
    response = client.post(
        reverse("account_change_password"),
        {
            "oldpassword": "bukan-ini",
            "password1": "kolang-kaling-42",
            "password2": "kolang-kaling-42",
        },
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_password_reset_sends_an_indonesian_email(client):
    trainee(email="siti@contoh.id")
    response = client.post(
        reverse("account_reset_password"), {"email": "siti@contoh.id"}
    )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["siti@contoh.id"]
    assert "/akun/password/reset/key/" in mail.outbox[0].body
