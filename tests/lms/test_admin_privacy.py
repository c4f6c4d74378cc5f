"""No third-party requests from the admin by default
(docs/decisions/0017-no-third-party-requests.md); the browser test
tests/e2e/test_admin.py records every request."""

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_gravatar_and_the_update_check_are_off_by_default():
    assert settings.WAGTAIL_GRAVATAR_PROVIDER_URL is None
    assert settings.WAGTAIL_ENABLE_UPDATE_CHECK is False


def test_the_dashboard_names_no_avatar_service_or_release_feed(client):
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "gravatar" not in html
    assert "w-upgrade" not in html


def test_the_release_check_can_be_turned_back_on(client, settings):
    settings.WAGTAIL_ENABLE_UPDATE_CHECK = True
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "w-upgrade" in html


def test_the_avatar_service_can_be_turned_back_on(a_trainer, client, settings):
    settings.WAGTAIL_GRAVATAR_PROVIDER_URL = "//www.gravatar.com/avatar"
    client.force_login(a_trainer)
    html = client.get(reverse("wagtailadmin_account")).content.decode()
    assert "gravatar.com/avatar" in html
