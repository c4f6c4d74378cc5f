"""The account page: name, phone and email, confirmed with the password
(issue 11, item 1)."""

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from lms.accounts.services import ProfileConflict, user_profile_update
from tests.factories import PASSWORD, trainee

pytestmark = pytest.mark.django_db

URL = "/akun/profil/"


def _post(client, **fields):
    data = {
        "display_name": "Siti Aminah",
        "phone": "0813 1111 2222",
        "email": "",
        "password": PASSWORD,
    }
    data.update(fields)
    return client.post(URL, data)


def test_the_account_page_needs_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_trainee_changes_name_and_phone_and_removes_the_email(client):
    user = trainee(display_name="Siti", email="siti@contoh.id")
    EmailAddress.objects.create(user=user, email="siti@contoh.id", primary=True)
    client.force_login(user)
    response = _post(client, display_name="  Siti Aminah  ")
    assert response.status_code == 302
    assert response["Location"] == URL
    user.refresh_from_db()
    assert (user.display_name, user.phone, user.email) == (
        "Siti Aminah",
        "+6281311112222",
        None,
    )
    assert not EmailAddress.objects.filter(user=user).exists()
    assert user.get_full_name() == "Siti Aminah"


def test_a_new_email_replaces_the_old_one_for_log_in(client):
    user = trainee(email="lama@contoh.id")
    EmailAddress.objects.create(user=user, email="lama@contoh.id", primary=True)
    client.force_login(user)
    _post(client, phone=user.phone, email="baru@contoh.id")
    user.refresh_from_db()
    assert user.email == "baru@contoh.id"
    assert list(EmailAddress.objects.filter(user=user).values_list("email")) == [
        ("baru@contoh.id",)
    ]
    client.logout()
    old = client.post(
        reverse("account_login"), {"login": "lama@contoh.id", "password": PASSWORD}
    )
    assert old.status_code == 200
    new = client.post(
        reverse("account_login"), {"login": "baru@contoh.id", "password": PASSWORD}
    )
    assert new.status_code == 302


def test_a_wrong_password_changes_nothing(client):
    user = trainee(display_name="Siti")
    before = (user.display_name, user.phone, user.email)
    client.force_login(user)
    response = _post(client, password="bukan-ini")
    assert response.status_code == 200
    assert "Ini bukan kata sandi Anda saat ini." in response.content.decode()
    user.refresh_from_db()
    assert (user.display_name, user.phone, user.email) == before


def test_a_phone_number_of_another_account_is_refused_in_indonesian(client):
    other = trainee(phone="+6281399990000")
    user = trainee(display_name="Siti")
    client.force_login(user)
    response = _post(client, phone="0813-9999-0000")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Nomor HP ini sudah dipakai akun lain." in body
    assert 'href="#id_phone"' in body
    user.refresh_from_db()
    assert user.phone != other.phone
    assert user.display_name == "Siti"


def test_an_email_of_another_account_is_refused(client):
    trainee(email="ada@contoh.id")
    user = trainee()
    client.force_login(user)
    response = _post(client, phone=user.phone, email="ADA@contoh.id")
    assert response.status_code == 200
    assert "Alamat email ini sudah dipakai akun lain." in response.content.decode()


def test_an_invalid_phone_number_is_refused(client):
    user = trainee()
    client.force_login(user)
    response = _post(client, phone="12")
    assert response.status_code == 200
    assert "Masukkan nomor HP Indonesia yang benar" in response.content.decode()


def test_phone_and_email_cannot_both_be_removed(client):
    user = trainee(email=None)
    phone = user.phone
    client.force_login(user)
    response = _post(client, phone="", email="")
    assert response.status_code == 200
    assert "Isi nomor HP atau alamat email (atau keduanya)." in (
        response.content.decode()
    )
    user.refresh_from_db()
    assert user.phone == phone


def test_the_service_refuses_another_accounts_number():
    trainee(phone="+6281311112222")
    user = trainee()
    with pytest.raises(ProfileConflict) as refused:
        user_profile_update(
            user=user, display_name="X", phone="+6281311112222", email=None
        )
    assert list(refused.value.error_dict) == ["phone"]
