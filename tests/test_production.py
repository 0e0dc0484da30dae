"""config.settings.production as the Docker image uses it: collectstatic at build time, check --deploy."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings


def manage(tmp_path: Path, *args: str, **extra: str) -> subprocess.CompletedProcess:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))},
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "kygui.example",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "STATIC_ROOT": str(tmp_path / "static"),
        "BANK_NAME": "Vietcombank",
        "BANK_BIN": "970436",
        "BANK_ACCOUNT_NUMBER": "1234567890",
        "BANK_ACCOUNT_HOLDER": "CONG TY KY GUI",
        **extra,
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_collectstatic_builds_the_manifest(tmp_path):
    """The Dockerfile's build step: every file a stylesheet or script refers to must exist (a vendored file's
    sourceMappingURL to a map that is not shipped once failed it)."""
    done = manage(tmp_path, "collectstatic", "--noinput")
    assert done.returncode == 0, done.stderr[-3000:]
    assert (tmp_path / "static" / "staticfiles.json").exists()
    assert list((tmp_path / "static" / "vendor").glob("htmx-*.min.*.js.gz"))  # hashed and compressed


def test_production_settings_pass_the_deploy_check(tmp_path):
    done = manage(tmp_path, "check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]


def test_the_deploy_check_wants_the_bank_account(tmp_path):
    """Without BANK_* the top-up page would show no account (or, with a default, someone else's)."""
    done = manage(tmp_path, "check", "--deploy", BANK_ACCOUNT_NUMBER="")
    assert done.returncode != 0 and "billing.E001" in done.stderr + done.stdout
