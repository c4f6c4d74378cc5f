"""Production: gunicorn behind a proxy, PostgreSQL and Redis."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *
from .base import SINAU_CREDENTIAL_KEY, env

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 30)
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True

# EMAIL_URL, e.g. smtp+tls://user:password@smtp.example.org:587
vars().update(env.email_url("EMAIL_URL", default="smtp://localhost:25"))

# Signed credentials: refuse to start without the issuer key, rather than
# issue certificates nobody can verify (see "Credentials" in the README).
SINAU_CREDENTIAL_KEY_FILE = env("SINAU_CREDENTIAL_KEY_FILE", default="")
SINAU_CREDENTIAL_KEY_GENERATE = False
if not SINAU_CREDENTIAL_KEY and not os.path.isfile(SINAU_CREDENTIAL_KEY_FILE):
    raise ImproperlyConfigured(
        "Set SINAU_CREDENTIAL_KEY (PEM or multibase Ed25519 private key) or "
        "SINAU_CREDENTIAL_KEY_FILE (path to a PEM file); create one with "
        "`manage.py credential_key --new PATH`."
    )
