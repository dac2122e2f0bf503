"""Settings for the treatment locator, driven by environment variables with safe local defaults."""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be 1/0, true/false, yes/no or on/off, not {value!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", True)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off")
    SECRET_KEY = "local-development-only-not-secret"
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])

INSTALLED_APPS = [
    # First, so that its createsuperuser (which checks passwords given with --noinput too) is the one run.
    "locator",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "corsheaders",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
]

MIDDLEWARE = [
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "locator.web.middleware.SecurityHeadersMiddleware",
    "locator.http_rules.DatabaseUnavailableMiddleware",
    "locator.http_rules.RequestRulesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "locator.http_rules.HeadLikeGetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "locator.web.middleware.LanguageMiddleware",
    # Before the rest: a repeated search is answered without them, the URL resolver or the view.
    "locator.kept_answers.KeptAnswersMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its refusal.
    "axes.middleware.AxesMiddleware",
]

# The admin is the one door with a password. Logins are throttled per account and per client address
# (django-axes): after AXES_FAILURE_LIMIT failures either is locked out for the cool-off time, even with
# the right password; failures are logged with the username and never the password.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = int(os.environ.get("DJANGO_ADMIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("DJANGO_ADMIN_LOCKOUT_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "locator.limits.client_address"
# Failed logins are logged with the username tried (the password never is); the address is masked in
# the log, and kept with each attempt in the admin's "Access attempts" for the lockout.
AXES_SENSITIVE_PARAMETERS = ["ip_address"]
# Where the admin lives: somewhere other than /admin/ keeps most scanners away (not a defence on its own;
# deploy/README.md says how to put it behind an address allow-list or SSO).
DJANGO_ADMIN_URL = os.environ.get("DJANGO_ADMIN_URL", "admin/").strip("/") + "/"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

ROOT_URLCONF = "config.urls"

# Production defaults follow DJANGO_DEBUG: off means HTTPS only (behind a proxy that says so with
# X-Forwarded-Proto), secure cookies and HSTS. /healthz stays reachable over plain HTTP for load balancers.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if env_bool("DJANGO_BEHIND_TLS_PROXY", not DEBUG):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", not DEBUG)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
if SESSION_COOKIE_SECURE:
    # The __Host- prefix: browsers keep these cookies only if sent over HTTPS for this host alone, path /.
    SESSION_COOKIE_NAME, CSRF_COOKIE_NAME = "__Host-sessionid", "__Host-csrftoken"
# No script here reads the CSRF cookie: forms carry the token.
CSRF_COOKIE_HTTPONLY = True
SECURE_REFERRER_POLICY = "no-referrer"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "locator.web.context_processors.site",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        # A kept connection is checked before each request reuses it: after a database restart the
        # first request gets a new connection instead of an error.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiles a geosearch's plan on every query (measured 110 ms) to save a few
    # milliseconds of execution that these short queries never had: off for the service's connections.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
    # A search's queries repeat with other values: prepared on their second run, PostgreSQL plans them
    # once per connection instead of every time (planning took 0.3-0.9 ms of a 0.5-1 ms query).
    DATABASES["default"]["OPTIONS"]["server_side_binding"] = True
    DATABASES["default"]["OPTIONS"]["prepare_threshold"] = 2
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Write-ahead logging: searches keep reading the directory as it was while an import writes the new one,
    # instead of waiting on its lock and failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = "PRAGMA journal_mode=WAL;"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT") or BASE_DIR / "staticfiles")
# Whitenoise serves static files; with DEBUG off they are collected (collectstatic) with hashed names.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Nothing here takes more than a short form: the report form needs a few KB. Larger bodies are refused
# (413) before they are read (locator/http_rules.py), and no form takes a file: the first file part of
# a multipart body is refused (400) before anything of it is stored.
LOCATOR_MAX_REQUEST_BODY_BYTES = int(os.environ.get("LOCATOR_MAX_REQUEST_BODY_BYTES", str(16 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = LOCATOR_MAX_REQUEST_BODY_BYTES
DATA_UPLOAD_MAX_NUMBER_FILES = 0

# The report form's CSRF cookie lasts only as long as the browser session: nothing that outlives a visit.
CSRF_COOKIE_AGE = None

# The map is shown only when someone asks for it: its tiles come from this third party.
LOCATOR_MAP_TILE_URL = os.environ.get("LOCATOR_MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
LOCATOR_MAP_ATTRIBUTION = os.environ.get(
    "LOCATOR_MAP_ATTRIBUTION", '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
)
# "Report a problem" posts per client address, e.g. "5/hour"; "off" disables the limit.
LOCATOR_REPORT_RATE_LIMIT = os.environ.get("LOCATOR_REPORT_RATE_LIMIT", "5/hour")

# Where SAMHSA exports are read from when no path is given: LOCATOR_DATA_DIR, else the shared folder
# beside the project. The project never copies these files.
LOCATOR_SHARED_DATA_DIR = Path(os.environ.get("LOCATOR_DATA_DIR") or BASE_DIR.parent / "shared" / "data")

# sync_samhsa: SAMHSA's public endpoints (tests point them at a local replay server), where raw
# downloads are kept, and how politely they are asked.
LOCATOR_FINDTREATMENT_URL = os.environ.get(
    "LOCATOR_FINDTREATMENT_URL", "https://findtreatment.gov/locator/exportsAsJson/v2"
)
LOCATOR_OTP_DIRECTORY_URL = os.environ.get(
    "LOCATOR_OTP_DIRECTORY_URL",
    "https://www.samhsa.gov/find-help/locators/opioid-treatment-program-directory/export?page&_format=csv",
)
LOCATOR_SYNC_DIR = Path(os.environ.get("LOCATOR_SYNC_DIR") or BASE_DIR / "var" / "sync")
LOCATOR_SYNC_USER_AGENT = os.environ.get(
    "LOCATOR_SYNC_USER_AGENT", "mat-treatment-locator/1 (open-source MOUD provider locator; sync_samhsa)"
)
LOCATOR_SYNC_PAGE_SIZE = int(os.environ.get("LOCATOR_SYNC_PAGE_SIZE", "2000"))
LOCATOR_SYNC_PAUSE_SECONDS = float(os.environ.get("LOCATOR_SYNC_PAUSE_SECONDS", "1.0"))
LOCATOR_SYNC_TIMEOUT_SECONDS = float(os.environ.get("LOCATOR_SYNC_TIMEOUT_SECONDS", "60"))
LOCATOR_SYNC_RETRIES = int(os.environ.get("LOCATOR_SYNC_RETRIES", "3"))
LOCATOR_SYNC_BACKOFF_SECONDS = float(os.environ.get("LOCATOR_SYNC_BACKOFF_SECONDS", "5"))

# Online geocoding upgrades ZIP-centroid coordinates to street-address precision. Off by default:
# addresses of treatment providers are public, but the service must run with no network at all.
# LOCATOR_GEOCODER names a geopy service ("nominatim", "arcgis", ...); options are geopy keyword arguments.
LOCATOR_GEOCODER = os.environ.get("LOCATOR_GEOCODER", "")
LOCATOR_GEOCODER_OPTIONS = {
    "user_agent": os.environ.get("LOCATOR_GEOCODER_USER_AGENT", "mat-treatment-locator"),
    **({"domain": os.environ["LOCATOR_GEOCODER_DOMAIN"]} if os.environ.get("LOCATOR_GEOCODER_DOMAIN") else {}),
    **({"scheme": os.environ["LOCATOR_GEOCODER_SCHEME"]} if os.environ.get("LOCATOR_GEOCODER_SCHEME") else {}),
}
# Whether street addresses typed into a search may be sent to that geocoder (never cached or logged).
# Leave off unless the geocoder is one you run: a search location is private.
LOCATOR_GEOCODE_SEARCHES = env_bool("LOCATOR_GEOCODE_SEARCHES", False)
LOCATOR_GEOCODER_MIN_DELAY_SECONDS = float(os.environ.get("LOCATOR_GEOCODER_MIN_DELAY_SECONDS", "1.0"))
LOCATOR_GEOCODER_TIMEOUT_SECONDS = float(os.environ.get("LOCATOR_GEOCODER_TIMEOUT_SECONDS", "10"))

# The API is read-only and open: any origin may GET it.
CORS_ALLOW_ALL_ORIGINS = True
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_METHODS = ["GET", "OPTIONS"]

# How many search answers each server process keeps in memory (0: none); see locator/kept_answers.py.
# API answers and pages share the one cache: 2,000 is what the two stores of 1,000 each held before.
LOCATOR_RECENT_ANSWERS = int(os.environ.get("LOCATOR_RECENT_ANSWERS", "2000"))
# Newer SAMHSA data than this many days is current; older, and every page says so (FindTreatment.gov
# changes daily; a sync every week or two keeps the directory well inside it).
LOCATOR_STALE_AFTER_DAYS = int(os.environ.get("LOCATOR_STALE_AFTER_DAYS", "45"))
# import_samhsa and sync_samhsa recompute the access metrics and rewrite the export files when they change
# the directory (seconds); "0" leaves it to a scheduled `manage.py compute_access` and `export_directory`.
LOCATOR_REFRESH_AFTER_IMPORT = os.environ.get("LOCATOR_REFRESH_AFTER_IMPORT", "1") != "0"

# Rate limits count in `default`, which every worker sees: a folder of files on one machine, or the Redis
# at CACHE_URL when several machines must share one count.
# Where the whole directory is written as files after each import (locator/api/exports.py); several servers
# need one folder they share.
LOCATOR_EXPORT_DIR = Path(os.environ.get("LOCATOR_EXPORT_DIR") or BASE_DIR / "var" / "exports")
LOCATOR_CACHE_DIR = Path(os.environ.get("LOCATOR_CACHE_DIR") or BASE_DIR / "var" / "cache")


def shared_cache(url: str) -> dict:
    if not url:
        # Django's file cache lists its folder on every write, and past MAX_ENTRIES deletes a random third,
        # counts still running among them. 1,000 files list in about 1.7 ms; a busier site wants CACHE_URL.
        return {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(LOCATOR_CACHE_DIR),
            "OPTIONS": {"MAX_ENTRIES": 1000},
        }
    scheme = urlsplit(url).scheme
    if scheme in {"redis", "rediss", "unix"}:
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    # Only the scheme: the rest of the URL may hold a password.
    raise ImproperlyConfigured(f"CACHE_URL must be a redis://, rediss:// or unix:// URL, not {scheme}://")


CACHES = {
    "default": shared_cache(os.environ.get("CACHE_URL", "")),
    # Kept answers hold where someone searched (the rendered place, the coordinates) and their keys come from
    # the query string: they stay in this process's memory, never in a file, the database or Redis.
    "answers": (
        {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "kept-answers",
            # Full, it drops its least recently used tenth: Django's default third would throw popular answers
            # away with the rest.
            "OPTIONS": {"MAX_ENTRIES": LOCATOR_RECENT_ANSWERS, "CULL_FREQUENCY": 10},
        }
        if LOCATOR_RECENT_ANSWERS > 0
        # Django's memory cache would still keep a few answers with MAX_ENTRIES 0.
        else {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    ),
    # The search form's choices as written for one language and one set of choices ({% cache %} in
    # _search_form.html): what a search asked for, so in this process's memory only.
    "template_fragments": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "template-fragments",
        "OPTIONS": {"MAX_ENTRIES": 500, "CULL_FREQUENCY": 10},
    },
}

# Anonymous rate limit per client address, e.g. "300/minute"; "off" disables it.
LOCATOR_API_RATE_LIMIT = os.environ.get("LOCATOR_API_RATE_LIMIT", "300/minute")
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_THROTTLE_CLASSES": ["locator.limits.ApiRateThrottle"],
    # Rate limits count per client address: the last LOCATOR_TRUSTED_PROXIES entries of X-Forwarded-For
    # come from our own proxies; with 0, the connection's address (a client cannot choose its identity).
    "NUM_PROXIES": int(os.environ.get("LOCATOR_TRUSTED_PROXIES", "0")),
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "locator.api.errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "MAT treatment locator API",
    "DESCRIPTION": (
        "Providers of medication for opioid use disorder (buprenorphine, methadone, naltrexone) from public "
        "SAMHSA data, nearest first. Every listing names its SAMHSA source and the date of that data; "
        "call before you go. Read-only, open, rate-limited per client. The same directory as Open Referral "
        "HSDS 3.0 records, the format 211s exchange, is at /api/hsds/ (paths and paging as the standard's "
        "schema/openapi.json says; taxonomy \"mat-locator\" at /api/hsds/taxonomy_terms)."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # No badge from the online validator (a request to validator.swagger.io).
    "SWAGGER_UI_SETTINGS": {"validatorUrl": None, "deepLinking": True},
}

# Server errors reach the operator: on standard error (the service's journal, or wherever the process
# manager sends it) always, and by mail when DJANGO_ADMINS lists addresses ("ops@example.org,...").
# Neither carries the search, the form or the client's address (locator/error_mail.py).
ADMINS = [("Operator", address) for address in env_list("DJANGO_ADMINS", [])]
SERVER_EMAIL = os.environ.get("DJANGO_SERVER_EMAIL", "locator@localhost")
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"no_query_strings": {"()": "locator.log_filters.DropQueryStrings"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["no_query_strings"]},
        "mail_admins": {"class": "locator.error_mail.PrivateAdminEmailHandler", "level": "ERROR"},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.request": {"handlers": ["console", "mail_admins"], "level": "INFO", "propagate": False},
        # runserver's access log: through the same filter, never with a search's query string.
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
