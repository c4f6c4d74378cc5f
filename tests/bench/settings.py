"""Production-like settings for benchmarks: DEBUG off, real WSGI server."""

import hashlib
import os

# Production settings refuse short or placeholder keys; this one is long,
# the same in every gunicorn worker, and known to be for benchmarks only.
os.environ.setdefault(
    "DJANGO_SECRET_KEY", "bench-" + hashlib.sha256(b"sinau benchmarks").hexdigest()
)
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
# The public W3C vc-di-eddsa test-vector key: never a real issuer's.
os.environ.setdefault(
    "SINAU_CREDENTIAL_KEY", "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq"
)

from lms.settings.production import *  # noqa: F403

SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
ROOT_URLCONF = "tests.bench.urls"
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
LOGGING["root"]["level"] = "WARNING"  # noqa: F405

# Keep each bench database's cache entries apart (two benches may share one
# Redis database): the prefix names the database.
_NAME = str(DATABASES["default"]["NAME"]).rsplit("/", 1)[-1]  # noqa: F405
if CACHES["default"]["BACKEND"].endswith("RedisCache"):  # noqa: F405
    CACHES["default"]["KEY_PREFIX"] = f"bench-{_NAME}"  # noqa: F405
