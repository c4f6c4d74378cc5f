"""Break session 2: the cohort import stores names with bidi overrides
(`_plan_check` only truncates the name), which certificates print; the
profile page and the certificate-name page clean them (`person_name_clean`).
See also tests/accounts/test_break2_names.py."""

import pytest

from lms.accounts.models import User
from lms.certificates.services import certificate_name_for
from tests.factories.cohorts import import_through_pages

pytestmark = pytest.mark.django_db

SPOOF = "\u202eanitsirhC iS"


def test_a_cohort_import_cleans_the_name_certificates_print(attacker, cohort_y):
    _preview, done = import_through_pages(
        attacker, cohort_y, f"{SPOOF},0857-1111-3333,,D\n"
    )
    assert done is not None
    user = User.objects.get(phone="+6285711113333")
    assert "\u202e" not in certificate_name_for(user=user), repr(user.display_name)
