"""E-mail addresses: one account per address (case-insensitive), the domain in lower case.

Checked by every form that sets an address (sign-up, profile, the operations portal). No database constraint
yet: existing data may hold duplicates (see the report of round 2); verification by e-mail is not done."""

from django.contrib.auth.base_user import BaseUserManager
from django.utils.translation import gettext_lazy as _

EMAIL_TAKEN = _("Another account already uses this e-mail address: use a different one.")


def normalize_email(value: str) -> str:
    """`Lan@Example.VN ` → `Lan@example.vn` (the local part is the mail server's business)."""
    return BaseUserManager.normalize_email((value or "").strip())


def email_taken(email: str, *, exclude_pk: int | None = None) -> bool:
    from .models import User

    if not email:
        return False
    others = User.objects.filter(email__iexact=email)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    return others.exists()
