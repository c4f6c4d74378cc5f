"""The address workers put in links (set-password links of an import,
certificate QR codes, the issuer's did:web) cannot be chosen by a visitor.

Without SINAU_PUBLIC_URL, `make run` on the village network serves any Host
(ALLOWED_HOSTS = ["*"]), and the address a worker uses is the one browsers
reached Sinau at (lms/addresses.py, rule 3). Before: any request, even an
anonymous one with a made-up Host header, replaced it, so the next import's
set-password links (secrets) pointed at the visitor's server."""

import pytest
from django.test import Client

from lms import addresses
from lms.models import ServedAddress
from tests.factories import trainer

pytestmark = pytest.mark.django_db

SERVED_HOST = "192.168.1.5:8123"
SERVED = f"http://{SERVED_HOST}"


@pytest.fixture(autouse=True)
def no_public_url(settings):
    """As `make run` on the network without SINAU_PUBLIC_URL."""
    settings.SINAU_PUBLIC_URL = ""
    settings.ALLOWED_HOSTS = ["*"]
    addresses._seen.clear()
    yield
    addresses._seen.clear()


def _staff_visit():
    client = Client(HTTP_HOST=SERVED_HOST)
    client.force_login(trainer())
    client.get("/")


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_HOST": "sinau-login.evil.example"},
        {"HTTP_HOST": "203.0.113.9:80"},
        {"HTTP_HOST": SERVED_HOST, "HTTP_X_FORWARDED_HOST": "evil.example"},
    ],
    ids=["anonymous-host", "anonymous-ip", "forwarded-host"],
)
def test_an_anonymous_visitor_cannot_move_the_recorded_address(home, headers):
    _staff_visit()
    Client(**headers).get("/")
    assert ServedAddress.objects.get().origin == SERVED
    assert addresses.public_url("/akun/sandi-baru/x/") == f"{SERVED}/akun/sandi-baru/x/"


def test_a_trainee_account_cannot_move_the_recorded_address(home, a_trainee):
    """Anyone may make a trainee account ("Buat akun")."""
    _staff_visit()
    client = Client(HTTP_HOST="evil.example")
    client.force_login(a_trainee)
    client.get("/")
    assert ServedAddress.objects.get().origin == SERVED


def test_staff_still_move_it_when_sinau_moves(home):
    _staff_visit()
    client = Client(HTTP_HOST="192.168.1.7:8123")
    client.force_login(trainer())
    client.get("/")
    assert ServedAddress.objects.get().origin == "http://192.168.1.7:8123"
