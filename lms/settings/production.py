"""Production: gunicorn behind a proxy, PostgreSQL and Redis."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *
from .base import SINAU_CREDENTIAL_KEY, env

DEBUG = False


def _secret_key() -> str:
    """DJANGO_SECRET_KEY, refused unless it is long and random enough for
    Django's own deploy check (50+ characters, 5+ different ones, not a
    generated development key) and not a placeholder from the docs."""
    key = env("DJANGO_SECRET_KEY", default="")
    placeholders = ("change-me", "changeme", "secret", "build", "dev-only")
    if (
        len(key) < 50
        or len(set(key)) < 5
        or key.startswith("django-insecure-")
        or any(p in key.lower() for p in placeholders)
    ):
        raise ImproperlyConfigured(
            "Set DJANGO_SECRET_KEY to a long random value, e.g. the output of "
            "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    return key


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 30)
# Off unless the operator owns every subdomain / wants the preload list:
# docs/operating.md, "Deployment checks".
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool(
    "DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False
)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True

# EMAIL_URL, e.g. smtp+tls://user:password@smtp.example.org:587
vars().update(env.email_url("EMAIL_URL", default="smtp://localhost:25"))

# Signed credentials: refuse to start without the issuer key, rather than
# issue certificates nobody can verify (see docs/operating.md, "The credential key").
SINAU_CREDENTIAL_KEY_FILE = env("SINAU_CREDENTIAL_KEY_FILE", default="")
SINAU_CREDENTIAL_KEY_GENERATE = False
if not SINAU_CREDENTIAL_KEY and not os.path.isfile(SINAU_CREDENTIAL_KEY_FILE):
    raise ImproperlyConfigured(
        "Set SINAU_CREDENTIAL_KEY (PEM or multibase Ed25519 private key) or "
        "SINAU_CREDENTIAL_KEY_FILE (path to a PEM file); create one with "
        "`manage.py credential_key --new PATH`."
    )
