"""Breaks found by a fresh attacker (issue 17, section 2: lock-out): each
attack must fail. The owner's phone is a known device (it logged in before:
OWASP's device cookie), as in the issue's "from their own phone"."""

import pytest
from django.urls import reverse
from wagtail.models import PageViewRestriction

from tests.factories import PASSWORD, UserFactory, trainee
from tests.factories.courses import course_tree

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def deployed_limits(settings):
    settings.ACCOUNT_RATE_LIMITS = settings.ACCOUNT_RATE_LIMITS_DEPLOYED


def _logged_in_as(client, user) -> bool:
    return client.session.get("_auth_user_id") == str(user.pk)


def test_a_stranger_locks_a_phone_only_trainee_out_with_five_guesses(client):
    """Anyone who knows a trainee's phone number (it is on every WhatsApp
    group of the cohort) types five wrong passwords from their own phone;
    the trainee, on their own phone with the right password, is refused
    ("Terlalu banyak kata sandi yang salah") for 15 minutes. Repeated every
    15 minutes (20 requests an hour) it is permanent. A phone-only trainee
    has no way out: no email for a reset, and no password link for an
    account they made themselves."""
    from django.test import Client

    victim = trainee(email=None, phone="+6281234567890")
    login = reverse("account_login")
    client.post(
        login,
        {"login": "081234567890", "password": PASSWORD},
        REMOTE_ADDR="198.51.100.7",
    )
    assert _logged_in_as(client, victim)
    client.post(reverse("account_logout"), REMOTE_ADDR="198.51.100.7")
    stranger = Client()
    for _n in range(5):
        stranger.post(
            login,
            {"login": "0812-3456-7890", "password": "tebakan"},
            REMOTE_ADDR="203.0.113.66",
        )
    client.post(
        login,
        {"login": "081234567890", "password": PASSWORD},
        REMOTE_ADDR="198.51.100.7",
    )
    assert _logged_in_as(client, victim)


def test_a_stranger_locks_the_admin_out_of_the_admin_log_in(client):
    """The same five guesses at /admin/login/ with a superuser's address
    lock the superuser out of every log-in form."""
    from django.test import Client

    admin = UserFactory(is_staff=True, is_superuser=True, email="admin@contoh.id")
    url = reverse("wagtailadmin_login")
    client.post(
        url,
        {"username": "admin@contoh.id", "password": PASSWORD},
        REMOTE_ADDR="198.51.100.7",
    )
    assert _logged_in_as(client, admin)
    client.post(reverse("wagtailadmin_logout"), REMOTE_ADDR="198.51.100.7")
    stranger = Client()
    for _n in range(5):
        stranger.post(
            url,
            {"username": "admin@contoh.id", "password": "tebakan"},
            REMOTE_ADDR="203.0.113.66",
        )
    client.post(
        url,
        {"username": "admin@contoh.id", "password": PASSWORD},
        REMOTE_ADDR="198.51.100.7",
    )
    assert _logged_in_as(client, admin)


def test_four_clients_lock_a_password_protected_course_for_everyone(client):
    """100 wrong passwords for one page restriction, from any clients, lock
    the page: 25 from each of four addresses (anonymous, no account needed;
    IPv6 gives anyone many /64s) and every trainee of the class, with the
    right password given by their trainer, is refused for 15 minutes."""
    course = course_tree(modules=1, lessons=1)
    restriction = PageViewRestriction.objects.create(
        page=course, restriction_type="password", password="sandi-kursus"
    )
    url = reverse(
        "wagtailcore_authenticate_with_password", args=[restriction.pk, course.pk]
    )
    right = {"password": "sandi-kursus", "return_url": "/"}
    assert client.post(url, right, REMOTE_ADDR="198.51.100.7").status_code == 302
    for n in range(4):
        for _guess in range(25):
            client.post(
                url,
                {"password": "salah", "return_url": "/"},
                REMOTE_ADDR=f"2001:db8:{n}::1",
            )
    response = client.post(url, right, REMOTE_ADDR="198.51.100.7")
    assert "Terlalu banyak" not in response.content.decode()
    assert response.status_code == 302
