"""A task sent from the web process is executed by a real, running worker on
the broker this run is configured with (filesystem by default; Redis when
REDIS_URL is set, as in CI's second run)."""

import pytest
from django.conf import settings
from django.urls import reverse

from lms.tasks import ping
from tests.support.services import redis_url
from tests.support.worker import celery_worker

pytestmark = [pytest.mark.django_db, pytest.mark.worker]


@pytest.fixture
def broker():
    if settings.REDIS_URL:
        redis_url()  # fails in CI, skips elsewhere, when Redis is not reachable
    return settings.CELERY_BROKER_URL


def test_worker_health_page_round_trips_through_the_worker(client, admin_user, broker):
    client.force_login(admin_user)
    with celery_worker() as log:
        response = client.get(reverse("health_worker"))
    assert response.status_code == 200, "".join(log)
    assert response.json() == {"worker": "ok"}
    assert any("lms.ping" in line and "succeeded" in line for line in log)


def test_ping_task_result_comes_back_from_the_worker(broker):
    with celery_worker():
        assert ping.delay("abc").get(timeout=30) == "pong:abc"


@pytest.mark.parametrize("who", ["anonymous", "trainee", "trainer"])
def test_worker_health_page_is_for_staff_only(client, who, a_trainee, a_trainer):
    if who == "trainee":
        client.force_login(a_trainee)
    elif who == "trainer":
        client.force_login(a_trainer)
    response = client.get(reverse("health_worker"))
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_health_page_reports_database_and_cache(client):
    response = client.get(reverse("health"))
    assert response.json() == {"database": "ok", "cache": "ok"}
