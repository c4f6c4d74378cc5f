"""A printed name never reads differently from what is stored, and a name of
invisible characters only is empty."""

import pytest

from lms.accounts.names import person_name_clean


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
