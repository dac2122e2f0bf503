"""Settings for the treatment locator, driven by environment variables with safe local defaults."""

import os
from pathlib import Path

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
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "locator",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"

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
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"

# Where SAMHSA exports are read from when no path is given: LOCATOR_DATA_DIR, else the shared folder
# beside the project. The project never copies these files.
LOCATOR_SHARED_DATA_DIR = Path(os.environ.get("LOCATOR_DATA_DIR") or BASE_DIR.parent / "shared" / "data")

# Online geocoding upgrades ZIP-centroid coordinates to street-address precision. Off by default:
# addresses of treatment providers are public, but the service must run with no network at all.
# LOCATOR_GEOCODER names a geopy service ("nominatim", "arcgis", ...); options are geopy keyword arguments.
LOCATOR_GEOCODER = os.environ.get("LOCATOR_GEOCODER", "")
LOCATOR_GEOCODER_OPTIONS = {
    "user_agent": os.environ.get("LOCATOR_GEOCODER_USER_AGENT", "mat-treatment-locator"),
    **({"domain": os.environ["LOCATOR_GEOCODER_DOMAIN"]} if os.environ.get("LOCATOR_GEOCODER_DOMAIN") else {}),
    **({"scheme": os.environ["LOCATOR_GEOCODER_SCHEME"]} if os.environ.get("LOCATOR_GEOCODER_SCHEME") else {}),
}
LOCATOR_GEOCODER_MIN_DELAY_SECONDS = float(os.environ.get("LOCATOR_GEOCODER_MIN_DELAY_SECONDS", "1.0"))
LOCATOR_GEOCODER_TIMEOUT_SECONDS = float(os.environ.get("LOCATOR_GEOCODER_TIMEOUT_SECONDS", "10"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
}
