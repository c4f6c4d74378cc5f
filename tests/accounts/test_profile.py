"""The account page: name, phone and email, confirmed with the password
(docs/decisions/0008-accounts-without-email.md). It is the only way to change the
address: an account has one, and allauth's email page adds none."""

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.urls import reverse

from lms.accounts.services import ProfileConflict, user_profile_update
from tests.factories import PASSWORD, trainee

pytestmark = pytest.mark.django_db

URL = "/akun/profil/"
LOGIN = reverse("account_login")
EMAIL_PAGE = "/akun/email/"


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


# allauth's own email page (/akun/email/) used to work next to this one: it
# added an address and made it primary (so a password reset went to it)
# without the password, and an added address was throttled apart from the
# account. It now sends people here, and an account has one address
# (ACCOUNT_MAX_EMAIL_ADDRESSES = 1).


def _login(client, login, password=PASSWORD, ip="10.1.1.1"):
    return client.post(LOGIN, {"login": login, "password": password}, REMOTE_ADDR=ip)


def _logged_in_as(client, user) -> bool:
    return client.session.get("_auth_user_id") == str(user.pk)


def test_the_email_page_changes_the_address_without_the_current_password():
    user = trainee(email="siti@contoh.id", phone="+6281234567890")
    borrowed = Client()
    _login(borrowed, "0812-3456-7890")
    assert _logged_in_as(borrowed, user)
    # Someone holding the signed-in phone, who does not know the password.
    borrowed.post(EMAIL_PAGE, {"email": "pencuri@contoh.id", "action_add": ""})
    borrowed.post(EMAIL_PAGE, {"email": "pencuri@contoh.id", "action_primary": ""})
    user.refresh_from_db()
    mail.outbox.clear()
    Client().post(reverse("account_reset_password"), {"email": "pencuri@contoh.id"})
    # The profile page would have asked for the password: so must this path.
    assert user.email == "siti@contoh.id"
    assert not EmailAddress.objects.filter(email="pencuri@contoh.id").exists()
    # The reset form answers every address alike ("no account here" mail),
    # but no reset link goes to the thief's address.
    to_thief = [m for m in mail.outbox if "pencuri@contoh.id" in m.to]
    assert not any("/akun/password/reset/key/" in m.body for m in to_thief)


def test_no_second_address_can_split_the_account_s_throttle():
    """A second address logged in but was throttled as its own account, so
    a stranger's guesses at it locked the owner's known phone out. Now no
    second address can be added: the email page only sends to the profile."""
    user = trainee(email="siti@contoh.id", phone="+6281234567890")
    phone = Client()
    _login(phone, "0812-3456-7890", ip="10.7.7.7")
    assert _logged_in_as(phone, user)
    response = phone.post(
        EMAIL_PAGE, {"email": "siti.kerja@contoh.id", "action_add": ""}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_profile")
    assert list(
        EmailAddress.objects.filter(user=user).values_list("email", flat=True)
    ) in ([], ["siti@contoh.id"])
    probe = Client()
    _login(probe, "siti.kerja@contoh.id", ip="10.9.9.9")
    assert not _logged_in_as(probe, user)
