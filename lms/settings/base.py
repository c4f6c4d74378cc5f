"""Settings shared by every environment. Read from the environment with
django-environ; see `.env.example` for every variable."""

from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF, UNSAFE_INLINE

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
# A form sent with an expired or missing token: Sinau's page, not Django's.
CSRF_FAILURE_VIEW = "lms.views.csrf_failure"

INSTALLED_APPS = [
    "lms.accounts",
    "lms",
    "content",
    "courses",
    "assessments",
    "lms.certificates",
    "lms.cohorts",
    "lms.notifications",
    "csp",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "allauth",
    "allauth.account",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    # Wagtail shows times with its naturaltime ("5 minutes ago"); installed,
    # the app brings their Indonesian.
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "lms.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # HTML compressed here, below WhiteNoise (static files are precompressed).
    "lms.middleware.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Where staff browsers reach Sinau, for links workers make
    # (lms/common/addresses.py).
    "lms.common.addresses.ServedAddressMiddleware",
    # Password checks reach the request; right passwords get a device cookie.
    "lms.accounts.devices.DeviceCookieMiddleware",
    # Signed-in responses: Cache-Control private, no-store (docs/operating.md, "Security
    # headers").
    "lms.middleware.PrivateNoStoreMiddleware",
    "lms.middleware.LanguageMiddleware",
    "lms.middleware.ContentCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "lms.urls"
WSGI_APPLICATION = "lms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "lms.context_processors.site",
            ],
        },
    },
]

# Database: SQLite under var/ unless DATABASE_URL names a real server.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'sinau.sqlite3'}")
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(exist_ok=True)
    (VAR_DIR / "static").mkdir(exist_ok=True)
    # WAL lets the web process read while the worker writes.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # synchronous=NORMAL is safe with WAL (no corruption; a power cut
            # may lose the last commits) and saves an fsync per commit.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
        }
    )
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis, when configured, is the Celery broker and the Django cache. The
# cache is an optimisation: with Redis unreachable it answers as an empty
# cache (lms/common/cache.py), so pages come from the database, and a server that
# does not answer costs at most these timeouts (seconds) every few seconds.
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "lms.common.cache.TolerantRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "sinau",
            "OPTIONS": {
                "socket_connect_timeout": env.float(
                    "SINAU_CACHE_CONNECT_TIMEOUT", default=0.5
                ),
                "socket_timeout": env.float("SINAU_CACHE_TIMEOUT", default=1.0),
            },
        }
    }
else:
    # Shared by every process on this machine (web workers, Celery).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": env("DJANGO_CACHE_DIR", default=str(VAR_DIR / "cache")),
        }
    }

# Each process keeps a copy of what it read from the content cache
# (content/cache.py): those entries are keyed on the content version, so they
# never go stale, and the version itself is read from the shared cache.
CACHES["content"] = {
    "BACKEND": "content.backends.ProcessCache",
    "LOCATION": "sinau-content",
    "OPTIONS": {"MAX_ENTRIES": 5000},
}

# Sessions live in the database only. Read through the cache (cached_db),
# a log-out or new log-in made while Redis was unreachable could not remove
# the cached copy, which would then be served again when Redis returned (a
# session brought back to life); one query per request is the price.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

AUTH_USER_MODEL = "accounts.User"
# One backend, so every log-in passes the password throttle (docs/operating.md, "Log-in
# throttling"); limits in allauth's notation, counted in the shared cache.
AUTHENTICATION_BACKENDS = ["lms.accounts.backends.ThrottledAuthenticationBackend"]
SINAU_PASSWORD_RATE_LIMITS = {
    # a person's password, unknown clients: per client address, per account
    "password": env("SINAU_PASSWORD_RATE_LIMIT", default="50/15m/ip,5/15m/key"),
    # a person's password, each known device (device cookie) per account
    "password_device": env("SINAU_PASSWORD_DEVICE_RATE_LIMIT", default="5/15m"),
    # a page or document password, unknown clients: per client address, and
    # per restriction (past which each unknown client gets `…_slow` only)
    "page_password": env(
        "SINAU_PAGE_PASSWORD_RATE_LIMIT", default="30/15m/ip,100/15m/key"
    ),
    "page_password_slow": env("SINAU_PAGE_PASSWORD_SLOW_RATE_LIMIT", default="3/15m"),
    # a page or document password, each known device per restriction
    "page_password_device": env(
        "SINAU_PAGE_PASSWORD_DEVICE_RATE_LIMIT", default="10/15m"
    ),
}
# The device cookie (lms.accounts.devices): a year, renewed at each log-in.
SINAU_DEVICE_COOKIE_NAME = "sinau_device"
SINAU_DEVICE_COOKIE_AGE = 60 * 60 * 24 * 365
# The client address every limit counts (lms.common.http.client_ip) is taken from
# X-Forwarded-For only behind this many proxies of our own (or from the header
# a trusted proxy sets); 0 and unset = the connection's address.
SINAU_TRUSTED_PROXY_COUNT = env.int("DJANGO_TRUSTED_PROXY_COUNT", default=0)
SINAU_TRUSTED_CLIENT_IP_HEADER = env("DJANGO_TRUSTED_CLIENT_IP_HEADER", default=None)
_VALIDATORS = "django.contrib.auth.password_validation"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"{_VALIDATORS}.UserAttributeSimilarityValidator"},
    {
        "NAME": f"{_VALIDATORS}.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": f"{_VALIDATORS}.CommonPasswordValidator"},
    {"NAME": f"{_VALIDATORS}.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

# django-allauth: log in with email or an Indonesian phone number.
ACCOUNT_ADAPTER = "lms.accounts.adapter.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email", "phone"}
ACCOUNT_SIGNUP_FIELDS = ["phone*", "email", "password1*", "password2*"]
ACCOUNT_FORMS = {
    "login": "lms.accounts.forms.LoginForm",
    # lms.accounts' form plus the WhatsApp/SMS opt-in (lms/notifications/forms.py)
    "signup": "lms.notifications.forms.SignupForm",
    "reset_password": "lms.accounts.forms.ResetPasswordForm",
}
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_PHONE_VERIFICATION_ENABLED = False
ACCOUNT_UNIQUE_EMAIL = True
# One address per account, changed on the profile page only (lms/urls.py).
ACCOUNT_MAX_EMAIL_ADDRESSES = 1
ACCOUNT_SESSION_REMEMBER = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
# Sign-up says plainly that a number is taken: clearer for first-time users,
# and no SMS code exists to hide it behind. Log-in errors stay identical, and
# password reset never says whether an address has an account
# (lms.accounts.forms.ResetPasswordForm).
ACCOUNT_PREVENT_ENUMERATION = False
ACCOUNT_RATE_LIMITS = {
    # Password checks are counted by Sinau's throttle, for every form
    # (docs/operating.md, "Log-in throttling"); allauth's request limits on the same
    # forms would refuse (or fail) every log-in while the shared cache is down.
    "login_failed": None,
    "login": None,
    "reauthenticate": None,
    "change_password": None,
    "reset_password": "10/m/ip,3/15m/key",
    "reset_password_from_key": "20/m/ip",
}
DEFAULT_FROM_EMAIL = env(
    "DJANGO_DEFAULT_FROM_EMAIL", default="Sinau <noreply@sinau.local>"
)
EMAIL_BACKEND = env(
    "DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend"
)

# Languages: Bahasa Indonesia first; English is the second.
LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
# The admin account page offers the languages Sinau is translated into, not
# every language Wagtail ships.
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
# Date formats in the page's language (lms/formats/<lang>/formats.py).
FORMAT_MODULE_PATH = ["lms.formats"]
# locale_wagtail/ completes Wagtail's own Indonesian for the admin screens
# trainers and managers use (see `manage.py admin_untranslated`); it is kept
# apart from locale/ so `makemessages` never marks its entries obsolete.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_wagtail"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env("DJANGO_MEDIA_ROOT", default=str(VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Wagtail
WAGTAIL_SITE_NAME = "Sinau"
# Wagtail's own emails; Sinau's links follow lms/common/addresses.py, which falls
# back to this before any browser has reached Sinau.
WAGTAILADMIN_BASE_URL = env(
    "WAGTAILADMIN_BASE_URL",
    default=env("SINAU_PUBLIC_URL", default="") or "http://127.0.0.1:8000",
)
WAGTAIL_I18N_ENABLED = False
# Wagtail's database backend, with bounded queries and field-restricted
# searches that work on SQLite (lms/common/search.py).
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "lms.common.search"}}
WAGTAILIMAGES_FORMAT_CONVERSIONS = {"png": "webp", "jpeg": "webp", "gif": "webp"}
# One reset path: allauth's (/akun/password/reset/), throttled.
WAGTAIL_PASSWORD_RESET_ENABLED = False
WAGTAILADMIN_LOGIN_URL = "wagtailadmin_login"
# No third-party requests from the admin
# (docs/decisions/0017-no-third-party-requests.md): no avatar service (Gravatar is asked
# with a hash of staff emails) and no release-feed check. Set
# WAGTAIL_GRAVATAR_PROVIDER_URL (e.g. "//www.gravatar.com/avatar") or
# WAGTAIL_ENABLE_UPDATE_CHECK=true to turn them back on.
WAGTAIL_GRAVATAR_PROVIDER_URL = env("WAGTAIL_GRAVATAR_PROVIDER_URL", default="") or None
WAGTAIL_ENABLE_UPDATE_CHECK = env.bool("WAGTAIL_ENABLE_UPDATE_CHECK", default=False)

# Celery: the filesystem transport under var/ unless REDIS_URL is set.
if REDIS_URL:
    CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
    CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=REDIS_URL)
    # A request that enqueues work never waits long on a broker that cannot
    # be reached (a host that drops packets, not only a closed port): the
    # send fails fast and the sweeps resend it (lms/common/queue.py).
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "socket_connect_timeout": env.float(
            "SINAU_BROKER_CONNECT_TIMEOUT", default=1.0
        ),
    }
else:
    CELERY_BROKER_DIR = Path(env("CELERY_BROKER_DIR", default=str(VAR_DIR / "broker")))
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT = "lms.common.broker:Transport"  # atomic message files
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "store_processed": False,
        # The folder is polled: Kombu's 1 s default caps a worker at about
        # one task per second per process (certificate batches).
        "polling_interval": env.float("CELERY_BROKER_POLLING_INTERVAL", default=0.02),
    }
    CELERY_RESULT_BACKEND = f"file://{CELERY_BROKER_DIR / 'results'}"
    for _folder in ("queue", "control", "results"):
        (CELERY_BROKER_DIR / _folder).mkdir(parents=True, exist_ok=True)
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = 60 * 60 * 24
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE: dict = {
    "close-expired-quiz-attempts": {
        "task": "assessments.tasks.attempts_close_expired_task",
        "schedule": 300.0,
    },
    # Certificates whose message was lost (flushed broker, killed worker).
    "sweep-certificates": {
        "task": "lms.certificates.tasks.certificates_sweep_task",
        "schedule": 120.0,
    },
    # Exports, regrades and imports whose message was lost (lms/queue.py).
    "sweep-queued-jobs": {
        "task": "lms.tasks.queued_jobs_sweep_task",
        "schedule": 300.0,
    },
    # Practical tasks: voice notes to transcode and feedback emails whose
    # message was lost (assessments/practice/services.py, notify.py).
    "sweep-practice": {
        "task": "assessments.tasks.practice_sweep_task",
        "schedule": 300.0,
    },
    # Practical tasks due within 48 hours and not sent yet: one reminder
    # per trainee, task and due date (assessments/practice/notify.py).
    "task-deadlines": {
        "task": "assessments.tasks.task_deadlines_notify_task",
        "schedule": 60.0 * 60,
    },
}
# A queued job still pending this many seconds after it was requested is
# sent again by the sweep (its message was lost).
SINAU_JOB_SWEEP_AFTER = env.int("SINAU_JOB_SWEEP_AFTER", default=600)

# Sinau
SINAU_HELP_URL = env("SINAU_HELP_URL", default="https://wa.me/6281234567890")
SINAU_HELP_LABEL = env("SINAU_HELP_LABEL", default="")
SINAU_DEMO_PASSWORD = env("SINAU_DEMO_PASSWORD", default="sinau-demo-2026")

# Private storage (lms/common/storage.py): cohort exports and certificate files,
# served only through views that check access.
PRIVATE_MEDIA_ROOT = env("DJANGO_PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "private"))
STORAGES["private"] = {"BACKEND": "lms.common.storage.PrivateFileSystemStorage"}
# Inactivity reminders (through lms.notifications: 07:00, 13:00 and 19:00,
# outside quiet hours) and the managers' weekly summary (Monday 07:00), in
# CELERY_TIMEZONE (WIB). The reminders page shows the next run from here.
CELERY_BEAT_SCHEDULE["cohort-inactivity-reminders"] = {
    "task": "lms.cohorts.tasks.cohort_reminders_task",
    "schedule": crontab(minute=0, hour="7,13,19"),
}
CELERY_BEAT_SCHEDULE["cohort-weekly-summary"] = {
    "task": "lms.cohorts.tasks.cohort_summaries_task",
    "schedule": crontab(minute=0, hour=7, day_of_week=1),
}
# The address every public link starts with (QR codes, WhatsApp shares,
# set-password and email links, the credential issuer's did:web). Unset:
# the address the request came to, or for workers the one browsers last
# used (lms/common/addresses.py). Set it in production.
SINAU_PUBLIC_URL = env("SINAU_PUBLIC_URL", default="")
SINAU_CERTIFICATE_MAX_RETRIES = env.int("SINAU_CERTIFICATE_MAX_RETRIES", default=5)
SINAU_CERTIFICATE_RETRY_BACKOFF = env.float(
    "SINAU_CERTIFICATE_RETRY_BACKOFF", default=2.0
)
SINAU_CERTIFICATE_SWEEP_AFTER = env.int("SINAU_CERTIFICATE_SWEEP_AFTER", default=300)
SINAU_CERTIFICATE_FAILED_RETRY_AFTER = env.int(
    "SINAU_CERTIFICATE_FAILED_RETRY_AFTER", default=3600
)
# Verify pages: requests per client per minute (counted in the shared cache).
SINAU_VERIFY_RATE_PER_MINUTE = env.int("SINAU_VERIFY_RATE_PER_MINUTE", default=30)
# Changes of the printed name per trainee per day: each renders and signs
# every issued certificate again on the worker.
SINAU_NAME_CORRECTIONS_PER_DAY = env.int("SINAU_NAME_CORRECTIONS_PER_DAY", default=5)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {"django_tasks": {"level": "WARNING"}},
}

# Signed credentials (lms/certificates/keys.py): the issuer's Ed25519 key, as
# PEM or multibase text in SINAU_CREDENTIAL_KEY, or a PEM file. Development
# and tests generate the file when it is missing; production requires a key.
SINAU_CREDENTIAL_KEY = env("SINAU_CREDENTIAL_KEY", default="")
SINAU_CREDENTIAL_KEY_FILE = env(
    "SINAU_CREDENTIAL_KEY_FILE", default=str(VAR_DIR / "credential-key.pem")
)
SINAU_CREDENTIAL_KEY_GENERATE = False
# One-time password links trainers send to trainees without email (hours).
SINAU_PASSWORD_LINK_HOURS = env.int("SINAU_PASSWORD_LINK_HOURS", default=72)
# Cohort imports: files one person may upload in any hour (each upload is a
# CohortImport row, so the bound holds without the cache).
SINAU_IMPORT_FILES_PER_HOUR = env.int("SINAU_IMPORT_FILES_PER_HOUR", default=10)

# Content-Security-Policy (django-csp, docs/operating.md, "Security headers"): every
# page loads only this site's own files; no inline script or style attribute, no
# plugins, no framing, forms post only here. No third-party host anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "blob:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}
# The Wagtail admin (and the previews it frames) still writes inline scripts
# (widget set-up: choosers, date pickers, inline panels) and inline styles
# (wagtail/wagtail#1288), so under these paths scripts and styles may also
# be inline and the admin may frame its own previews. Everything else stays
# as strict: still no third-party host.
SINAU_ADMIN_CSP_PATHS = ("/admin/",)
SINAU_ADMIN_CONTENT_SECURITY_POLICY = {
    **CONTENT_SECURITY_POLICY["DIRECTIVES"],
    "script-src": [SELF, UNSAFE_INLINE],
    "style-src": [SELF, UNSAFE_INLINE],
    "frame-ancestors": [SELF],
}

# Notifications (lms/notifications/): one service, a ladder of channels.
# A channel is on when its settings are present; `sinau` (the list in the
# header) is always on and `hand` (wa.me links a trainer sends) is last.
SINAU_NOTIFICATION_SENDERS = {
    "email": "lms.notifications.channels.email.EmailSender",
    "hand": "lms.notifications.channels.hand.HandSender",
}
SINAU_NOTIFICATION_LADDER = env.list(
    "SINAU_NOTIFICATION_LADDER", default=["whatsapp", "sms", "push", "email", "hand"]
)
SINAU_NOTIFICATION_BY_HAND = env.bool("SINAU_NOTIFICATION_BY_HAND", default=True)
# Estimated cost of one message, in rupiah: WhatsApp utility template
# outside the 24-hour window (about US$0.02), SMS through a local aggregator.
SINAU_NOTIFICATION_RATES = {
    "whatsapp": env.int("SINAU_RATE_WHATSAPP", default=320),
    "sms": env.int("SINAU_RATE_SMS", default=200),
    "push": 0,
    "email": 0,
    "hand": 0,
    "sinau": 0,
}
# No messages between these hours (start, end) in this time zone, except
# password links; (0, 0) turns quiet hours off.
SINAU_QUIET_HOURS = tuple(env.list("SINAU_QUIET_HOURS", cast=int, default=[21, 6]))
SINAU_QUIET_TIME_ZONE = env("SINAU_QUIET_TIME_ZONE", default="Asia/Jakarta")
SINAU_NOTIFICATION_RETRIES = env.int("SINAU_NOTIFICATION_RETRIES", default=3)
SINAU_NOTIFICATION_RETRY_BACKOFF = env.float(
    "SINAU_NOTIFICATION_RETRY_BACKOFF", default=30.0
)
SINAU_NOTIFICATION_SWEEP_AFTER = env.int("SINAU_NOTIFICATION_SWEEP_AFTER", default=600)
# Offline quiz answers (assessments/offline): how much longer than the time
# limit the time from saving a quiz to its sync may be and still count as
# provably in time, in seconds.
SINAU_OFFLINE_GRACE_SECONDS = env.int("SINAU_OFFLINE_GRACE_SECONDS", default=120)
# The largest offline sync body accepted, in bytes.
SINAU_OFFLINE_SYNC_MAX_BYTES = env.int(
    "SINAU_OFFLINE_SYNC_MAX_BYTES", default=1_048_576
)
# Refused offline items stored per trainee in any 24 hours (more are
# answered but not stored: assessments/offline/services.py).
SINAU_OFFLINE_REFUSALS_PER_DAY = env.int("SINAU_OFFLINE_REFUSALS_PER_DAY", default=200)
CELERY_BEAT_SCHEDULE["sweep-notifications"] = {
    "task": "lms.notifications.tasks.notifications_sweep_task",
    "schedule": 300.0,
}

# Notification channels outside Sinau (lms/notifications/channels/, README
# "Turning channels on"). Each is on when its settings are present.
SINAU_NOTIFICATION_SENDERS |= {
    "whatsapp": "lms.notifications.channels.whatsapp.WhatsAppSender",
    "sms": "lms.notifications.channels.sms.SmsSender",
    "push": "lms.notifications.channels.push.PushSender",
}
# Seconds to connect to, and to wait for, a provider (WhatsApp, SMS, push).
SINAU_NOTIFICATION_HTTP_TIMEOUT = env.float(
    "SINAU_NOTIFICATION_HTTP_TIMEOUT", default=10.0
)
# Webhook bodies larger than this are refused (bytes).
SINAU_WEBHOOK_MAX_BYTES = env.int("SINAU_WEBHOOK_MAX_BYTES", default=1_000_000)
# WhatsApp Cloud API (docs/whatsapp-templates.md).
SINAU_WHATSAPP_API_URL = env(
    "SINAU_WHATSAPP_API_URL", default="https://graph.facebook.com/v21.0"
)
SINAU_WHATSAPP_TOKEN = env("SINAU_WHATSAPP_TOKEN", default="")
SINAU_WHATSAPP_PHONE_NUMBER_ID = env("SINAU_WHATSAPP_PHONE_NUMBER_ID", default="")
SINAU_WHATSAPP_APP_SECRET = env("SINAU_WHATSAPP_APP_SECRET", default="")
SINAU_WHATSAPP_VERIFY_TOKEN = env("SINAU_WHATSAPP_VERIFY_TOKEN", default="")
SINAU_WHATSAPP_LANGUAGE = env("SINAU_WHATSAPP_LANGUAGE", default="id")
# SMS through an HTTP gateway (docs/sms-gateway.md).
SINAU_SMS_GATEWAY_URL = env("SINAU_SMS_GATEWAY_URL", default="")
SINAU_SMS_GATEWAY_TOKEN = env("SINAU_SMS_GATEWAY_TOKEN", default="")
SINAU_SMS_GATEWAY_FORMAT = env("SINAU_SMS_GATEWAY_FORMAT", default="json")
SINAU_SMS_GATEWAY_NUMBER_FORMAT = env(
    "SINAU_SMS_GATEWAY_NUMBER_FORMAT", default="digits"
)
SINAU_SMS_GATEWAY_TO_FIELD = env("SINAU_SMS_GATEWAY_TO_FIELD", default="to")
SINAU_SMS_GATEWAY_TEXT_FIELD = env("SINAU_SMS_GATEWAY_TEXT_FIELD", default="message")
SINAU_SMS_GATEWAY_SENDER_FIELD = env("SINAU_SMS_GATEWAY_SENDER_FIELD", default="")
SINAU_SMS_GATEWAY_SENDER = env("SINAU_SMS_GATEWAY_SENDER", default="")
SINAU_SMS_GATEWAY_ID_FIELD = env("SINAU_SMS_GATEWAY_ID_FIELD", default="id")
SINAU_SMS_GATEWAY_ERROR_FIELD = env("SINAU_SMS_GATEWAY_ERROR_FIELD", default="")
SINAU_SMS_GATEWAY_EXTRA = env.json("SINAU_SMS_GATEWAY_EXTRA", default={})
SINAU_SMS_REPORT_TOKEN = env("SINAU_SMS_REPORT_TOKEN", default="")
SINAU_SMS_REPORT_ID_FIELD = env("SINAU_SMS_REPORT_ID_FIELD", default="id")
SINAU_SMS_REPORT_STATUS_FIELD = env("SINAU_SMS_REPORT_STATUS_FIELD", default="status")
SINAU_SMS_REPORT_ERROR_FIELD = env("SINAU_SMS_REPORT_ERROR_FIELD", default="")
SINAU_SMS_REPORT_STATUS_MAP = env.json(
    "SINAU_SMS_REPORT_STATUS_MAP",
    default={
        "SENT": "sent",
        "ACCEPTD": "sent",
        "DELIVRD": "delivered",
        "DELIVERED": "delivered",
        "UNDELIV": "failed",
        "UNDELIVERED": "failed",
        "FAILED": "failed",
        "REJECTD": "failed",
        "REJECTED": "failed",
        "EXPIRED": "failed",
    },
)
SINAU_SMS_INBOUND_FROM_FIELD = env("SINAU_SMS_INBOUND_FROM_FIELD", default="from")
SINAU_SMS_INBOUND_TEXT_FIELD = env("SINAU_SMS_INBOUND_TEXT_FIELD", default="text")
# Web push (VAPID, RFC 8292): `manage.py vapid_keys` prints a key pair.
SINAU_VAPID_PUBLIC_KEY = env("SINAU_VAPID_PUBLIC_KEY", default="")
SINAU_VAPID_PRIVATE_KEY = env("SINAU_VAPID_PRIVATE_KEY", default="")
SINAU_VAPID_PRIVATE_KEY_FILE = env("SINAU_VAPID_PRIVATE_KEY_FILE", default="")
SINAU_VAPID_SUBJECT = env("SINAU_VAPID_SUBJECT", default="")
# How long a push service keeps a message for a phone that is off (seconds).
SINAU_PUSH_TTL = env.int("SINAU_PUSH_TTL", default=86_400)
