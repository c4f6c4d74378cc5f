"""Found by a second fresh attacker: allauth's own email page (/akun/email/)
was reachable and worked next to Sinau's profile page. It now sends people
to the profile page (which asks for the password), and an account has one
address (ACCOUNT_MAX_EMAIL_ADDRESSES = 1), so neither hole below can open.

- The profile page asks for the current password before the email changes
  ("To confirm that it is you"); /akun/email/ adds an address, makes it
  primary and so lets a password reset go to it, all without the password.
  Anyone holding an unlocked, signed-in phone for a minute owns the account.
- An added address logs in, but the throttle keys it as "id:<address>"
  (`account_key` looks at User.email and User.phone only), not as the
  account: the owner's known device is an unknown client for it, so a
  stranger's five guesses lock the owner out on the phone they always use.
"""

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, trainee

pytestmark = pytest.mark.django_db

LOGIN = reverse("account_login")
EMAIL_PAGE = "/akun/email/"


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
