"""Break session 2: allauth's own email page (/akun/email/) is reachable and
works, next to Sinau's profile page.

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
    assert not [m for m in mail.outbox if "pencuri@contoh.id" in m.to]


def test_a_stranger_locks_the_owner_out_of_a_known_device_by_a_second_address():
    user = trainee(email="siti@contoh.id", phone="+6281234567890")
    phone = Client()
    _login(phone, "0812-3456-7890", ip="10.7.7.7")
    assert _logged_in_as(phone, user)
    # The owner adds a second address on the email page allauth serves.
    response = phone.post(
        EMAIL_PAGE, {"email": "siti.kerja@contoh.id", "action_add": ""}
    )
    assert response.status_code == 302
    phone.post(reverse("account_logout"))
    # The address logs in (so it names the account) ...
    probe = Client()
    _login(probe, "siti.kerja@contoh.id", ip="10.9.9.9")
    assert _logged_in_as(probe, user)
    # ... a stranger makes five wrong guesses at it from elsewhere ...
    for n in range(15):
        _login(
            Client(), "siti.kerja@contoh.id", "tebak-tebak", ip=f"198.51.100.{n + 1}"
        )
    # ... and the owner, on the phone they have logged in on before, is out.
    response = _login(phone, "siti.kerja@contoh.id", ip="10.7.7.7")
    assert _logged_in_as(phone, user), response.content.decode()[:2000]
