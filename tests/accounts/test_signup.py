import pytest
from django.urls import reverse

from lms.accounts.models import User
from lms.accounts.roles import TRAINEES
from tests.factories import trainee

pytestmark = pytest.mark.django_db

SIGNUP = reverse("account_signup")


def _form(**overrides):
    data = {
        "display_name": "Wati Lestari",
        "phone": "0813 2222 3333",
        "email": "",
        "password1": "gula-aren-manis-7",
        "password2": "gula-aren-manis-7",
    }
    data.update(overrides)
    return data


def test_signup_with_phone_only_creates_a_trainee(client):
    response = client.post(SIGNUP, _form())
    assert response.status_code == 302
    user = User.objects.get(phone="+6281322223333")
    assert user.email is None
    assert user.display_name == "Wati Lestari"
    assert user.preferred_language == "id"
    assert list(user.groups.values_list("name", flat=True)) == [TRAINEES]
    assert client.session["_auth_user_id"] == str(user.pk)


def test_signup_with_taken_phone_is_refused_and_creates_nothing(client):
    trainee(phone="+6281322223333")
    before = User.objects.count()
    response = client.post(SIGNUP, _form(phone="+62 813-2222-3333"))
    assert response.status_code == 200
    assert "Akun dengan nomor HP ini sudah ada." in response.content.decode()
    assert User.objects.count() == before


def test_signup_with_invalid_phone_is_refused_in_indonesian(client):
    response = client.post(SIGNUP, _form(phone="0812"))
    assert response.status_code == 200
    assert "Masukkan nomor HP Indonesia yang benar" in response.content.decode()
    assert not User.objects.exists()


def test_signup_with_mismatched_passwords_creates_nothing(client):
    client.post(SIGNUP, _form(password2="lain-sekali-99"))
    assert not User.objects.exists()


def test_user_needs_an_email_or_a_phone():
    with pytest.raises(ValueError, match="email address or a phone"):
        User.objects.create_user(password="x")
