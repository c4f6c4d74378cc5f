import pytest

from content.services import site_ensure
from tests.factories import program_manager, trainee, trainer


@pytest.fixture
def home(db):
    return site_ensure()


@pytest.fixture
def a_trainee(db):
    return trainee()


@pytest.fixture
def a_trainer(db):
    return trainer()


@pytest.fixture
def a_manager(db):
    return program_manager()
