import pytest
from django.urls import reverse

from tests.factories import trainee
from tests.factories.cohorts import cohort_with, trainees_bulk

pytestmark = pytest.mark.django_db


def test_smoke(client, home):
    cohort = cohort_with()
    trainees_bulk(cohort, 3, done_lessons=1)
    client.force_login(cohort.managers.get())
    for url in [
        reverse("cohorts:list"),
        reverse("cohorts:dashboard", args=[cohort.pk]),
        reverse("cohorts:dashboard", args=[cohort.pk]) + "?show=at_risk&sort=-progress",
        reverse("cohorts:import", args=[cohort.pk]),
        reverse("cohorts:cohort_exports", args=[cohort.pk]),
        reverse("cohorts:exports"),
        reverse("cohorts:trainee", args=[cohort.pk, cohort.memberships.first().user_id]),
        "/admin/angkatan/",
        f"/admin/angkatan/edit/{cohort.pk}/",
        "/admin/",
    ]:
        r = client.get(url)
        assert r.status_code == 200, url
