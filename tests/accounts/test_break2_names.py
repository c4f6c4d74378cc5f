"""Found by a second fresh attacker: `person_name_clean` (no bidi overrides, zero-width
characters or invisible-only names; "a printed name never reads differently
from what is stored") guards the profile and the certificate-name pages,
but not sign-up nor the cohort import: both store such names, and the
certificate prints them (`certificate_name_for` uses `display_name`)."""

import pytest
from django.test import Client
from django.urls import reverse

from lms.accounts.models import User
from lms.certificates.services import certificate_name_for

pytestmark = pytest.mark.django_db

SPOOF = "\u202eanitsirhC iS"  # shows as "Si Christina"-like text reversed
INVISIBLE = "\u200b\u2060\ufeff"


def test_sign_up_cleans_the_name_certificates_print(home):
    Client().post(
        reverse("account_signup"),
        {
            "display_name": SPOOF,
            "phone": "0857-1111-2222",
            "email": "",
            "password1": "gula-aren-manis-7",
            "password2": "gula-aren-manis-7",
        },
        REMOTE_ADDR="10.4.4.4",
    )
    user = User.objects.get(phone="+6285711112222")
    printed = certificate_name_for(user=user)
    assert "\u202e" not in printed, repr(printed)
    assert printed == "anitsirhC iS"


def test_sign_up_refuses_a_name_of_invisible_characters(home):
    response = Client().post(
        reverse("account_signup"),
        {
            "display_name": INVISIBLE,
            "phone": "0857-1111-2222",
            "email": "",
            "password1": "gula-aren-manis-7",
            "password2": "gula-aren-manis-7",
        },
        REMOTE_ADDR="10.4.4.4",
    )
    assert response.status_code == 200
    assert "Tulis nama Anda" in response.content.decode()
    assert not User.objects.filter(phone="+6285711112222").exists()
