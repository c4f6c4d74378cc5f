"""pytest. Same services as dev unless DATABASE_URL / REDIS_URL are set."""

import os
from pathlib import Path

# Keep the test broker's queue apart from the one `make run` uses.
os.environ.setdefault(
    "CELERY_BROKER_DIR",
    str(Path(__file__).resolve().parents[2] / "var" / "test-broker"),
)

from .base import *
from .base import env

DEBUG = False
SECRET_KEY = "test-only-not-secret"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"] = {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
MEDIA_ROOT = env("DJANGO_MEDIA_ROOT", default=str(VAR_DIR / "test-media"))
# allauth's own limits are off in tests (many sign-ups from one address);
# the throttle tests switch these back on.
ACCOUNT_RATE_LIMITS_DEPLOYED = ACCOUNT_RATE_LIMITS
PRIVATE_MEDIA_ROOT = env(
    "DJANGO_PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "test-private")
)
ACCOUNT_RATE_LIMITS = False
LOGGING["root"]["level"] = "WARNING"

if not REDIS_URL:
    # Room for what Redis would keep: the cohort dashboard keeps two entries
    # per trainee (lms/cohorts/facts.py), and LocMem's default of 300
    # entries would cull them in tests with hundreds of trainees.
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    }

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory, so a real Celery worker process can share it.
    DATABASES["default"]["TEST"] = {
        "NAME": env("DJANGO_TEST_DB", default=str(VAR_DIR / "test-db.sqlite3"))
    }

# A key of the test run's own, generated on first use.
SINAU_CREDENTIAL_KEY = ""
SINAU_CREDENTIAL_KEY_FILE = str(VAR_DIR / "test-credential-key.pem")
SINAU_CREDENTIAL_KEY_GENERATE = True

# An operator's explicit public address, as production sets it (a worker a
# test starts may be given another); the tests of the rule without one
# (tests/lms/test_public_links.py, the browser tests) clear it.
SINAU_PUBLIC_URL = env("SINAU_PUBLIC_URL", default="http://127.0.0.1:8000")

# No quiet hours by default, so a test's result never depends on the hour
# it runs at; the quiet-hours tests turn them on (21-06 WIB), and a test's
# worker process takes them from its environment.
SINAU_QUIET_HOURS = tuple(env.list("SINAU_QUIET_HOURS", cast=int, default=[0, 0]))
