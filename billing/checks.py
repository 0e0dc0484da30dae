"""`manage.py check --deploy`: the bank account customers top up to must be configured (BANK_* settings)."""

import re

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def bank_account_configured(app_configs, **kwargs):
    """An unset account would leave the top-up page without a QR code; a demo one would send customers'
    money elsewhere. base.py has no default, so production fails here until the environment sets them."""
    errors = []
    missing = [
        name
        for name in ("BANK_NAME", "BANK_BIN", "BANK_ACCOUNT_NUMBER", "BANK_ACCOUNT_HOLDER")
        if not str(getattr(settings, name, "")).strip()
    ]
    if missing:
        errors.append(
            checks.Error(
                f"The bank account customers top up to is not configured: set {', '.join(missing)}.",
                id="billing.E001",
            )
        )
    elif not re.fullmatch(r"\d{6}", settings.BANK_BIN):
        errors.append(checks.Error("BANK_BIN must be the bank's 6-digit NAPAS id.", id="billing.E002"))
    return errors
