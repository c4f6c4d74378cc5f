import pytest
from django.core.cache import cache

from content.services import site_ensure
from tests.factories import program_manager, trainee, trainer


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (LocMem, or Redis in CI)."""
    cache.clear()


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
