"""Local development: `make run`. SQLite and the filesystem broker under var/."""

from .base import *
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-only-not-secret-sinau")
EMAIL_BACKEND = env(
    "DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
)
STORAGES["staticfiles"] = {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
SINAU_CREDENTIAL_KEY_GENERATE = True  # var/credential-key.pem, made when missing
# `make run` serves compressed too: in development WhiteNoise serves static
# files from the app folders without precompressed copies, so gzip runs
# above it here (HTML and static). Production keeps it below WhiteNoise,
# which sends its precompressed copies (base.py).
MIDDLEWARE = [m for m in MIDDLEWARE if m != "lms.middleware.GZipMiddleware"]
MIDDLEWARE.insert(
    MIDDLEWARE.index("whitenoise.middleware.WhiteNoiseMiddleware"),
    "lms.middleware.GZipMiddleware",
)
