"""The attacker's world shared by the trust tests (tests/cohorts/test_trust.py,
test_import_hardening.py, test_mail_consent.py): a trainee who signed up
themselves, and a manager who runs only cohort Y."""

import pytest
from django.test import Client

from tests.factories import trainee
from tests.factories.cohorts import cohort_with
from tests.factories.courses import course_tree

VICTIM_PHONE = "+6281377770001"


@pytest.fixture
def victim(db):
    """A trainee who signed up themselves (their own password)."""
    return trainee(phone=VICTIM_PHONE, email="korban@contoh.id", display_name="Korban")


@pytest.fixture
def cohort_y(home):
    """The attacker's cohort: they manage only this one."""
    return cohort_with(code="angkatan-y", courses=[course_tree()])


@pytest.fixture
def attacker(cohort_y):
    """Cohort Y's manager, logged in."""
    client = Client()
    client.force_login(cohort_y.managers.get())
    return client
