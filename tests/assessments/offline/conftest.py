"""Fixtures for the offline tests: the assessments fixtures (course,
learner, quiz) plus a signed-in client and a package."""

import json

import pytest
from django.urls import reverse

from assessments.offline.services import package_make
from tests.assessments.conftest import course, learner, quiz  # noqa: F401


@pytest.fixture
def client_in(client, learner):  # noqa: F811
    client.force_login(learner)
    return client


@pytest.fixture
def package(learner, quiz):  # noqa: F811
    return package_make(user=learner, quiz=quiz)


def sync_post(client, items: list) -> dict:
    """POST `items` to the sync endpoint; the JSON answer (asserting 200)."""
    response = client.post(
        reverse("assessments:offline_sync"),
        json.dumps({"items": items}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    return response.json()
