"""Settings for RoleAtlas, configured by environment variables (see README.md)."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off"})


def parse_bool(name, value, default):
    """A yes/no setting's text: 1/0, true/false, yes/no, on/off (any case); unset or empty gives the default.

    Anything else (a typo such as "ture") stops the start-up instead of quietly meaning no.
    """
    if value is None or not value.strip():
        return default
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(
        f"{name}={value!r} is not a yes/no value: use 1/0, true/false, yes/no or on/off (any case)."
    )


def env_bool(name, default):
    """Read a yes/no environment variable strictly (see parse_bool); every boolean setting uses this."""
    return parse_bool(name, os.environ.get(name), default)


DEBUG = env_bool("DJANGO_DEBUG", True)
# The fallback key is only for local development: production must set its own.
DEVELOPMENT_SECRET_KEY = "dev-only-insecure-key-change-me"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", DEVELOPMENT_SECRET_KEY)
if not DEBUG and SECRET_KEY.strip() in ("", DEVELOPMENT_SECRET_KEY):
    # Sessions, password-reset links and signed values would be forgeable by anyone who read this file.
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set to a long random value when DJANGO_DEBUG=0.")
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()
]

INSTALLED_APPS = [
    # Django's admin with the index in ADMIN_APP_ORDER (shopconfig/adminsite.py).
    "shopconfig.admin_apps.RoleAtlasAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "mptt",
    "simple_history",
    "django_tasks",
    # django-tasks-db and django-axes under Chinese section names in the admin (shopconfig/admin_apps.py).
    "shopconfig.admin_apps.BackgroundTasksConfig",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "shopconfig.admin_apps.LoginProtectionConfig",
    "shopconfig",
    "roles",
    "orgchart",
]

# The admin index (and sidebar) in the order HR works: the catalogue, staffing, the shop, then users and
# groups; "*" is where any app not named here goes; the technical sections come last.
ADMIN_APP_ORDER = [
    "roles",
    "orgchart",
    "shopconfig",
    "auth",
    "*",
    "axes",
    "django_tasks_database",
    "authtoken",
    "simple_history",
]

MIDDLEWARE = [
    # First, so a database outage in any layer below becomes a 503 page (shopconfig/outage.py).
    "shopconfig.outage.DatabaseOutageMiddleware",
    # Under /api/, the 404, 500 and 400 Django answers by itself get the API's JSON error body.
    "roles.api.errors.api_errors_middleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "shopconfig.security.session_idle_middleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "shopconfig.revision_cache.read_once_per_request",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Scheduled changes to the organisation take effect on their day (roles/dated.py).
    "roles.middleware.apply_due_changes_middleware",
    "roles.middleware.bad_parameter_middleware",
    "shopconfig.middleware.shop_profile_middleware",
    # Last, as django-axes asks: turns a locked-out login into its 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "shopconfig.urls"

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
                "shopconfig.context_processors.shop",
            ],
        },
    },
]

WSGI_APPLICATION = "shopconfig.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        # Connections are kept between requests (opening one costs more than a small API call).
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        # A persistent connection that died while idle (database restarted) is replaced, not reused.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes SQLite's write lock at BEGIN, so tree writes are serialised
    # instead of failing half-way with "database is locked".
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# ---------------------------------------------------------------- logins, sessions, HTTPS headers
# README.md ("Production") lists the variables read here.

AUTHENTICATION_BACKENDS = [
    # First, so a locked-out username and address is refused before its password is checked.
    "axes.backends.AxesStandaloneBackend",
    "shopconfig.auth.OneQueryModelBackend",
]
# django-axes: 5 failed logins for one username from one address lock that pair out (HTTP 429).
AXES_FAILURE_LIMIT = 5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_COOLOFF_MINUTES", "15")))
# Attempts during a lockout do not extend it, so "try again in 15 minutes" stays true.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "shopconfig.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "shopconfig.security.request_client_ip"
# Reverse proxies in front of the app that append to X-Forwarded-For (1 behind one nginx);
# with 0 the connecting address is the client's, and the header is ignored as forgeable.
ROLEATLAS_PROXY_COUNT = int(os.environ.get("DJANGO_PROXY_COUNT", "0"))

# Idle timeout: a session unused this long is gone on the server (and its cookie expires);
# shopconfig.security.session_idle_middleware renews it at most once a minute while in use.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_MINUTES", "60")) * 60

# HTTPS only in production (DJANGO_DEBUG=0); the development server speaks plain HTTP.
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
if env_bool("DJANGO_SECURE_PROXY_SSL_HEADER", False):
    # Only behind a proxy that sets this header itself (nginx: proxy_set_header X-Forwarded-Proto $scheme).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Scripts only from our own files (no inline script anywhere, Swagger UI included); inline
# styles are allowed because the chart library and the admin's tree indentation set style attributes.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Where collectstatic writes (make serve); DJANGO_STATIC_ROOT lets a benchmark collect into a scratch folder.
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "roles:list"
LOGOUT_REDIRECT_URL = "roles:list"

MPTT_ADMIN_LEVEL_INDENT = 20

# Span of control (direct subordinate roles) above which the job-description lint warns.
ROLE_LINT_MAX_SPAN = int(os.environ.get("ROLE_LINT_MAX_SPAN", "10"))

# Largest job-description file (or pasted text) the import reads, in bytes; bigger ones are refused unread.
ROLE_IMPORT_MAX_BYTES = int(os.environ.get("ROLE_IMPORT_MAX_BYTES", str(2 * 1024 * 1024)))

STATICFILES_DIRS = [BASE_DIR / "static"]
# WhiteNoise serves static files from the app server. Development and tests read them from the
# source folders; production serves what `collectstatic` (make serve) compressed and hashed.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
# DJANGO_STATIC_MANIFEST=0 keeps the plain storage with DEBUG off (benchmarks without collectstatic).
if not DEBUG and env_bool("DJANGO_STATIC_MANIFEST", True):
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }

# Logins (success, failure, lockout) go to stderr with username, address and time, never a
# password: shopconfig/security.py writes them from Django's and django-axes' signals.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "security": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s", "datefmt": "%Y-%m-%dT%H:%M:%S%z"}
    },
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "security"}},
    "loggers": {
        "roleatlas.security": {"handlers": ["stderr"], "level": "INFO"},
        "axes": {"handlers": ["stderr"], "level": "WARNING"},
        # One line per request answered 503 while the database is unreachable (shopconfig/outage.py).
        "roleatlas.outage": {"handlers": ["stderr"], "level": "WARNING"},
    },
}

# Background work (the handbook): django-tasks with its database backend; run
# `python manage.py db_worker` beside the web server (make run does).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Finished exports (handbooks) are kept here, named by task; MEDIA_ROOT is private.
EXPORTS_ROOT = MEDIA_ROOT / "exports"
# Processes that lay out one handbook side by side (roles/exports/pdfparts.py): one per core by
# default; 1 renders it in one piece.
_cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
_pdf_workers = os.environ.get("ROLEATLAS_PDF_WORKERS") or str(_cores)
if not _pdf_workers.isdigit() or int(_pdf_workers) < 1:
    raise ImproperlyConfigured(f"ROLEATLAS_PDF_WORKERS={_pdf_workers!r} is not a number of processes (1 or more).")
PDF_WORKERS = int(_pdf_workers)

# The REST API (/api/v1/): session auth for the browser, tokens for scripts.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an anonymous request then gets 401 with a WWW-Authenticate header, not 403.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Bodies are JSON only: a form cannot carry the nested lists (duties, KPIs, months) nor null.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    # Non-field errors as {"detail", "code"} (roles/api/errors.py).
    "EXCEPTION_HANDLER": "roles.api.errors.exception_handler",
    "DEFAULT_PAGINATION_CLASS": "roles.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "roles.api.schema.ErrorsAutoSchema",
    "DEFAULT_VERSIONING_CLASS": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "RoleAtlas API",
    "DESCRIPTION": "Role catalogue (岗位说明书), org chart and pay calculator of RoleAtlas.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # Fields a reader may not see are absent from responses, so nothing read-only is required.
    "COMPONENT_NO_READ_ONLY_REQUIRED": True,
    # Links from a list and a create to the operations on one object (roles/api/schema.py).
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "roles.api.schema.add_links"],
    # Swagger UI from the sidecar package's static files, never a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
