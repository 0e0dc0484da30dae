"""Every write the operations portal makes: staff accounts, a warehouse's contact details, a customer's group.
Each writes an AuditEntry (who, when, before and after) in the same transaction."""

import secrets

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import Role, User
from core.errors import DomainError
from warehouse.models import DepotProvince, Warehouse

from .models import AuditEntry, AuditKind

STAFF_ROLES = (Role.CHINA_STAFF, Role.VIETNAM_STAFF, Role.OPERATIONS)
# The kind of warehouse each staff role works at (operations: any, or none).
ROLE_WAREHOUSE_KIND = {Role.CHINA_STAFF: Warehouse.Kind.CHINA, Role.VIETNAM_STAFF: Warehouse.Kind.VIETNAM}
WAREHOUSE_FIELDS = ("name", "address", "postal_code", "phone", "opening_hours", "is_active")
# No 0/O, 1/l/I: read aloud or copied from a screen once.
PASSWORD_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZabcdefghjkmnpqrstuvwxyz23456789"  # noqa: S105 - an alphabet
PASSWORD_LENGTH = 12


def _require_ops(by) -> None:
    if by is None or getattr(by, "role", "") != Role.OPERATIONS or not by.is_active:
        raise DomainError(_("Only operations can do this."), code="forbidden")


def staff_role_check(*, role: str, warehouse: Warehouse | None) -> None:
    """China staff need a China warehouse, Vietnam staff a Vietnam depot; operations may have either or none."""
    if role not in STAFF_ROLES:
        raise DomainError(_("Choose a staff role."), code="role")
    kind = ROLE_WAREHOUSE_KIND.get(role)
    if kind is None:
        return
    if warehouse is None:
        raise DomainError(_("China and Vietnam staff need the warehouse they work at."), code="warehouse")
    if warehouse.kind != kind:
        message = (
            _("China warehouse staff work at a China warehouse, not at a Vietnam depot.")
            if kind == Warehouse.Kind.CHINA
            else _("Vietnam depot staff work at a Vietnam depot, not at a China warehouse.")
        )
        raise DomainError(message, code="warehouse")
    if not warehouse.is_active:
        raise DomainError(_("This warehouse is closed: choose an active one."), code="warehouse")


def generate_password() -> str:
    return "".join(secrets.choice(PASSWORD_ALPHABET) for _i in range(PASSWORD_LENGTH))


@transaction.atomic
def staff_create(
    *, username: str, first_name: str, last_name: str, email: str, role: str, warehouse, by
) -> tuple[User, str]:
    """A staff account with a generated password, returned once (shown to the person creating it, never
    stored in clear). Returns (user, password)."""
    _require_ops(by)
    staff_role_check(role=role, warehouse=warehouse)
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError(_("This username is already taken."), code="username")
    password = generate_password()
    user = User(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        role=role,
        warehouse=warehouse,
    )
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:  # the same username created a moment ago
        raise DomainError(_("This username is already taken."), code="username") from exc
    AuditEntry.objects.create(
        kind=AuditKind.STAFF_CREATED,
        by=by,
        user=user,
        warehouse=warehouse,
        data={"role": role, "warehouse": warehouse.code if warehouse else ""},
    )
    return user, password


def require_may_change(locked, by) -> None:
    """Only a superuser may change a superuser's account (role, warehouse, active, password)."""
    if locked.is_superuser and not by.is_superuser:
        raise DomainError(_("Only a superuser can change a superuser's account."), code="superuser")


def _locked_staff(user, by=None) -> User:
    locked = User.objects.select_for_update().filter(pk=user.pk, role__in=STAFF_ROLES).first()
    if locked is None:
        raise DomainError(_("This is not a staff account."), code="not_staff")
    if by is not None:
        require_may_change(locked, by)
    return locked


@transaction.atomic
def staff_update(*, user, role: str, warehouse, by) -> User:
    """Change a staff member's role and warehouse (audited). Operations cannot take their own role away."""
    _require_ops(by)
    staff_role_check(role=role, warehouse=warehouse)
    locked = _locked_staff(user, by)
    if locked.pk == by.pk and role != Role.OPERATIONS:
        raise DomainError(_("You cannot take the operations role away from yourself."), code="self")
    old = {"role": locked.role, "warehouse": locked.warehouse.code if locked.warehouse_id else ""}
    new = {"role": role, "warehouse": warehouse.code if warehouse else ""}
    if old == new:
        return locked
    locked.role = role
    locked.warehouse = warehouse
    locked.save(update_fields=["role", "warehouse"])
    AuditEntry.objects.create(
        kind=AuditKind.STAFF_CHANGED,
        by=by,
        user=locked,
        warehouse=warehouse,
        data={key: {"old": old[key], "new": new[key]} for key in old if old[key] != new[key]},
    )
    return locked


@transaction.atomic
def staff_set_active(*, user, active: bool, by) -> User:
    """Deactivate (they can no longer log in; their open sessions stop at the next request) or reactivate a
    staff account. Never one's own."""
    _require_ops(by)
    locked = _locked_staff(user, by)
    if locked.pk == by.pk:
        raise DomainError(_("You cannot deactivate your own account."), code="self")
    if locked.is_active == active:
        return locked
    locked.is_active = active
    locked.save(update_fields=["is_active"])
    AuditEntry.objects.create(
        kind=AuditKind.STAFF_REACTIVATED if active else AuditKind.STAFF_DEACTIVATED,
        by=by,
        user=locked,
        warehouse=locked.warehouse,
    )
    return locked


@transaction.atomic
def warehouse_update(*, warehouse: Warehouse, by, **values) -> Warehouse:
    """Change a warehouse's name, address, phone, opening hours (shown to customers at Chờ giao)…"""
    _require_ops(by)
    unknown = set(values) - set(WAREHOUSE_FIELDS)
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")
    locked = Warehouse.objects.select_for_update().get(pk=warehouse.pk)
    closing = values.get("is_active") is False and locked.is_active
    if (
        closing
        and User.objects.filter(warehouse=locked, is_active=True).exclude(role=Role.OPERATIONS).exists()
    ):
        raise DomainError(
            _("Staff still work at this warehouse: move them to another one first."), code="staff"
        )
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
    AuditEntry.objects.create(kind=AuditKind.WAREHOUSE_CHANGED, by=by, warehouse=locked, data=changes)
    return locked


@transaction.atomic
def depot_provinces_set(*, depot: Warehouse, codes, by) -> tuple[set, set]:
    """Make `depot` the one that serves exactly these provinces (2025 codes): new orders of customers living
    there go to it. A province taken from another depot moves here. Returns (added, removed)."""
    from addresses.selectors import provinces

    _require_ops(by)
    if depot.kind != Warehouse.Kind.VIETNAM:
        raise DomainError(_("Only a Vietnam depot serves provinces."), code="kind")
    known = {code for code, _name in provinces()}
    wanted = set(codes)
    if wanted - known:
        raise DomainError(_("Choose provinces from the list."), code="province")
    rows = {
        row.province_code: row
        for row in DepotProvince.objects.select_for_update().filter(province_code__in=known)
    }
    mine = {code for code, row in rows.items() if row.depot_id == depot.pk}
    added, removed = wanted - mine, mine - wanted
    moved = {code: rows[code].depot_id for code in added if code in rows}
    DepotProvince.objects.filter(depot=depot, province_code__in=removed).delete()
    DepotProvince.objects.filter(province_code__in=moved).update(depot=depot)
    DepotProvince.objects.bulk_create(
        [DepotProvince(province_code=code, depot=depot) for code in sorted(added - set(moved))]
    )
    if added or removed:
        AuditEntry.objects.create(
            kind=AuditKind.DEPOT_PROVINCES,
            by=by,
            warehouse=depot,
            data={"added": sorted(added), "removed": sorted(removed), "moved_from": moved},
        )
    return added, removed


@transaction.atomic
def customer_group_change(*, customer, group, by):
    """Put a customer in a group (None: the default group; billing re-prices their unpaid orders) and keep
    who did it, from which group to which."""
    from billing.models import Wallet
    from billing.services.rates import customer_group_set

    _require_ops(by)
    before = Wallet.objects.filter(customer=customer).select_related("group").first()
    old = before.group if before is not None else None
    wallet = customer_group_set(customer=customer, group=group, by=by)
    if (old.pk if old else None) != (group.pk if group else None):
        AuditEntry.objects.create(
            kind=AuditKind.CUSTOMER_GROUP,
            by=by,
            user=customer,
            data={"group": {"old": old.code if old else "", "new": group.code if group else ""}},
        )
    return wallet
