"""Local development: `make run`. SQLite and the filesystem broker under var/."""

from .base import *
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-only-not-secret-sinau")
# `SINAU_HOST=0.0.0.0 make run` serves phones on the same network, which
# address the machine by its own IP or name: any host, unless
# DJANGO_ALLOWED_HOSTS names them. A named SINAU_HOST is allowed too.
_SERVED_HOST = env("SINAU_HOST", default="")
if "DJANGO_ALLOWED_HOSTS" not in env:
    if _SERVED_HOST in ("0.0.0.0", "::", "[::]"):  # noqa: S104  (what was asked)
        ALLOWED_HOSTS = ["*"]
    elif _SERVED_HOST and _SERVED_HOST not in ALLOWED_HOSTS:
        ALLOWED_HOSTS = [*ALLOWED_HOSTS, _SERVED_HOST.strip("[]")]
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
