"""The e2e fixtures (tests/e2e/conftest.py) for the offline break tests."""

from tests.e2e.conftest import *  # noqa: F403
from tests.e2e.test_offline import offline_course  # noqa: F401
