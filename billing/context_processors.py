"""The wallet balance in the header of every page, for customers."""

from functools import cache

from .selectors import balance_of


def wallet(request):
    """WALLET_BALANCE: a callable the template calls when (and only when) it shows the balance; one query
    (the wallet's row by its key), at most once per request."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_customer:
        return {}

    @cache
    def balance() -> int:
        return balance_of(user)

    return {"WALLET_BALANCE": balance}
