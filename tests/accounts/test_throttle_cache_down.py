"""With the shared cache unreachable (Redis down: a closed port here), the
password throttle answers no 500: it counts in each process's memory, so a
known device still logs in and unknown clients are still limited."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from lms.accounts import devices
from lms.accounts.throttle import ACCOUNT, PAGE, PasswordCheckThrottled, password_check
from lms.common import ratelimit
from tests.factories import trainee

pytestmark = pytest.mark.django_db

CLOSED_PORT = "redis://127.0.0.1:9/0"


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CLOSED_PORT,
            "KEY_PREFIX": "sinau",
        },
    }
    ratelimit.local_cache.clear()
    yield
    ratelimit.local_cache.clear()


def _request(ip="10.1.1.1", cookie=None):
    request = RequestFactory().post("/akun/login/", REMOTE_ADDR=ip)
    if cookie:
        request.COOKIES[devices.settings.SINAU_DEVICE_COOKIE_NAME] = cookie
    return request


def _device_cookie(key: str) -> str:
    request, response = _request(), HttpResponse()
    devices.device_grant(request, key)
    devices.device_cookie_set(request, response)
    return response.cookies[devices.settings.SINAU_DEVICE_COOKIE_NAME].value


def _fail(request, key, action=ACCOUNT):
    with password_check(request=request, key=key, action=action):
        pass


def test_the_cache_really_is_down(redis_down):
    from django.core.cache import cache
    from redis.exceptions import ConnectionError as RedisConnectionError

    with pytest.raises(RedisConnectionError):
        cache.get("anything")


def test_a_known_device_logs_in_with_the_cache_down(redis_down):
    user = trainee()
    key = f"user:{user.pk}"
    for n in range(5):
        _fail(_request(ip=f"198.51.100.{n}"), key)
    with pytest.raises(PasswordCheckThrottled):
        _fail(_request(ip="198.51.100.9"), key)
    known = _request(cookie=_device_cookie(key))
    with password_check(request=known, key=key) as check:
        check.passed = True


def test_unknown_clients_are_still_limited_with_the_cache_down(redis_down):
    key = "user:4242"
    for n in range(5):
        _fail(_request(ip=f"198.51.100.{n}"), key)
    with (
        pytest.raises(PasswordCheckThrottled),
        password_check(request=_request(ip="198.51.100.77"), key=key),
    ):
        pytest.fail("the password was checked")


def test_page_passwords_are_checked_with_the_cache_down(redis_down):
    key = "wagtailcore.pageviewrestriction:1"
    for n in range(3):
        _fail(_request(ip=f"198.51.100.{n}"), key, action=PAGE)
    with password_check(request=_request(), key=key, action=PAGE) as check:
        check.passed = True
