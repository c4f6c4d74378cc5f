"""Break session 2: `person_name_clean` (no bidi overrides, zero-width
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


@pytest.mark.parametrize("name", [SPOOF, INVISIBLE])
def test_sign_up_cleans_the_name_certificates_print(home, name):
    Client().post(
        reverse("account_signup"),
        {
            "display_name": name,
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
    assert "\u200b" not in printed, repr(printed)
    assert printed.strip("\u200b\u2060\ufeff"), repr(printed)
