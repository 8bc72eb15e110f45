"""Houqin settings: everything that differs between machines comes from the environment."""

import os
import secrets
import sys
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("HOUQIN_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    """Use HOUQIN_SECRET_KEY, else one generated on first start and kept in var/."""
    if key := os.environ.get("HOUQIN_SECRET_KEY"):
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("HOUQIN_DEBUG")
TESTING = "pytest" in sys.modules or (len(sys.argv) > 1 and sys.argv[1] == "test")
ALLOWED_HOSTS = [h for h in os.environ.get("HOUQIN_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("HOUQIN_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "django_filters",
    "django_tables2",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "csp",
    "houqin.core",
    "houqin.org",
    "houqin.maintenance",
    "houqin.assets",
    "houqin.stores",
    "houqin.purchasing",
    "houqin.safety",
    "houqin.canteen",
    "houqin.hygiene",
]
if TESTING or env_bool("HOUQIN_TESTDOCS"):
    # A tiny document type that exercises core's machinery in tests (never in production).
    INSTALLED_APPS.append("houqin.testdocs")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "houqin.core.middleware.SchoolLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "houqin.org.middleware.SchoolMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "houqin.urls"
WSGI_APPLICATION = "houqin.wsgi.application"

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
                "csp.context_processors.nonce",
                "houqin.core.context_processors.shell",
            ],
        },
    },
]

# Database: SQLite under var/ unless DATABASE_URL says otherwise.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'houqin.sqlite3'}", conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions + a busy timeout make concurrent writers queue instead of failing.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Pages run short queries. PostgreSQL's JIT compiles any query it estimates as costly,
    # and a page's capped count (~50 ms) then spent another ~30 ms compiling (measured at
    # 2,000,000 assets). It pays off only for statements that run for seconds.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "org.User"
HOUQIN_TENANT_MODEL = "org.School"
# Resolves who the acting user is in the current school (see core.scoping).
HOUQIN_ACCESS_RESOLVER = "houqin.org.access.access_for"
# Limits "user" choices in forms and filters to the members of the current school.
HOUQIN_USER_CHOICES = "houqin.org.filters.member_users"
# Base of absolute links in e-mails and group-bot messages, e.g. https://houqin.example.edu.cn
HOUQIN_SITE_URL = os.environ.get("HOUQIN_SITE_URL", "")
# The installation's name above the login form (a district's, say); empty: the school's name.
HOUQIN_SITE_NAME = os.environ.get("HOUQIN_SITE_NAME", "")

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "houqin.org.access.RoleBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# The cache holds short-lived counters (the public QR form's rate limit) that every web worker
# must share: files under var/ do that on one machine without another service. Tests keep
# theirs in memory, per process.
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
        if TESTING
        else {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": os.environ.get("HOUQIN_CACHE_DIR", str(VAR_DIR / "cache")),
        }
    )
}
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling: 5 failures lock the username+IP pair for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("HOUQIN_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# Internationalisation: English source, Simplified Chinese default.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("zh-hant", "繁體中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("HOUQIN_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "houqin_language"

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("HOUQIN_MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
HOUQIN_MAX_ATTACHMENT_BYTES = int(os.environ.get("HOUQIN_MAX_ATTACHMENT_BYTES", 20 * 1024 * 1024))

# Security headers. HTTPS settings follow HOUQIN_HTTPS (on by default outside DEBUG).
HTTPS = env_bool("HOUQIN_HTTPS", default=not DEBUG and not TESTING)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 12
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy: only our own scripts and styles. htmx runs with its inline
# indicator style turned off (htmx-config meta) and no eval, so it works under this policy.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Background tasks: the database queue, drained by `manage.py db_worker`.
TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "HOUQIN_TASK_BACKEND",
            "django_tasks.backends.immediate.ImmediateBackend"
            if TESTING
            else "django_tasks_db.DatabaseBackend",
        )
    }
}

EMAIL_BACKEND = os.environ.get(
    "HOUQIN_EMAIL_BACKEND",
    "django.core.mail.backends.locmem.EmailBackend"
    if TESTING
    else "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("HOUQIN_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("HOUQIN_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("HOUQIN_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("HOUQIN_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("HOUQIN_EMAIL_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("HOUQIN_FROM_EMAIL", "houqin@localhost")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: its WWW-Authenticate header makes "not logged in" a 401, not a 403.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["houqin.core.api_policy.RestrictedPermission"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "houqin.core.api_policy.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Houqin API",
    "DESCRIPTION": "School logistics: places, people, and every module's documents.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several modules have a "status" or a "kind": each choice set gets its own schema name.
    "ENUM_NAME_OVERRIDES": {
        "WorkOrderStatusEnum": "houqin.maintenance.models.Status",
        "AssetStatusEnum": "houqin.assets.models.register.AssetStatus",
        "AssetKindEnum": "houqin.assets.models.register.AssetKind",
        "MovementKindEnum": "houqin.assets.models.movements.MovementKind",
        "DisposalKindEnum": "houqin.assets.models.disposal.DisposalKind",
        "DisposalStatusEnum": "houqin.assets.models.disposal.DisposalStatus",
        "DamageStatusEnum": "houqin.assets.models.damage.DamageStatus",
        "StockTakeStatusEnum": "houqin.assets.models.stocktake.StockTakeStatus",
        "ScanResultEnum": "houqin.assets.models.stocktake.ScanResult",
        "MoveKindEnum": "houqin.stores.models.ledger.MoveKind",
        "PrintJobStatusEnum": "houqin.stores.models.printing.PrintJobStatus",
        "RequisitionStatusEnum": "houqin.stores.models.requisitions.RequisitionStatus",
        "StockCountStatusEnum": "houqin.stores.models.counts.StockCountStatus",
        "PurchaseRequestStatusEnum": "houqin.purchasing.models.requests.RequestStatus",
        "PurchaseLineKindEnum": "houqin.purchasing.models.requests.LineKind",
        "PurchaseOrderStatusEnum": "houqin.purchasing.models.orders.OrderStatus",
        "ReceiptStatusEnum": "houqin.purchasing.models.orders.ReceiptStatus",
        "HazardLevelEnum": "houqin.safety.models.hazards.HazardLevel",
        "HazardStatusEnum": "houqin.safety.models.hazards.HazardStatus",
        "HazardSourceEnum": "houqin.safety.models.hazards.HazardSource",
        "WorkOrderSourceEnum": "houqin.maintenance.models.Source",
        "SafetyDocumentKindEnum": "houqin.safety.models.documents.SafetyDocumentKind",
        "DrillKindEnum": "houqin.safety.models.documents.DrillKind",
        "EquipmentKindEnum": "houqin.safety.models.equipment.EquipmentKind",
        "InspectionTemplateKindEnum": "houqin.safety.models.inspections.TemplateKind",
    },
}

DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5-responsive.html"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("HOUQIN_LOG_LEVEL", "WARNING")},
}
