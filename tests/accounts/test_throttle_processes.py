"""The throttle lives in the shared cache: failures counted by one process
(another gunicorn worker, another machine) lock the account in every other."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from lms.accounts.throttle import PasswordCheckThrottled, password_check
from tests.support.services import redis_url

ROOT = Path(__file__).resolve().parents[2]

FAIL_FIVE_TIMES = """
import django
django.setup()
from lms.accounts.throttle import password_check
for _n in range(5):
    with password_check(request=None, key={key!r}):
        pass  # a wrong password: not passed
"""


@pytest.fixture
def redis_cache(settings):
    url = redis_url()
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "sinau",
        }
    }
    return url


def test_failures_in_another_process_lock_the_account_here(redis_cache):
    key = f"id:+62813{uuid.uuid4().int % 10**8:08d}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lms.settings.test",
        "REDIS_URL": redis_cache,
    }
    result = subprocess.run(
        [sys.executable, "-c", FAIL_FIVE_TIMES.format(key=key)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    with pytest.raises(PasswordCheckThrottled), password_check(request=None, key=key):
        pytest.fail("the password was checked")


def test_a_fresh_account_is_not_locked(redis_cache):
    key = f"id:+62813{uuid.uuid4().int % 10**8:08d}"
    with password_check(request=None, key=key) as check:
        check.passed = True
