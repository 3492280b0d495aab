"""Settings for the OoCR case manager: one file, read from the environment.

Groups, in order: paths and environment; security; applications; request
handling; data; authentication and sessions; background work; email and SMS;
front end; the service's own settings; logging.
"""

from datetime import timedelta
from pathlib import Path

import environ

# --- Paths and environment -------------------------------------------------

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

# --- Security ----------------------------------------------------------------

# A development key is only acceptable when DEBUG is on; production must set one.
SECRET_KEY = env("SECRET_KEY", default="django-insecure-development-only" if DEBUG else None)
if not SECRET_KEY:
    raise environ.ImproperlyConfigured("Set SECRET_KEY (or DEBUG=true for development).")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# The reverse proxies in front (addresses or networks, e.g. "10.0.0.0/8"): only a connection from one of them
# may say, in X-Forwarded-For, which address the client had (oocr/client_address.py, used by the access log).
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
X_FRAME_OPTIONS = "DENY"
# No inline scripts or styles anywhere, so the policy needs no exceptions.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)

# --- Applications ----------------------------------------------------------

INSTALLED_APPS = [
    "oocr.apps.OocrAdminConfig",  # django.contrib.admin with the site in oocr/admin.py
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    # Third party
    "axes",
    "crispy_forms",
    "crispy_forms_gds",
    "django_celery_beat",
    "django_filters",
    "simple_history",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "rest_framework",
    "drf_spectacular",
    "oauth2_provider",
    # Cross-cutting
    "oocr.accounts",
    "oocr.audit",
    "oocr.notifications",
    "oocr.concurrency",
    # The domain
    "cases",
    "keyworkers",
    "contracts",
    "referrals",
    "evaluation",
    "retention",
    "today",
    "documents",
    "api",
    "portal",
    "trials",
    "demo",  # seed_demo: on top of every app, imported by none
]

# --- Request handling ------------------------------------------------------

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "oocr.accounts.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Django's, renewing the idle expiry at most once a minute (oocr/accounts/session_store.py).
    "oocr.accounts.session_store.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Django's, keeping a form posted after the session ended for its owner to get back after signing in.
    "oocr.accounts.middleware.LoginRequiredMiddleware",
    # django_otp's, loading the device through a prepared query.
    "oocr.accounts.middleware.OTPMiddleware",
    "oocr.accounts.middleware.TwoFactorRequiredMiddleware",
    "oocr.accounts.middleware.KeptFormInputMiddleware",
    "oocr.accounts.middleware.PrivatePagesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Partner users stay inside /partner/; their account is checked again on every request.
    "portal.middleware.PartnerBoundaryMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Axes must come last: it reads the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "oocr.urls"
WSGI_APPLICATION = "oocr.wsgi.application"

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
                "oocr.accounts.context_processors.service",
            ],
        },
    },
]

# --- Data --------------------------------------------------------------------

# SQLite is the embedded default so that one command runs the app on a laptop.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Reuse a connection for a minute under gunicorn (a few long-lived worker threads). The development server
    # starts a thread per request and each would hold its connection open: 0 when DEBUG closes it after the request.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0 if DEBUG else 60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Short page queries: JIT compilation costs more than it saves (make bench, national size).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
# Two PostgreSQL roles (README, "The access log cannot be emptied from inside"): the application connects with
# DATABASE_URL as a member of DATABASE_APP_ROLE, which may only INSERT and SELECT the access log; `migrate`
# connects with DATABASE_OWNER_URL (the same database, as the role that owns the tables) when it is set.
# Unset (development, CI), everything connects as the one DATABASE_URL role.
DATABASE_OWNER_URL = env("DATABASE_OWNER_URL", default="")
DATABASE_APP_ROLE = env("DATABASE_APP_ROLE", default="oocr_app")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]

# --- Authentication and sessions ---------------------------------------------

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend reading permissions in one query (oocr/accounts/backends.py).
    "oocr.accounts.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "start"
LOGOUT_REDIRECT_URL = "login"

# Idle expiry: the session's expiry in the database is renewed by activity, at most once a minute
# (oocr/accounts/session_store.py: saving it on every request was a tenth of a light page's CPU).
SESSION_ENGINE = "oocr.accounts.session_store"
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=30)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# The timeout warning (static/js/timeout-warning.js) opens this long before the idle expiry, with a way to stay signed in.
SESSION_WARNING_SECONDS = env.int("SESSION_WARNING_SECONDS", default=120)
# A form posted after the session ended is kept this long for the person who typed it to sign in again
# (oocr/accounts/kept_input.py); then deleted, used or not.
KEPT_FORM_INPUT_MINUTES = env.int("KEPT_FORM_INPUT_MINUTES", default=30)
# A stale form (open since before the last sign-in) gets a GOV.UK page, and its input is kept where it is safe to.
CSRF_FAILURE_VIEW = "oocr.accounts.views.csrf_failure"

# Two-factor sign-in (TOTP, with single-use backup codes) for every account. Only a demo may turn it off.
OOCR_REQUIRE_2FA = env.bool("OOCR_REQUIRE_2FA", default=not DEBUG)
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="OoCR case manager")
# django-otp's own growing delays are replaced by a lockout after AXES_FAILURE_LIMIT wrong codes in a row
# (oocr/accounts/services.py two_factor_code_check), the same limit and cool-off as wrong passwords.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0

# Lock out by user name, not by address: a whole police station shares one address.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
# Locking by address as well would lock a whole station out after one person's mistakes.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# --- Background work ---------------------------------------------------------

REDIS_URL = env("REDIS_URL", default="")
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=REDIS_URL or None)
# No broker configured: run tasks in-process so the embedded default needs nothing else.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_TIME_LIMIT = 10 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 9 * 60
# A killed worker costs only time (README, "Jobs and a killed worker"). A task's message is acknowledged when the
# task ends, not when it starts, so a worker killed mid-task leaves it in Redis; a pool process killed under a
# living worker (the out-of-memory killer's usual victim) has its task put back at once; one task at a time per
# process, so a killed process holds no other task's message.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# The longest job's hard time limit, in seconds: the crime record import and the reoffending check (16 minutes).
# Measured (bench/results/evaluation-latest.md, reminders-latest.md, on 2 cores): a national 1,000,000-row import 55 s
# (re-import 61 s), a national check 16 s per definition, the first reminders run 17 s; 16 minutes is some 15 times
# the longest, for a busy machine. Every task's limit is at most this (oocr/tests/test_celery.py checks it).
JOB_LONGEST_SECONDS = 16 * 60
# Redis gives an unacknowledged task to another worker after this long. Longer than the longest job, or a job still
# running would be started a second time; as short as that allows, because it is how long a killed worker's job
# waits before a restarted worker takes it (Redis's default is an hour). Retries wait at most 10 minutes
# (JOB_RETRY_BACKOFF_MAX), below it too: a task waiting for its retry time is unacknowledged as well.
JOB_VISIBILITY_TIMEOUT = env.int("JOB_VISIBILITY_TIMEOUT", default=JOB_LONGEST_SECONDS + 4 * 60)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": JOB_VISIBILITY_TIMEOUT,
    # How often a worker looks for abandoned tasks: every 10 s x 10 by default; every 30 s here.
    "unacked_restore_interval": env.int("JOB_RESTORE_INTERVAL", default=10),
    "unacked_restore_throttle": env.int("JOB_RESTORE_THROTTLE", default=3),
    # A worker killed while it looks holds the looking for this long (Redis's default: 5 minutes).
    "unacked_mutex_expire": env.int("JOB_RESTORE_MUTEX_EXPIRE", default=60),
}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"visibility_timeout": JOB_VISIBILITY_TIMEOUT}
# Retries of every task (oocr/celery.py OocrTask) after a lost worker or a passing error (database, Redis): waits of
# about 10, 20, 40, 80, 160 s (randomised), at most 10 minutes, then the task fails.
JOB_RETRY_BACKOFF = env.int("JOB_RETRY_BACKOFF", default=10)
JOB_RETRY_BACKOFF_MAX = 10 * 60
JOB_MAX_RETRIES = 5
# A job that says it is running but has recorded no heartbeat for this long is failed by the sweeper
# (evaluation.stale_imports_sweep, every 5 minutes). Longer than the visibility timeout plus a retry's wait and a margin
# for the looking (35 minutes), so that a restarted worker takes a killed worker's job again before the sweeper gives up.
JOB_STALE_AFTER_SECONDS = env.int("JOB_STALE_AFTER_SECONDS", default=JOB_VISIBILITY_TIMEOUT + JOB_RETRY_BACKOFF_MAX + 5 * 60)
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", default="celery")
# The daily reminders job (contracts/tasks.py) is scheduled by a migration; the hour can be changed in the admin.

# --- Email and SMS -------------------------------------------------------------

EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="oocr-case-manager@localhost")
# Text messages: GOV.UK Notify when a key is set, otherwise a file (oocr/notifications/sms.py).
NOTIFY_API_KEY = env("NOTIFY_API_KEY", default="")
NOTIFY_SMS_TEMPLATE_ID = env("NOTIFY_SMS_TEMPLATE_ID", default="")
SMS_BACKEND = env(
    "SMS_BACKEND",
    default="oocr.notifications.sms.NotifySmsBackend" if NOTIFY_API_KEY else "oocr.notifications.sms.FileSmsBackend",
)
SMS_FILE_PATH = env("SMS_FILE_PATH", default=str(BASE_DIR / "var" / "sms.log"))
# How a text or email to a person begins, and its subject. Phones are shared, sometimes with a controlling
# partner: the default names neither the police nor the scheme, and messages say only what is due and when.
PERSON_MESSAGE_OPENING = env("PERSON_MESSAGE_OPENING", default="Reminder")
PERSON_EMAIL_SUBJECT = env("PERSON_EMAIL_SUBJECT", default="A reminder")

# --- Front end -----------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Third-party assets come from npm (no CDN: police networks block them).
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("govuk", BASE_DIR / "node_modules/govuk-frontend/dist/govuk"),
    ("moj", BASE_DIR / "node_modules/@ministryofjustice/frontend/moj"),
]
# The manifest storage needs collectstatic, which tests and development skip.
STATIC_MANIFEST = env.bool("STATIC_MANIFEST", default=not DEBUG)
# Documents uploaded to a case, and the letters made for it: outside the database, never at a public address
# (every download goes through a view that checks the role and the case, and is logged). A local folder by
# default; any S3-compatible store with DOCUMENTS_STORAGE=s3 (django-storages; install boto3 where it is used).
DOCUMENTS_ROOT = env.path("DOCUMENTS_ROOT", default=BASE_DIR / "var" / "documents")
DOCUMENTS_STORAGE = env("DOCUMENTS_STORAGE", default="local")
if DOCUMENTS_STORAGE == "s3":
    _documents_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("DOCUMENTS_S3_BUCKET"),
            "endpoint_url": env("DOCUMENTS_S3_ENDPOINT_URL", default=None),
            "region_name": env("DOCUMENTS_S3_REGION", default=None),
            # Keys come from the environment boto3 reads (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY) or the host's role.
            "location": env("DOCUMENTS_S3_PREFIX", default="documents"),
            "default_acl": "private",
            "file_overwrite": False,
            "querystring_auth": True,
        },
    }
elif DOCUMENTS_STORAGE == "local":
    _documents_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(DOCUMENTS_ROOT), "base_url": None, "file_permissions_mode": 0o600,
                    "directory_permissions_mode": 0o700},
    }
else:
    raise environ.ImproperlyConfigured("DOCUMENTS_STORAGE must be local or s3.")
# The largest document a keyworker may upload, in bytes.
DOCUMENT_MAX_BYTES = env.int("DOCUMENT_MAX_BYTES", default=10_000_000)

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "documents": _documents_storage,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Without collectstatic (development, tests), whitenoise serves straight from the finders, looking each file up
# when it is asked for: indexing the npm packages' thousands of files costs a third of a second per start, and
# the test client starts the middleware afresh for every test.
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
WHITENOISE_AUTOREFRESH = not STATIC_MANIFEST

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"
CRISPY_GDS_FRONTEND_VERSION = "5.14.0"

# --- The service's own settings -----------------------------------------------

FORCE_NAME = env("FORCE_NAME", default="Devon and Cornwall Police")
SERVICE_NAME = env("SERVICE_NAME", default="Out of Court Resolutions")
FORCE_POSTCODE_AREAS = env.list("FORCE_POSTCODE_AREAS", default=["EX", "PL", "TQ", "TR"])
# Crime references are unique across the force; their shape differs between forces.
CRIME_REFERENCE_PATTERN = env("CRIME_REFERENCE_PATTERN", default=r"[A-Z0-9/]{3,30}")
CRIME_REFERENCE_HELP = env("CRIME_REFERENCE_HELP", default="letters, numbers and /, like CR/12345/26")

# The search box (cases.selectors.case_search): at most this many people whose name or date of birth matches are
# read from the index and ranked; the cases the user may see are chosen among them. It bounds the work of a common
# name at national size (bench: "search"); past it the page asks for a date of birth or more of the name.
SEARCH_CANDIDATES = env.int("SEARCH_CANDIDATES", default=500)

# Management of Police Information: a closed case is reviewed this many years after closure, then retained or disposed of.
RETENTION_REVIEW_YEARS = env.int("RETENTION_REVIEW_YEARS", default=6)
# A record retained at review is reviewed again within this many years (a date further off is refused).
RETENTION_RETAIN_MAX_YEARS = env.int("RETENTION_RETAIN_MAX_YEARS", default=RETENTION_REVIEW_YEARS)

# The access log's daily copy outside the database (oocr/audit/export.py): one file per day, created once and
# never overwritten. Put it on storage the application cannot rewrite (README, "Keeping the copy off the box").
ACCESS_LOG_EXPORT_DIR = env("ACCESS_LOG_EXPORT_DIR", default=str(BASE_DIR / "var" / "access-log"))
# Days the daily job looks back for a day without its file (a job missed while the workers were down).
ACCESS_LOG_EXPORT_CATCH_UP_DAYS = env.int("ACCESS_LOG_EXPORT_CATCH_UP_DAYS", default=7)

# Disclosure control (evaluation/disclosure.py): counts below this, and the rates and intervals built on them, are
# shown and exported as "fewer than 10", with a second figure hidden where a total would give one back.
DISCLOSURE_THRESHOLD = env.int("DISCLOSURE_THRESHOLD", default=10)

# Reports of a published run (issue 18, point 6): figures not kept with the run (new filters) are computed in the
# request while the run has at most this many cases; above it, in the background (evaluation.report_job_run), the
# reader seeing "Your report is being prepared" meanwhile. At national size (1,000,000 cases) new filters took 27 s to
# 2 minutes; at 20,000 cases a second or two (bench/results/evaluation-national-2026-12-04.md).
EVALUATION_REPORT_BACKGROUND_ABOVE = env.int("EVALUATION_REPORT_BACKGROUND_ABOVE", default=20_000)
# The outcomes dashboard's team figures above that size are kept with the published run and drawn again in the
# background when older than this (and on each new local day); the page says when they were drawn.
EVALUATION_DASHBOARD_REFRESH_SECONDS = env.int("EVALUATION_DASHBOARD_REFRESH_SECONDS", default=15 * 60)

# The integration API (api/, README "Integration API"): clients authenticate with OAuth2 client credentials
# (django-oauth-toolkit) and short-lived tokens; no session works on /api/v1/ and no token works on a page.
API_SCOPES = {
    "referral:write": "Send crimes in: create and update draft submissions",
    "outcome:read": "Read the outcomes of closed cases, and receive their webhooks",
    "case:read": "Read a case's status by its crime reference",
}
API_TOKEN_SECONDS = env.int("API_TOKEN_SECONDS", default=10 * 60)
API_MAX_BODY_BYTES = env.int("API_MAX_BODY_BYTES", default=64 * 1024)
API_RATE_LIMIT_PER_MINUTE = env.int("API_RATE_LIMIT_PER_MINUTE", default=120)
API_OUTCOMES_PAGE = 50
# Webhooks: a POST with a timeout, retried with growing waits (about 30 s, 1, 2, 4, 8 minutes... at most an hour).
WEBHOOK_TIMEOUT_SECONDS = env.int("WEBHOOK_TIMEOUT_SECONDS", default=5)
WEBHOOK_MAX_ATTEMPTS = env.int("WEBHOOK_MAX_ATTEMPTS", default=8)
WEBHOOK_BACKOFF_SECONDS = env.int("WEBHOOK_BACKOFF_SECONDS", default=30)
WEBHOOK_BACKOFF_MAX_SECONDS = 60 * 60
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.ClientTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.ScopeRequired"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttles.ClientRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "EXCEPTION_HANDLER": "api.problems.problem_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "OoCR case manager integration API",
    "DESCRIPTION": "Crimes in from the force's records management system, outcomes out. Authenticate with OAuth2 "
                   "client credentials at /api/v1/token/ and send the token as `Authorization: Bearer <token>`.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
}
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER = {
    "ACCESS_TOKEN_EXPIRE_SECONDS": API_TOKEN_SECONDS,
    "SCOPES": API_SCOPES,
    "SCOPES_BACKEND_CLASS": "api.scopes.ClientScopes",
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"],
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    # Only client credentials are used; every RFC 9700 (OAuth security best practice) safeguard is on all the same:
    # no token in a query string, tokens stored hashed, no implicit or password grant (manage.py check --deploy).
    **{f"COMPLIANT_BCP_RFC9700_{flag}": True for flag in (
        "IMPLICIT_GRANT", "PASSWORD_GRANT", "PKCE_METHOD", "ACCESS_TOKEN_TRANSPORT", "AUTHZ_RESPONSE_ISS", "TOKEN_STORAGE",
        "REFRESH_TOKEN", "REDIRECT_URI_SCHEME", "REDIRECT_URI_MATCHING", "PKCE_REQUIRED")},
}
# The partner portal: a partner sees a referral for this many days after it closes (never after the case closes or
# the referral is withdrawn), and an invitation link works for this many days.
PARTNER_PORTAL_DAYS_AFTER = env.int("PARTNER_PORTAL_DAYS_AFTER", default=30)
PARTNER_INVITATION_DAYS = env.int("PARTNER_INVITATION_DAYS", default=7)

# --- Logging ---------------------------------------------------------------------

# Personal data never goes into logs: record ids only.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
