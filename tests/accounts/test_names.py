"""A printed name never reads differently from what is stored, and a name of
invisible characters only is empty: on the certificate-name form and at
sign-up (`person_name_clean`; certificates print `display_name`)."""

import pytest
from django.test import Client
from django.urls import reverse

from lms.accounts.models import User
from lms.accounts.names import person_name_clean
from lms.certificates.services import certificate_name_for

SPOOF = "\u202eanitsirhC iS"  # shows as "Si Christina"-like text reversed
INVISIBLE = "\u200b\u2060\ufeff"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("  Siti   Aminah ", "Siti Aminah"),
        ("\u200b\u200b", ""),
        ("Siti \u202eanimA", "Siti animA"),
        ("\u2066Budi\u2069", "Budi"),
        ("ꦱꦶꦠꦶ", "ꦱꦶꦠꦶ"),
        ("D'Artagnan Ñoño", "D'Artagnan Ñoño"),
        ("", ""),
        (None, ""),
    ],
)
def test_person_name_clean(raw, clean):
    assert person_name_clean(raw) == clean


@pytest.mark.django_db
def test_the_certificate_name_form_refuses_invisible_names(client):
    from django.core.exceptions import ValidationError

    from lms.certificates.services import certificate_name_correct
    from tests.factories import UserFactory

    person = UserFactory(display_name="Siti")
    with pytest.raises(ValidationError):
        certificate_name_correct(user=person, name="\u200b\u200b")
    person.refresh_from_db()
    assert person.display_name == "Siti"
    certificate_name_correct(user=person, name="Siti \u202eanimA")
    person.refresh_from_db()
    assert person.display_name == "Siti animA"


@pytest.mark.django_db
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


@pytest.mark.django_db
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
