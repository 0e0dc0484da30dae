"""Settings shared by every environment. Every value comes from the environment with a safe local default."""

from datetime import timedelta

from django.utils.translation import gettext_lazy as _
from kombu import Exchange, Queue

from config.env import BASE_DIR, env

SECRET_KEY = env("DJANGO_SECRET_KEY", default="local-dev-only-not-secret")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",  # the unaccent lookup for names (backoffice customer search); inert on SQLite
    "django_htmx",
    "template_partials",
    "axes",  # login throttling (accounts/throttling.py)
    "accounts",
    "addresses",
    "tracking",
    "warehouse",
    "consignments",
    "notifications",
    "billing",
    "shipping",
    "delivery",
    "claims",
    "backoffice",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "core.middleware.RefuseUnreadableInputMiddleware",  # a zero byte in a request: 400, not PostgreSQL's 500
    "core.middleware.SearchTextMiddleware",  # "ＪＴ３１" typed into any search box finds JT31
    "axes.middleware.AxesMiddleware",  # a locked-out login gets accounts.throttling's page
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
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "core.context_processors.brand",
                "notifications.context_processors.unread_notifications",
                "billing.context_processors.wallet",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
# A persistent connection PostgreSQL closed (restart, failover, idle connection killed) is noticed at the start
# of the next request and replaced, instead of failing it.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# Axes' backend first: it refuses a locked-out username and address before the password is checked.
AUTHENTICATION_BACKENDS = [
    "accounts.throttling.ThrottlingBackend",  # axes' check, skipped without a request (Client.login)
    "accounts.backends.UserWithWarehouseBackend",
]
# Sessions read from the cache (Redis in production), written through to the database.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Vietnamese first; the China warehouse portal also in Simplified Chinese; English third.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The choice outlives the browser session (Django keeps it only until the browser closes): a Guangzhou
# station set to Chinese stays Chinese after a restart.
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
TIME_ZONE = "Asia/Ho_Chi_Minh"  # shown to people; the database stores UTC (USE_TZ)
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
MEDIA_URL = "media/"
MEDIA_ROOT = env("MEDIA_ROOT", default=str(BASE_DIR / "media"))

# Redis is the Celery broker and the cache. Without it, tasks run in-process (eagerly, after commit).
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    # A cache that degrades (core/cache.py): with Redis down, reads miss and writes are dropped, so signed-in
    # requests read their session from the database instead of failing. Short timeouts, one immediate retry
    # (a connection broken by a Redis restart reconnects), then Redis is left alone for a few seconds.
    CACHES = {
        "default": {
            "BACKEND": "core.cache.DegradingRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "socket_connect_timeout": env.float("CACHE_CONNECT_TIMEOUT", default=0.25),
                "socket_timeout": env.float("CACHE_TIMEOUT", default=0.5),
                "retry": Retry(NoBackoff(), 1),
            },
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CELERY_BROKER_URL = "memory://"
    CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", default="kygui")
# A plain `celery worker` consumes both queues; in production a worker of its own takes the imports
# (`-Q kygui.imports`) and the others leave them (`-X kygui.imports`): docker-compose.yml.
# Each queue with an exchange and routing key of its own: a bare Queue(name) is bound to the default
# exchange and routing key, and would receive a copy of every default-queue task.
CELERY_TASK_QUEUES = tuple(
    Queue(name, Exchange(name), routing_key=name)
    for name in (CELERY_TASK_DEFAULT_QUEUE, f"{CELERY_TASK_DEFAULT_QUEUE}.imports")
)
CELERY_TASK_ROUTES = ("config.celery.route_task",)
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_SOFT_TIME_LIMIT = 60
CELERY_TASK_TIME_LIMIT = 120
CELERY_TASK_ACKS_LATE = True
# A task whose worker process died (killed, out of memory) goes back to the queue, not to the failures.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# Redis redelivers a message not acknowledged within this time (its worker was killed): longer than the
# longest task (imports: 15 min hard limit), or a running import would be started a second time.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)}
# Connecting to the broker while Redis is down: give up quickly (core.broker.publish logs it) rather than
# hold the request; the outbox and the scheduled sweeps do the work once Redis is back.
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.1,
    "interval_max": 0.1,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    # The safety net behind notifications_kick: a lost wake-up delays a notification by a minute at most.
    "deliver-notifications": {
        "task": "notifications.tasks.deliver_notifications",
        "schedule": 60,
    },
    # E-mail and Telegram copies of notifications: sends what is due, retries with backoff.
    # The safety net behind billing's pricing_kick: the final charge of an order that reached Chờ giao.
    "price-requested": {
        "task": "billing.tasks.price_requested",
        "schedule": 60,
    },
    "send-notification-deliveries": {
        "task": "notifications.tasks.send_notification_deliveries",
        "schedule": 60,
    },
    "notify-stale-registrations": {
        "task": "tracking.tasks.notify_stale_registrations",
        "schedule": 60 * 60,
    },
    "sweep-imports": {
        "task": "tracking.tasks.sweep_imports",
        "schedule": 5 * 60,
    },
    "rematch-unidentified-parcels": {
        "task": "warehouse.tasks.rematch_unidentified_parcels",
        "schedule": 15 * 60,
    },
    # Orders out for delivery longer than DELIVERY_AUTOCOMPLETE_DAYS become delivered.
    "autocomplete-deliveries": {
        "task": "delivery.tasks.autocomplete_deliveries",
        "schedule": 60 * 60,
    },
}

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="no-reply@kygui.local")
# SMTP (EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend): the server's address and login.
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
# The site's address, for links in e-mails and Telegram messages (no request to take it from).
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
# --- Notifications by e-mail and Telegram (notifications/channels) ---
# A message still failing after this many attempts (retried 1, 2, 4 … minutes apart) is marked failed.
NOTIFY_MAX_ATTEMPTS = env.int("NOTIFY_MAX_ATTEMPTS", default=8)
# An e-mail waits this long for others to the same user: all go out as one digest (0: each at once).
NOTIFY_EMAIL_DIGEST_SECONDS = env.int("NOTIFY_EMAIL_DIGEST_SECONDS", default=60)
# Telegram: without a bot token the Telegram link is hidden. The webhook is /webhooks/telegram/<secret>/;
# give the same secret to setWebhook as secret_token (Telegram sends it in X-Telegram-Bot-Api-Secret-Token).
TELEGRAM_BOT_TOKEN = env("TELEGRAM_BOT_TOKEN", default="")
TELEGRAM_BOT_NAME = env("TELEGRAM_BOT_NAME", default="")
TELEGRAM_API_BASE = env("TELEGRAM_API_BASE", default="https://api.telegram.org")
TELEGRAM_WEBHOOK_SECRET = env("TELEGRAM_WEBHOOK_SECRET", default="")
# --- end notifications ---

# A registered tracking number not received after this many days is flagged and its owner told once.
TRACKING_STALE_DAYS = env.int("TRACKING_STALE_DAYS", default=7)
# Couriers recycle waybill numbers: once an order has been delivered, cancelled or lost for this many days,
# its number is free, and the next registration or scan of it is a new shipment.
TRACKING_REUSE_AFTER_DAYS = env.int("TRACKING_REUSE_AFTER_DAYS", default=60)
# Volumetric weight = L × W × H (cm) / divisor.
VOLUMETRIC_DIVISOR = env.int("VOLUMETRIC_DIVISOR", default=6000)
# On PostgreSQL the station scans are each one call of a database function: the China scan
# (warehouse.scan_function) and the depot's receiving scan (shipping.services.receive_function); false runs
# the same steps through the ORM (warehouse.matching._scan_in_python, shipping.services.receiving.
# _receive_in_python), as SQLite does: slower, for comparison.
SCAN_IN_DATABASE = env.bool("SCAN_IN_DATABASE", default=True)
# Each parcel is charged for at least this many grams (DOMAIN.md: often 0.5 kg), per parcel.
MIN_BILLABLE_WEIGHT_G = env.int("MIN_BILLABLE_WEIGHT_G", default=500)

# The brand mark written on every parcel label, before the username and the customer code.
BRAND_MARK = env("BRAND_MARK", default="123PO")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}

# --- Bank (billing.topups) ---
# The forwarder's account customers top up to (shown on the top-up page and in its VietQR code).
# No default here: an unset account shows "not configured" on the top-up page and fails `check --deploy`
# (billing.checks), so production never shows customers the demo account. local.py and test.py set a demo one.
BANK_NAME = env("BANK_NAME", default="")
BANK_BIN = env("BANK_BIN", default="")  # NAPAS bank id, 6 digits (970436 Vietcombank, 970422 MB)
BANK_ACCOUNT_NUMBER = env("BANK_ACCOUNT_NUMBER", default="")
BANK_ACCOUNT_HOLDER = env("BANK_ACCOUNT_HOLDER", default="")
# Transfer content: `<TOPUP_PREFIX> <customer code>`; the webhook credits whoever it names.
TOPUP_PREFIX = env("TOPUP_PREFIX", default="NAP")
# Bank-notification webhooks (/webhooks/bank/<provider>/). An empty key refuses that provider (403).
SEPAY_API_KEY = env("SEPAY_API_KEY", default="")  # `Authorization: Apikey <key>`
SEPAY_HMAC_SECRET = env("SEPAY_HMAC_SECRET", default="")  # optional `X-SePay-Signature` over the raw body
CASSO_CHECKSUM_KEY = env("CASSO_CHECKSUM_KEY", default="")  # `X-Casso-Signature: t=…,v1=…`
CASSO_MAX_AGE_S = env.int("CASSO_MAX_AGE_S", default=300)  # older signatures are replays
# --- end bank ---

# --- Bags, handover and delivery (shipping, delivery) ---
# A closed bag whose weight differs from its parcels' by more than this (plus BAG_WEIGHT_TOLERANCE_PCT %) is flagged.
BAG_WEIGHT_TOLERANCE_G = env.int("BAG_WEIGHT_TOLERANCE_G", default=500)
BAG_WEIGHT_TOLERANCE_PCT = env.int("BAG_WEIGHT_TOLERANCE_PCT", default=2)
# A customer's pickup code (QR + 6 digits) at a depot is valid this many days, then renewed.
PICKUP_CODE_DAYS = env.int("PICKUP_CODE_DAYS", default=7)
# An order out for delivery (Đang giao) and not confirmed within this many days becomes delivered.
DELIVERY_AUTOCOMPLETE_DAYS = env.int("DELIVERY_AUTOCOMPLETE_DAYS", default=15)
# Public tracking look-ups per minute per address (0: no limit here, when the proxy in front limits).
PUBLIC_TRACKING_PER_MINUTE = env.int("PUBLIC_TRACKING_PER_MINUTE", default=30)
# Claims: a refund above this many đồng waits for a second operations person to approve it.
CLAIM_REFUND_APPROVAL_VND = env.int("CLAIM_REFUND_APPROVAL_VND", default=2_000_000)
# --- Accounts: login throttling (django-axes, accounts/throttling.py) and the CSRF failure page ---
# After AXES_FAILURE_LIMIT failed logins, that username from that address is refused for AXES_COOLOFF_TIME,
# counted from the lock (attempts meanwhile do not extend it): nobody, staff included, is locked for good.
# Counted in the database, not the cache (Redis may be down); a successful login or password reset clears it.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "accounts.throttling.username_of"
AXES_LOCKOUT_CALLABLE = "accounts.throttling.lockout_response"
# Behind a reverse proxy, the client's address is the proxy's unless we read X-Forwarded-For: set
# AXES_PROXY_COUNT to the number of proxies in front of Django (1 behind one nginx).
AXES_IPWARE_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=0) or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if AXES_IPWARE_PROXY_COUNT else ("REMOTE_ADDR",)
)
CSRF_FAILURE_VIEW = "accounts.error_views.csrf_failure"
# --- end accounts ---
