"""Settings for ogptracker, read from the environment.

Every value a deployment changes comes from an environment variable; the README lists them.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False, environ=None) -> bool:
    value = (os.environ if environ is None else environ).get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-for-debug"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# By default the address `make run` serves (PORT=8080 make run serves on 8080).
SITE_URL = os.environ.get(
    "SITE_URL", f"http://127.0.0.1:{os.environ.get('PORT') or '8000'}"
).rstrip("/")

INSTALLED_APPS = [
    "modeltranslation",  # before the admin, which it extends
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.forms",  # its widget templates, found by the project's engine (FORM_RENDERER)
    "django.contrib.sitemaps",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "plans",
    "commitments",
    "reports",
    "django_tasks_db",
    "notifications",
    "dataimport",
    "portal",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "ogptracker.apps.OgptrackerConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "ogptracker.middleware.RequestLimitsMiddleware",
    "ogptracker.middleware.RefuseControlCharactersMiddleware",
    "ogptracker.middleware.ApiLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Anonymous public pages from the cache: after locale, CSRF and the security headers, which
    # wrap it; before what only a visitor with a session needs (who is never served from it).
    "ogptracker.pagecache.PublicPageCacheMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "portal.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "axes.middleware.AxesMiddleware",
    "commitments.middleware.BatchedRollupsMiddleware",
    # Last, so it sees a view's Http404 first: the demo shows the portal's 404 page.
    "ogptracker.errors.FriendlyNotFoundMiddleware",
]

ROOT_URLCONF = "ogptracker.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.site",
            ],
        },
    },
]

# Forms render with the project's template engine, so templates/django/forms/ refines Django's.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

WSGI_APPLICATION = "ogptracker.wsgi.application"


def postgres_planner_options(environ) -> str:
    """Planner settings for the portal's PostgreSQL connections (``-c name=value`` options).

    Behind a pooler that refuses connection options, set them in postgresql.conf instead.

    - The JIT compiler starts on queries whose estimated cost is high — a page's per-row
      sub-queries over 50,000 commitments, however few rows it keeps — and spent up to a second
      compiling what runs in milliseconds: off (``DATABASE_JIT=1`` keeps the server's setting).
    - ``random_page_cost`` 1.1, as for SSD storage, where an index look-up costs about what a
      sequential read does; the default 4 (spinning disks) made PostgreSQL read every plan to
      keep a member's 30 (``DATABASE_RANDOM_PAGE_COST``; empty keeps the server's setting).
    """
    options = [] if env_bool("DATABASE_JIT", False, environ) else ["-c jit=off"]
    page_cost = environ.get("DATABASE_RANDOM_PAGE_COST", "1.1").strip()
    if page_cost:
        try:
            value = float(page_cost)
        except ValueError:
            value = -1.0
        if not 0 < value < 1000:
            raise ImproperlyConfigured(
                f"DATABASE_RANDOM_PAGE_COST must be a positive number, not {page_cost!r}."
            )
        options.append(f"-c random_page_cost={value:g}")
    return " ".join(options)


DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# Seconds a kept connection may sit idle before a request checks it again (ogptracker.connections).
DB_HEALTH_CHECK_IDLE = float(os.environ.get("DB_HEALTH_CHECK_IDLE", "1"))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A test database in a file rather than in memory: the browser tests' live server then
    # opens its own connections instead of sharing the test thread's one. It is named after the
    # database, so two checkouts (or two DATABASE_URLs) never share one.
    _name = Path(DATABASES["default"]["NAME"] or BASE_DIR / "db.sqlite3")
    DATABASES["default"]["TEST"] = {"NAME": str(_name.with_name(f".test-{_name.stem}.sqlite3"))}
    # Concurrent use (gunicorn's workers, threads): readers never block the writer (WAL), every
    # transaction takes the write lock when it starts rather than failing half-way when it first
    # writes ("database is locked"), and a writer waits up to SQLITE_TIMEOUT seconds for it.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": int(os.environ.get("SQLITE_TIMEOUT", "20")),
        **DATABASES["default"].get("OPTIONS", {}),
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    _planner = postgres_planner_options(os.environ)
    if _planner:
        _options = DATABASES["default"].setdefault("OPTIONS", {})
        _options["options"] = f"{_options.get('options', '')} {_planner}".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "es"
LANGUAGES = [("es", _("Spanish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]

# Content in both languages (django-modeltranslation): a column per language behind each
# translated field; a missing version falls back to the other language, and pages mark it.
MODELTRANSLATION_DEFAULT_LANGUAGE = "es"
MODELTRANSLATION_LANGUAGES = ("es", "en")
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("es", "en")}
TIME_ZONE = os.environ.get("TIME_ZONE", "America/Mexico_City")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Evidence files of unpublished reports: outside MEDIA_ROOT, no URL maps here; a view checks access.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", BASE_DIR / "private-media"))

# Uploaded files (ogptracker.storage): on local disk, or, when AWS_STORAGE_BUCKET_NAME is set, in
# one private S3-compatible bucket (django-storages) that every app server shares, each kind under
# its own key prefix: documents, evidence and report attachments under "private/", import files
# under "imports/", the logo under "public/". Objects get the private ACL and no address: the
# portal's views check access and send them. AWS_S3_ENDPOINT_URL, AWS_S3_REGION_NAME,
# AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are read from the environment.
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")


def _bucket(location: str, backend: str = "ogptracker.buckets.BucketStorage") -> dict:
    return {
        "BACKEND": backend,
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "location": location,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }


_file_storages = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {"BACKEND": "ogptracker.storage.PrivateStorage"},
    "imports": {
        "BACKEND": "ogptracker.storage.PrivateStorage",
        "OPTIONS": {"subdirectory": "imports"},
    },
    "public": {"BACKEND": "ogptracker.storage.PublicStorage"},
}
if AWS_STORAGE_BUCKET_NAME:
    _file_storages = {
        "default": _bucket("default"),
        "private": _bucket("private"),
        "imports": _bucket("imports"),
        "public": _bucket("public", "ogptracker.buckets.PublicBucketStorage"),
    }
STORAGES = {
    **_file_storages,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "commitments:home"

# People: sign-in failures are rate limited (django-axes) and staff may use a code app
# (django-otp); the secretariat invites people with a link valid PORTAL_INVITATION_DAYS days.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(hours=int(os.environ.get("AXES_COOLOFF_HOURS", "1")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "portal.views.client_ip"
AXES_LOCKOUT_CALLABLE = "portal.views.locked_out"
AXES_VERBOSE = False
OTP_TOTP_ISSUER = "ogptracker"
PORTAL_INVITATION_DAYS = int(os.environ.get("PORTAL_INVITATION_DAYS", "7"))
PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600

# Uploads: files are capped at 10 MB each (five per history entry, three per report answer) and
# written to a temporary file beyond 5 MB, never held in memory whole.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Refused at once (ogptracker.middleware.RequestLimitsMiddleware): a body larger than this (a
# history entry's five 10 MB files and its form fit), a longer query string, a formset of more rows.
MAX_REQUEST_BYTES = int(os.environ.get("MAX_REQUEST_MB", "56")) * 1024 * 1024
MAX_QUERY_STRING_LENGTH = 4096
MAX_FORMSET_FORMS = 300
# At most this many rows in one admin bulk action; a larger selection is refused with a message.
MAX_ADMIN_ACTION_ROWS = 500
# Imports of more rows than this are checked and applied as background tasks (django.tasks).
DATA_IMPORT_BACKGROUND_ROWS = int(os.environ.get("DATA_IMPORT_BACKGROUND_ROWS", "1000"))

# Security. Production runs behind a TLS-terminating reverse proxy.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# A strict content security policy: nothing from a third party, no inline script or style.
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    # One search parameter everywhere, the explorer's own: ?q=
    "SEARCH_PARAM": "q",
    "DEFAULT_PAGINATION_CLASS": "ogptracker.api_policies.Pagination",
    "PAGE_SIZE": 50,
    # JSON only: DRF's browsable pages need inline styles the CSP forbids; /api/v1/docs/ is
    # the interactive way in.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_THROTTLE_CLASSES": [
        "ogptracker.api_policies.AnonThrottle",
        "ogptracker.api_policies.UserThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("API_ANON_RATE", "120/minute") or None,
        "user": os.environ.get("API_USER_RATE", "600/minute") or None,
    },
    "EXCEPTION_HANDLER": "ogptracker.api.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "ogptracker.api.Schema",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "ogptracker API",
    "DESCRIPTION": (
        "Open data on OGP Local action plans, commitments, milestones and reports. "
        "Reading is public and needs no key; only published content is served. "
        "Implementers and the secretariat change a milestone's status with "
        "`PATCH /api/v1/milestones/{id}/` (JSON, or `multipart/form-data` to attach evidence "
        "files), authenticated by a token "
        "(`Authorization: Token <key>`, issued by the secretariat in the admin) or a session "
        "with its CSRF token. Every error has the shape "
        '`{"error": {"status", "code", "message", "fields"}}`.'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # PATCH /milestones/{id}/ needs a status: its body is not a partial resource.
    "COMPONENT_SPLIT_PATCH": False,
    "ENUM_NAME_OVERRIDES": {"MilestoneStatusEnum": "commitments.models.MilestoneStatus"},
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No call to swagger.io's validator: everything comes from the portal.
    "SWAGGER_UI_SETTINGS": {"validatorUrl": None, "deepLinking": True},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "noreply@localhost")
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# Email (Django's MAILERS). EMAIL_URL (smtp://user:password@host:587?tls=1, smtps://… for
# implicit TLS, or console://) wins over EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER,
# EMAIL_HOST_PASSWORD, EMAIL_USE_TLS and EMAIL_USE_SSL. With neither, development prints every
# email to the terminal and production sends through localhost:25.
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
CONSOLE_BACKEND = "ogptracker.console_email.EmailBackend"


def email_mailer(url: str) -> dict:
    """The default mailer, from EMAIL_URL or the EMAIL_* variables."""
    if url:
        from urllib.parse import parse_qs, unquote, urlsplit

        parts = urlsplit(url)
        if parts.scheme == "console":
            return {"BACKEND": CONSOLE_BACKEND}
        if parts.scheme not in {"smtp", "smtps"}:
            raise ImproperlyConfigured("EMAIL_URL must start with smtp://, smtps:// or console://.")
        use_ssl = parts.scheme == "smtps"
        use_tls = not use_ssl and parse_qs(parts.query).get("tls", ["0"])[0] in {"1", "true"}
        options = {
            "host": parts.hostname or "localhost",
            "port": parts.port or (465 if use_ssl else 587 if use_tls else 25),
            "username": unquote(parts.username or ""),
            "password": unquote(parts.password or ""),
            "use_tls": use_tls,
            "use_ssl": use_ssl,
        }
    else:
        host = os.environ.get("EMAIL_HOST", "")
        if not host and DEBUG:
            return {"BACKEND": CONSOLE_BACKEND}
        options = {
            "host": host or "localhost",
            "port": int(os.environ.get("EMAIL_PORT", "25")),
            "username": os.environ.get("EMAIL_HOST_USER", ""),
            "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS", False),
            "use_ssl": env_bool("EMAIL_USE_SSL", False),
        }
    options["timeout"] = int(os.environ.get("EMAIL_TIMEOUT", "30"))
    return {"BACKEND": SMTP_BACKEND, "OPTIONS": options}


MAILERS = {"default": email_mailer(os.environ.get("EMAIL_URL", ""))}

# Background work (Django's task framework): an ORM queue in the same database, run by
# `manage.py db_worker`. Another backend (RQ, Celery…) is a change of TASKS_BACKEND.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# Follow by email: how long a confirmation link works, and at most FOLLOW_RATE_LIMIT follow
# requests per address every FOLLOW_RATE_WINDOW seconds.
FOLLOW_CONFIRM_MAX_AGE = int(os.environ.get("FOLLOW_CONFIRM_MAX_AGE", str(3 * 24 * 3600)))
FOLLOW_RATE_LIMIT = int(os.environ.get("FOLLOW_RATE_LIMIT", "5"))
FOLLOW_RATE_WINDOW = int(os.environ.get("FOLLOW_RATE_WINDOW", "600"))

# The sent-email log keeps each sent or failed email (address, text) this many days; `manage.py
# notify` then deletes it. The default privacy notice states this number.
EMAIL_LOG_DAYS = max(1, int(os.environ.get("EMAIL_LOG_DAYS", "90")))

# The cache holds the comment rate limit. Several gunicorn workers must share it, so outside
# development it lives in files under CACHE_DIR.
# With several app servers, CACHE_URL (or REDIS_URL), e.g. redis://redis:6379/1, makes them
# share one Redis: the rate limit and the cached public pages (ogptracker.pagecache).
CACHE_DIR = os.environ.get("CACHE_DIR", "")
CACHE_URL = os.environ.get("CACHE_URL", "") or os.environ.get("REDIS_URL", "")
if CACHE_URL:
    _default_cache = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": CACHE_URL,
    }
elif CACHE_DIR:
    _default_cache = {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": CACHE_DIR,
    }
else:
    _default_cache = {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "ogptracker",
        "OPTIONS": {"MAX_ENTRIES": 5000},
    }
CACHES = {
    "default": _default_cache,
    # The site settings (portal.services.site_settings), apart from the counters and pages.
    "site": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
        if CACHE_URL
        else {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": os.path.join(CACHE_DIR, "site"),
        }
        if CACHE_DIR
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "site"}
    ),
}
# Anonymous public pages are cached (PAGE_CACHE=0 turns it off, e.g. to measure raw pages).
PAGE_CACHE = env_bool("PAGE_CACHE", True)
# Sessions live in the database, which every app server shares.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# How many reverse proxies in front of the portal append to X-Forwarded-For; the client's
# address (for the comment rate limit) is read that many entries from the right.
TRUSTED_PROXY_HOPS = int(os.environ.get("TRUSTED_PROXY_HOPS", "0"))

# Comments: at most COMMENT_RATE_LIMIT comments per address every COMMENT_RATE_WINDOW seconds.
COMMENT_RATE_LIMIT = int(os.environ.get("COMMENT_RATE_LIMIT", "3"))
COMMENT_RATE_WINDOW = int(os.environ.get("COMMENT_RATE_WINDOW", "600"))

# Models that take comments (“app_label.model”); each needs get_absolute_url() and a
# visible_to(user) method on its default manager.
COMMENTABLE_MODELS = [
    "plans.actionplan",
    "commitments.commitment",
    "reports.inceptionreport",
    "reports.endofcommitmentreport",
]
