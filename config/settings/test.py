import tempfile
from pathlib import Path

from config.env import env

from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tests get a cache of their own per process. bench/scan_http.py's gunicorn keeps production's (Redis, where
# REDIS_URL is set: base.py), so sessions are read as they are in production.
if not env.bool("KEEP_BASE_CACHE", default=False):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Unit tests run tasks in-process. The browser journey starts a real worker with these settings and
# CELERY_TASK_ALWAYS_EAGER=false, on the broker base.py takes from REDIS_URL (tests/conftest.py).
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
# Rows per chunk of a spreadsheet import (tracking.imports.common): small in the fault test that kills its worker.
IMPORT_CHUNK_ROWS = env.int("IMPORT_CHUNK_ROWS", default=5000)
# Files on disk (not in memory): a real Celery worker in another process reads the uploads.
MEDIA_ROOT = env("MEDIA_ROOT", default=str(Path(tempfile.gettempdir()) / "kygui-test-media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# The demo bank account of MONEY.md's examples (base.py has none: production must set its own).
BANK_NAME = env("BANK_NAME", default="Vietcombank")
BANK_BIN = env("BANK_BIN", default="970436")
BANK_ACCOUNT_NUMBER = env("BANK_ACCOUNT_NUMBER", default="0123499999")
BANK_ACCOUNT_HOLDER = env("BANK_ACCOUNT_HOLDER", default="CONG TY TNHH KY GUI MOT BUOC")
