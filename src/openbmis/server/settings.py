"""Django settings, derived from :mod:`openbmis.server.config` (``OPENBMIS_*`` variables).

Nothing here reads the environment directly: the config module validates every value
first, so a bad value stops start-up with a message naming the variable.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url

from openbmis.server import config as _config

CONFIG = _config.load()
PACKAGE_DIR = Path(__file__).resolve().parent.parent

DEBUG = CONFIG.debug
SECRET_KEY = CONFIG.secret_key
ALLOWED_HOSTS = list(CONFIG.allowed_hosts)
CSRF_TRUSTED_ORIGINS = list(CONFIG.csrf_trusted_origins)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",  # intcomma: figures grouped the reader's language's way
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "openbmis.core",
    "openbmis.audit",
    "openbmis.borderposts",
    "openbmis.accounts",
    "openbmis.documents",
    "openbmis.trust",
    "openbmis.travellers",
    "openbmis.inspections",
    "openbmis.watchlists",
    "openbmis.permits",
    "openbmis.statistics",
    "openbmis.network",
    "openbmis.manifests",
    "openbmis.capacity",
    "openbmis.retention",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "openbmis.core.middleware.RequestIdMiddleware",
    "openbmis.core.middleware.SecureHeadersMiddleware",
    "openbmis.core.middleware.ApiErrorsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "openbmis.accounts.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "openbmis.core.middleware.PageErrorsMiddleware",
]

ROOT_URLCONF = "openbmis.server.urls"
WSGI_APPLICATION = "openbmis.server.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "openbmis.accounts.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {"default": dj_database_url.parse(CONFIG.database_url, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout keep a single-post SQLite installation responsive under
    # concurrent counters; IMMEDIATE transactions avoid "database is locked" upgrades.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif CONFIG.database_prepared_statements:
    # Parameters bound on the server, and a statement run five times on a connection is prepared: PostgreSQL
    # then stops parsing and planning the counter's same dozen queries on every inspection (docs/benchmarks.md).
    DATABASES["default"].setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["openbmis.accounts.backends.LockoutModelBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "openbmis.accounts.passwords.KnownPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sessions expire after a period of inactivity (each request renews them) and when the
# browser closes: counters are shared machines.
SESSION_COOKIE_AGE = CONFIG.session_idle_minutes * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = CONFIG.secure_cookies
CSRF_COOKIE_SECURE = CONFIG.secure_cookies
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_HSTS_SECONDS = 31536000
if CONFIG.trusted_proxy:
    # `openbmis serve` lets waitress believe X-Forwarded-Proto from this address only (it drops the
    # header from anyone else), so the header Django sees is the proxy's. See docs/security.md.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

OPENBMIS_LOCKOUT_ATTEMPTS = CONFIG.lockout_attempts
OPENBMIS_LOCKOUT_MINUTES = CONFIG.lockout_minutes
OPENBMIS_ADDRESS_LOCKOUT_ATTEMPTS = CONFIG.address_lockout_attempts
# Production refuses public credentials (the demo, its password) and needs an enrolment code for a first TOTP.
OPENBMIS_PRODUCTION = CONFIG.mode == "production"
OPENBMIS_INSTALLATION = CONFIG.installation
OPENBMIS_STATISTICS_MIN_CELL = CONFIG.statistics_min_cell
OPENBMIS_RETROACTIVE_SCREENING_DAYS = CONFIG.retroactive_screening_days
OPENBMIS_OVERSTAY_RETENTION_DAYS = CONFIG.overstay_retention_days
OPENBMIS_CROSSING_RETENTION_DAYS = CONFIG.crossing_retention_days
OPENBMIS_CHIP_READ_RETENTION_DAYS = CONFIG.chip_read_retention_days
OPENBMIS_IMAGE_RETENTION_DAYS = CONFIG.image_retention_days
OPENBMIS_MANIFEST_RETENTION_DAYS = CONFIG.manifest_retention_days
OPENBMIS_PERMIT_RETENTION_DAYS = CONFIG.permit_retention_days
OPENBMIS_BLOCKING_CHECKS = CONFIG.blocking_checks
OPENBMIS_OVERRIDE_ROLES = CONFIG.override_roles
OPENBMIS_OVERRIDE_FOUR_EYES = CONFIG.override_four_eyes
OPENBMIS_STALE_INSPECTION_MINUTES = CONFIG.stale_inspection_minutes
OPENBMIS_UPLOAD_LIMITS = {kind: megabytes * 2**20 for kind, megabytes in CONFIG.upload_max_mb}
# The screening index saved for new processes to map instead of building (openbmis.watchlists.matching).
OPENBMIS_SCREENING_INDEX_DIR = CONFIG.data_dir / "screening-index"
OPENBMIS_AUDIT_KEY_FILE = CONFIG.audit_key_file
OPENBMIS_AUDIT_SIGNING_KEY_FILE = CONFIG.audit_signing_key_file
OPENBMIS_DATA_KEYS_FILE = CONFIG.data_keys_file
OPENBMIS_AUDIT_CHECKPOINT_FILE = CONFIG.audit_checkpoint_file
OPENBMIS_AUDIT_REF_KEY = CONFIG.audit_ref_key
OPENBMIS_CERTIFICATION_ON_ASSIGN = CONFIG.certification_on_assign
OPENBMIS_CERTIFICATE_EXPIRY = CONFIG.certificate_expiry
OPENBMIS_CERTIFICATE_WARN_DAYS = CONFIG.certificate_warn_days
OPENBMIS_SYNC_BATCH = CONFIG.sync_batch
OPENBMIS_SYNC_TRANSPORT = CONFIG.sync_transport
OPENBMIS_NATS_URL = CONFIG.nats_url
OPENBMIS_NODE_KEEP_DAYS = CONFIG.node_keep_days
OPENBMIS_SYNC_INTERVAL = CONFIG.sync_interval
OPENBMIS_NATS_ACK_WAIT = CONFIG.nats_ack_wait
OPENBMIS_NATS_DOMAIN = CONFIG.nats_domain

LANGUAGE_CODE = CONFIG.languages[0]
LANGUAGES = [(code, _config.KNOWN_LANGUAGES[code]) for code in CONFIG.languages]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = CONFIG.time_zone
FORMAT_MODULE_PATH = ["openbmis.formats"]  # ISO dates in every language (openbmis/formats)

STATIC_URL = "/static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]  # the project-wide assets (apps keep their own in <app>/static)
# Only set once `collectstatic` has made it; until then WhiteNoise serves from the package.
if (CONFIG.data_dir / "static").is_dir():
    STATIC_ROOT = CONFIG.data_dir / "static"
WHITENOISE_USE_FINDERS = True  # serve from the package without a collectstatic step
# Uploaded files (document images) live under the data directory and are served only through
# permission-checked views, never as static files.
MEDIA_ROOT = CONFIG.data_dir / "media"
# Signs the document library bundles headquarters exports (made on first export; its .pub beside it).
OPENBMIS_DOCUMENTS_SIGNING_KEY_FILE = CONFIG.data_dir / "documents-signing-key.pem"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# No PII in logs: only our own modules log, at INFO, and they log hashes, never names
# or document numbers (see openbmis.core.pii).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "openbmis.server.logs.StderrHandler", "formatter": "plain"}},
    "loggers": {
        # propagate=False: the root logger (set up by waitress or a test runner) would print each line again
        "openbmis": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}

NINJA_PAGINATION_PER_PAGE = 50

