"""Operations' help with people's accounts: a new password (generated, shown once; every other session of
that person ends), a locked-out login unlocked, a customer's contact details, a customer deactivated or
reactivated. Each writes an AuditEntry in the same transaction."""

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.emails import EMAIL_TAKEN, email_taken, normalize_email
from accounts.models import Role, User
from accounts.phone import normalize_vn_phone
from core.errors import DomainError

from .models import AuditEntry, AuditKind
from .services import _require_ops, generate_password, require_may_change

CONTACT_FIELDS = ("first_name", "last_name", "phone", "email")


def _locked(user) -> User:
    return User.objects.select_for_update().get(pk=user.pk)


@transaction.atomic
def password_set(*, user, by) -> str:
    """A generated password for a customer or a staff member who lost theirs; returned once. Their sessions
    end (the password hash is in the session hash, and a new session salt is set) and their failed logins
    are forgotten. Not one's own (the profile's password change is for that), not a superuser's unless by
    one."""
    from accounts.services import user_log_out_everywhere
    from accounts.throttling import unlock

    _require_ops(by)
    locked = _locked(user)
    if locked.pk == by.pk:
        raise DomainError(_("Change your own password from your profile."), code="self")
    require_may_change(locked, by)
    password = generate_password()
    locked.set_password(password)
    locked.save(update_fields=["password"])
    user_log_out_everywhere(user=locked)
    unlock(locked.username)
    AuditEntry.objects.create(kind=AuditKind.PASSWORD_SET, by=by, user=locked, warehouse=locked.warehouse)
    return password


@transaction.atomic
def login_unlock(*, user, by) -> int:
    """Forget the failed logins of this username (from every address). Returns how many there were. A
    superuser's login is unlocked only by a superuser (its lock may be an attack the others should not lift)."""
    from accounts.throttling import failed_logins, unlock

    _require_ops(by)
    require_may_change(_locked(user), by)
    failures = failed_logins(user.username)
    unlock(user.username)
    AuditEntry.objects.create(kind=AuditKind.LOGIN_UNLOCKED, by=by, user=user, data={"failures": failures})
    return failures


def _customer(user) -> User:
    locked = User.objects.select_for_update().filter(pk=user.pk, role=Role.CUSTOMER).first()
    if locked is None:
        raise DomainError(_("This is not a customer account."), code="not_customer")
    return locked


@transaction.atomic
def customer_contact_update(*, customer, by, first_name: str, last_name: str, phone: str, email: str) -> User:
    """A customer's name, phone (the Vietnamese phone rule) and e-mail (one account per address)."""
    _require_ops(by)
    locked = _customer(customer)
    email = normalize_email(email)
    if email_taken(email, exclude_pk=locked.pk):
        raise DomainError(str(EMAIL_TAKEN), code="email")
    values = {
        "first_name": first_name.strip(),
        "last_name": last_name.strip(),
        "phone": normalize_vn_phone(phone),  # raises ValidationError: the form has checked it first
        "email": email,
    }
    changes = {
        name: {"old": getattr(locked, name), "new": value}
        for name, value in values.items()
        if getattr(locked, name) != value
    }
    if not changes:
        return locked
    for name, change in changes.items():
        setattr(locked, name, change["new"])
    locked.save(update_fields=list(changes))
    AuditEntry.objects.create(kind=AuditKind.CUSTOMER_CHANGED, by=by, user=locked, data=changes)
    return locked


@transaction.atomic
def customer_set_active(*, customer, active: bool, reason: str, by) -> User:
    """Deactivate a customer (they can no longer log in; their sessions end at their next page) or reactivate
    them; the reason is kept in the audit. Refused while the wallet holds money of theirs: refund it first
    (a debt stays on the wallet and is still owed)."""
    from accounts.services import user_log_out_everywhere
    from billing.models import Wallet

    _require_ops(by)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say why: it is kept in the audit trail."), code="reason")
    locked = _customer(customer)
    if locked.is_active == active:
        return locked
    if not active:
        balance = Wallet.objects.filter(customer=locked).values_list("balance_vnd", flat=True).first() or 0
        if balance > 0:
            raise DomainError(
                _("This customer still has money in the wallet: refund it before deactivating the account."),
                code="balance",
            )
    locked.is_active = active
    locked.save(update_fields=["is_active"])
    if not active:
        user_log_out_everywhere(user=locked)
    AuditEntry.objects.create(
        kind=AuditKind.CUSTOMER_REACTIVATED if active else AuditKind.CUSTOMER_DEACTIVATED,
        by=by,
        user=locked,
        data={"reason": reason},
    )
    return locked
