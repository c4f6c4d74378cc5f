"""Break tests for issue 22 (offline): the assessments offline fixtures."""

from tests.assessments.conftest import course, learner, quiz  # noqa: F401
from tests.assessments.offline.conftest import client_in, package  # noqa: F401
