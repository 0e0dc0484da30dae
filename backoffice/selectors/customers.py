"""Finding a customer from one field, and everything operations see on their page."""

import unicodedata

from django.db import connection
from django.db.models import F, Q, Value
from django.db.models.functions import Concat, Replace

from accounts.models import Role, User

LAST_ROWS = 20


def without_accents(text: str) -> str:
    """Vietnamese without its marks, as PostgreSQL's unaccent writes it: "Nguyễn Đình" → "Nguyen Dinh"."""
    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))


def _digits_only(field: str):
    """The phone as typed at sign-up may hold spaces, dots or dashes: compare digits with digits."""
    expression = F(field)
    for separator in (" ", ".", "-", "(", ")", "+"):
        expression = Replace(expression, Value(separator), Value(""))
    return expression


def recent_customers():
    """Everyone who signed up, the latest first (an empty search)."""
    return User.objects.filter(role=Role.CUSTOMER).order_by("-date_joined", "-id")


def customers_search(q: str):
    """Customers whose code, username, phone or e-mail match `q` (from the start), or whose name holds it
    (first, last, or "first last"; any case; on PostgreSQL with or without accents): a phone typed
    with spaces or dots, or starting +84, finds the number stored as 09…. Not capped: the view pages it."""
    q = " ".join(q.split())
    customers = User.objects.filter(role=Role.CUSTOMER)
    if not q:
        return customers.none()
    digits = "".join(ch for ch in q if ch.isascii() and ch.isdigit())
    phone = Q()
    if len(digits) >= 4 and not any(ch.isalpha() for ch in q):
        customers = customers.annotate(phone_digits=_digits_only("phone"))
        numbers = [digits] + (["0" + digits[2:]] if digits.startswith("84") else [])
        for number in numbers:
            phone |= Q(phone_digits__contains=number) | Q(addresses__phone__contains=number)
    name = Q()
    if any(ch.isalpha() for ch in q):
        customers = customers.annotate(full_name=Concat("first_name", Value(" "), "last_name"))
        if connection.vendor == "postgresql":  # "binh", "Bình" and "BINH" all find Bình (unaccent)
            plain = without_accents(q)
            name = Q(full_name__unaccent__icontains=plain)
        else:
            name = Q(first_name__icontains=q) | Q(last_name__icontains=q) | Q(full_name__icontains=q)
    found = customers.filter(
        Q(customer_code__istartswith=q) | Q(username__istartswith=q) | Q(email__istartswith=q) | phone | name
    )
    return found.distinct().order_by("username", "id")


def customer_for_ops(pk: int) -> User | None:
    return User.objects.filter(pk=pk, role=Role.CUSTOMER).first()


def customer_page(customer) -> dict:
    """Addresses, registrations, orders, wallet and claims of one customer: a bounded number of queries."""
    from addresses.models import DeliveryAddress
    from billing.models import Wallet, WalletEntry
    from billing.selectors import group_of
    from consignments.models import Consignment
    from tracking.models import TrackingNumber

    wallet = Wallet.objects.filter(customer=customer).first()
    context = {
        "customer": customer,
        "addresses": list(DeliveryAddress.objects.filter(customer=customer).order_by("-is_default", "id")),
        "registrations": list(
            TrackingNumber.objects.filter(customer=customer)
            .select_related("consignment")
            .order_by("-created_at", "-id")[:LAST_ROWS]
        ),
        "registration_count": TrackingNumber.objects.filter(customer=customer).count(),
        "orders": list(
            Consignment.objects.filter(customer=customer)
            .select_related("current_warehouse")
            .order_by("-created_at", "-id")[:LAST_ROWS]
        ),
        "order_count": Consignment.objects.filter(customer=customer).count(),
        "balance": wallet.balance_vnd if wallet else 0,
        "group": group_of(customer),
        "entries": list(
            WalletEntry.objects.filter(wallet_id=customer.pk).select_related("by", "consignment")[:LAST_ROWS]
        ),
        "claims": None,
    }
    try:
        from claims.selectors import claims_of
    except ImportError:  # the claims app is not there yet: the page says so
        pass
    else:
        context["claims"] = list(claims_of(customer).order_by("-created_at", "-id")[:LAST_ROWS])
    return context
