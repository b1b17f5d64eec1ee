"""Jiuye settings: one file, read from the environment (see sample.env for every variable).

Defaults run a fresh clone on the embedded SQLite database with development keys; production
behaviour (DEBUG off, HTTPS, real keys) is switched on by environment and refuses development
secrets.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from jiuye.core.env import development_secrets, env_bool, env_int, env_list, env_secret, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("JIUYE_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", True)

DEV_SECRET_KEY = "dev-only-insecure-secret-key-do-not-use-in-production-0123456789"
SECRET_KEY = env_secret("SECRET_KEY", DEV_SECRET_KEY)

# Field encryption: "kid:base64key[,kid:base64key...]"; the first key encrypts, all decrypt.
DEV_FIELD_KEYS = "dev1:ZGV2LW9ubHktZmllbGQta2V5LTMyLWJ5dGVzLWxvbmc="
FIELD_ENCRYPTION_KEYS = env_secret("FIELD_ENCRYPTION_KEYS", DEV_FIELD_KEYS)
DEV_BLIND_INDEX_KEY = "ZGV2LW9ubHktYmxpbmQtaW5kZXgta2V5LTMyYnl0ZXM="
BLIND_INDEX_KEY = env_secret("BLIND_INDEX_KEY", DEV_BLIND_INDEX_KEY)

DEV_SECRETS = {
    "SECRET_KEY": DEV_SECRET_KEY,
    "FIELD_ENCRYPTION_KEYS": DEV_FIELD_KEYS,
    "BLIND_INDEX_KEY": DEV_BLIND_INDEX_KEY,
}
if not DEBUG:
    _dev_in_use = development_secrets(
        SECRET_KEY, FIELD_ENCRYPTION_KEYS, BLIND_INDEX_KEY, dev=DEV_SECRETS
    )
    if _dev_in_use:
        raise ImproperlyConfigured(
            f"These settings still use a published development value: {', '.join(_dev_in_use)}."
            " Set real values when DEBUG is off."
        )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "auditlog",
    "django_tasks",
    "django_tasks_db",
    "jiuye.core",
    "jiuye.accounts",
    "jiuye.reference",
    "jiuye.people",
    "jiuye.employers",
    "jiuye.employment",
    "jiuye.casework",
    "jiuye.jobs",
    "jiuye.training",
    "jiuye.programs",
    "jiuye.notifications",
    "jiuye.actionplan",
    "jiuye.dashboards",
    "jiuye.api",
    # django-ninja's own templates and static files: its docs page is served from our static
    # files, never from a CDN (ninja falls back to a CDN page when it is not installed).
    "ninja",
    "jiuye.grievances",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "jiuye.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "jiuye.accounts.middleware.SessionLimitsMiddleware",
    "jiuye.accounts.middleware.SecondFactorMiddleware",
    "jiuye.accounts.middleware.ApplicantGateMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "jiuye.core.middleware.SecurityHeadersMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "jiuye.core.navigation.navigation",
                "jiuye.notifications.selectors.unread_badge",
            ],
        },
    },
]
# Our field template (labels, hints, inline errors tied by aria-describedby) overrides Django's.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'jiuye.sqlite3'}"), conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers continue while the task worker writes; IMMEDIATE avoids
        # "database is locked" on write upgrades inside transactions.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

# A PostgreSQL streaming replica for the pages that only show figures (jiuye.core.replica).
if env_str("DATABASE_REPLICA_URL", ""):
    DATABASES["replica"] = dj_database_url.parse(
        env_str("DATABASE_REPLICA_URL", ""), conn_max_age=60
    )
    # Tests run on one database; the replica alias reads the same test database.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
JIUYE_READ_REPLICA = env_bool("JIUYE_READ_REPLICA", "replica" in DATABASES)
DATABASE_ROUTERS = ["jiuye.core.replica.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, loading the user's town, department, employer or person with it.
    "jiuye.accounts.backends.UserBackend",
]
# New passwords are hashed with Argon2id (ADR 0018); the PBKDF2 hashes stored before it are
# still checked, and re-hashed with Argon2id when their owner next signs in.
PASSWORD_HASHERS = [
    "jiuye.accounts.passwords.Argon2idHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "jiuye.accounts.passwords.RoleMinimumLengthValidator"},
    {"NAME": "jiuye.accounts.passwords.RepeatedCharactersValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sessions: idle sessions end after SESSION_IDLE_MINUTES, any session after SESSION_MAX_HOURS.
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 30)
SESSION_MAX_HOURS = env_int("SESSION_MAX_HOURS", 12)
SESSION_COOKIE_AGE = SESSION_MAX_HOURS * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Login lockout (django-axes): 5 failures for one user name lock it for 30 minutes.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = ["username"]
# Lockout is per account on purpose: a whole town office shares one NAT address, and locking it
# would let one mistyped password stop everyone. Rotating agents or cookies doesn't get past a
# per-username lock, which is what axes.W006 warns about.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "jiuye.accounts.views.lockout_response"
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = env_int("AXES_PROXY_COUNT", 0)

OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "就业平台 Jiuye")

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "media/"
# Uploaded files: any Django storage backend (docs/deployment.md). The personal ones are sealed
# by jiuye.core.storage before they reach it. JIUYE_STORAGE_BACKEND names the backend's class
# (the file system under MEDIA_ROOT by default; "storages.backends.s3.S3Storage" for
# S3-compatible object storage, with `pip install .[s3]`), JIUYE_STORAGE_OPTIONS its options as
# a JSON object (e.g. {"bucket_name": "jiuye", "endpoint_url": "https://…"}).
try:
    STORAGE_OPTIONS = json.loads(env_str("JIUYE_STORAGE_OPTIONS") or "{}")
except json.JSONDecodeError as exc:
    raise ImproperlyConfigured(f"JIUYE_STORAGE_OPTIONS is not valid JSON: {exc}") from exc
if not isinstance(STORAGE_OPTIONS, dict):
    raise ImproperlyConfigured("JIUYE_STORAGE_OPTIONS must be a JSON object.")
STORAGES = {
    "default": {
        "BACKEND": env_str("JIUYE_STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage"),
        "OPTIONS": STORAGE_OPTIONS,
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Notifications (jiuye.notifications): in-app always; channels that also deliver each hand-over
# at once, and channels of the daily digest (manage.py notify_daily). "email" sends through
# EMAIL_BACKEND (console in development), "sms" through SMS_BACKEND (a class with
# send(phone=, text=); the console one in development).
NOTIFICATION_CHANNELS = env_list("NOTIFICATION_CHANNELS", ["inapp"])
NOTIFICATION_DIGEST_CHANNELS = env_list("NOTIFICATION_DIGEST_CHANNELS", ["email"] if DEBUG else [])
SMS_BACKEND = env_str("SMS_BACKEND", "jiuye.notifications.services.channels.ConsoleSms")
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "jiuye@localhost")
# The address links in e-mails and SMS start with (https://jiuye.example.gov.cn).
SITE_URL = env_str("SITE_URL", "")

TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    # Import progress and cancel flags, shared by the web and worker processes. A file cache,
    # because a long import holds the database's write transaction until it commits.
    "progress": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "cache" / "progress"),
    },
    # Rate limits (API keys, public forms; jiuye.core.ratelimit): one count for every process
    # of the host. Point it at Redis or the database cache when several web hosts serve.
    "limits": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "cache" / "limits"),
    },
}

# HTTPS and headers. Production turns these on by leaving DEBUG off.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY", False) else None
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_COOKIE_HTTPONLY = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_personal": {"()": "jiuye.core.logging.MaskPersonalDataFilter"}},
    "formatters": {
        "server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["mask_personal"]},
        # runserver's request lines ("GET /people/?q=… 200"), masked like every other line.
        "server": {
            "class": "logging.StreamHandler",
            "filters": ["mask_personal"],
            "formatter": "server",
        },
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # Django's own loggers ("Not Found: /…", request lines) replace Django's unmasked handlers.
    "loggers": {
        "axes": {"level": "WARNING"},
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.server": {"handlers": ["server"], "level": "INFO", "propagate": False},
    },
}

# Demo accounts are refused unless this is on (make run sets it; production never should).
JIUYE_ALLOW_DEMO = env_bool("JIUYE_ALLOW_DEMO", DEBUG)
JIUYE_DISTRICT_NAME = env_str("JIUYE_DISTRICT_NAME", "示范区")
# The county-level region this deployment serves (12-digit code); towns are found under it.
JIUYE_DISTRICT_CODE = env_str("JIUYE_DISTRICT_CODE", "440199000000")
# Months after a placement starts at which it counts as stable (DOMAIN.md, action 九).
JIUYE_STABILITY_MONTHS = env_int("JIUYE_STABILITY_MONTHS", 6)
# Training outcomes (action 九): a completer counts as converted when a job starts within this many
# months of completing; a converted person is stable when still employed this many months after.
JIUYE_CONVERSION_MONTHS = env_int("JIUYE_CONVERSION_MONTHS", 6)
JIUYE_TRAINING_STABILITY_MONTHS = env_int("JIUYE_TRAINING_STABILITY_MONTHS", 6)
# Public figures (issue 16): a count of persons below this is published as "<5" (core.suppression),
# with further cells hidden where a total would give it away.
JIUYE_PUBLIC_MIN_COUNT = env_int("JIUYE_PUBLIC_MIN_COUNT", 5)
# The leaders' overview reads its figures as last computed (core.kept, ADR 0015); older than
# this many seconds, it shows them with their time and recomputes them in the background.
JIUYE_FIGURES_MAX_AGE = env_int("JIUYE_FIGURES_MAX_AGE", 300)

# Imports (issue 14): the largest sheet read (rows, columns, and rows × columns: the grid the
# reader builds), the uncompressed size of a workbook's sheet, and the reader process's memory
# and time. A batch whose worker has not reported for JIUYE_IMPORT_STALE_MINUTES is failed.
JIUYE_IMPORT_MAX_ROWS = env_int("JIUYE_IMPORT_MAX_ROWS", 200_000)
# The API (/api/v1/): calls a key may make per minute (then 429 with Retry-After; counted in
# the "limits" cache, one count for every process of the host), the largest request
# body it accepts, and the most rows one page returns.
JIUYE_API_RATE_PER_MINUTE = env_int("JIUYE_API_RATE_PER_MINUTE", 600)
JIUYE_API_MAX_BODY_BYTES = env_int("JIUYE_API_MAX_BODY_BYTES", 2 * 1024 * 1024)
JIUYE_API_MAX_LIMIT = env_int("JIUYE_API_MAX_LIMIT", 500)
# An API import of a body up to this size runs at once; a larger one in the background (202).
JIUYE_API_IMPORT_SYNC_BYTES = env_int("JIUYE_API_IMPORT_SYNC_BYTES", 256 * 1024)
JIUYE_IMPORT_MAX_COLUMNS = env_int("JIUYE_IMPORT_MAX_COLUMNS", 200)
JIUYE_IMPORT_MAX_CELLS = env_int("JIUYE_IMPORT_MAX_CELLS", 10_000_000)
JIUYE_IMPORT_MAX_UNCOMPRESSED_MB = env_int("JIUYE_IMPORT_MAX_UNCOMPRESSED_MB", 1024)
JIUYE_IMPORT_READER_MEMORY_MB = env_int("JIUYE_IMPORT_READER_MEMORY_MB", 2048)
JIUYE_IMPORT_READER_SECONDS = env_int("JIUYE_IMPORT_READER_SECONDS", 300)
JIUYE_IMPORT_STALE_MINUTES = env_int("JIUYE_IMPORT_STALE_MINUTES", 10)
# Worker processes that read, check and encrypt the rows of a large import while the importing
# process writes (core/importing/parallel.py): 0 = as many as the machine has cores, 1 = none
# (every row in the importing process). A file of fewer than JIUYE_IMPORT_PARALLEL_FROM rows is
# read in the importing process whatever this says (starting workers costs more than it saves).
JIUYE_IMPORT_WORKERS = env_int("JIUYE_IMPORT_WORKERS", 0)
JIUYE_IMPORT_PARALLEL_FROM = env_int("JIUYE_IMPORT_PARALLEL_FROM", 4000)
# The CPU priority (Unix nice value, 0–19) of those workers, of the quota review's and of the task
# worker (db_worker, from its first task): below the web pages', so a page served beside a large
# import, review or export waits less for a core (core/workers.py). 0 runs them at the same
# priority as everything else.
JIUYE_WORKER_NICE = env_int("JIUYE_WORKER_NICE", 10)
# Stored import files and error reports (encrypted; they hold ID numbers) are deleted this many
# days after the import by `manage.py purge_uploads` (cron); the batch and its journal stay.
JIUYE_UPLOAD_RETENTION_DAYS = env_int("JIUYE_UPLOAD_RETENTION_DAYS", 30)
# Exports (issue 19): a result of at most this many rows downloads at once, as always; a larger
# one is written by a background task (`db_worker`) to the encrypted storage, and the page
# follows its progress. The file is the asking user's alone and expires this many hours later
# (`manage.py purge_uploads` deletes it).
JIUYE_EXPORT_DIRECT_MAX_ROWS = env_int("JIUYE_EXPORT_DIRECT_MAX_ROWS", 5000)
JIUYE_EXPORT_KEEP_HOURS = env_int("JIUYE_EXPORT_KEEP_HOURS", 48)
# Complaints and suggestions (issue 18): a unit answers within this many calendar days (自然日;
# there is no holiday calendar to count working days by); `manage.py grievances_escalate`
# (daily) reports those past it to the district. Per IP address and hour: at most
# JIUYE_GRIEVANCE_FILINGS_PER_HOUR filings and JIUYE_GRIEVANCE_LOOKUP_FAILURES_PER_HOUR wrong
# lookups; a form sent back sooner than JIUYE_GRIEVANCE_MIN_FILL_SECONDS after it was opened
# is asked again (a person needs longer than a script).
JIUYE_GRIEVANCE_DUE_DAYS = env_int("JIUYE_GRIEVANCE_DUE_DAYS", 15)
JIUYE_GRIEVANCE_FILINGS_PER_HOUR = env_int("JIUYE_GRIEVANCE_FILINGS_PER_HOUR", 5)
JIUYE_GRIEVANCE_LOOKUP_FAILURES_PER_HOUR = env_int("JIUYE_GRIEVANCE_LOOKUP_FAILURES_PER_HOUR", 20)
JIUYE_GRIEVANCE_MIN_FILL_SECONDS = env_int("JIUYE_GRIEVANCE_MIN_FILL_SECONDS", 3)
# Job seekers' self-registration (issue 18): at most JIUYE_SIGNUP_PER_IP_PER_HOUR sign-ups from
# one IP address an hour and JIUYE_SIGNUP_PER_ID_PER_DAY applications for one ID number a day;
# a form sent back sooner than JIUYE_SIGNUP_MIN_FILL_SECONDS after it was opened is asked again.
JIUYE_SIGNUP_PER_IP_PER_HOUR = env_int("JIUYE_SIGNUP_PER_IP_PER_HOUR", 5)
JIUYE_SIGNUP_PER_ID_PER_DAY = env_int("JIUYE_SIGNUP_PER_ID_PER_DAY", 3)
JIUYE_SIGNUP_MIN_FILL_SECONDS = env_int("JIUYE_SIGNUP_MIN_FILL_SECONDS", 5)
# Employers' own sign-up (issue 18): at most JIUYE_EMPLOYER_SIGNUPS_PER_HOUR applications from
# one address an hour; the same minimum fill time as the grievance form.
JIUYE_EMPLOYER_SIGNUPS_PER_HOUR = env_int("JIUYE_EMPLOYER_SIGNUPS_PER_HOUR", 5)
# Backups (`manage.py backup DIR` / `restore DIR`): a base64 key of 32 bytes that encrypts every
# backup, kept apart from the field and blind-index keys (which no backup holds). No default:
# without it, backup and restore refuse.
JIUYE_BACKUP_KEY = env_secret("JIUYE_BACKUP_KEY", "")
# The annual report in Word (issue 16): the .docx whose styles and letterhead it is written
# with (a district's own restyled copy; empty: the shipped
# jiuye/dashboards/data/annual_report_template.docx), and the CJK font file its charts are
# drawn with (empty: found with fc-match).
JIUYE_REPORT_TEMPLATE = env_str("JIUYE_REPORT_TEMPLATE", "")
JIUYE_REPORT_FONT = env_str("JIUYE_REPORT_FONT", "")
