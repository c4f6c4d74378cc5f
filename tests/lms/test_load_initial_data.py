import pytest
from django.core.management import call_command
from wagtail.models import Page, Site

from content.models import HomePage
from lms.accounts.models import User

pytestmark = pytest.mark.django_db


def _counts():
    return (Page.objects.count(), User.objects.count(), Site.objects.count())


def test_load_initial_data_is_idempotent(settings, capsys):
    settings.DEBUG = True
    call_command("load_initial_data")
    first = _counts()
    out = capsys.readouterr().out
    call_command("load_initial_data")
    assert _counts() == first
    assert "peserta@sinau.local" in out
    assert settings.SINAU_DEMO_PASSWORD in out
    site = Site.objects.get(is_default_site=True)
    assert isinstance(site.root_page.specific, HomePage)


def test_demo_accounts_can_log_in_by_phone_with_the_printed_password(client, settings):
    settings.DEBUG = True
    call_command("load_initial_data")
    response = client.post(
        "/akun/login/",
        {"login": "081234567802", "password": settings.SINAU_DEMO_PASSWORD},
    )
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_demo_accounts_are_not_created_when_debug_is_off(settings):
    settings.DEBUG = False
    call_command("load_initial_data")
    assert not User.objects.filter(email="peserta@sinau.local").exists()
