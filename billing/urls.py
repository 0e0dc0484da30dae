"""Billing's URLs: each view module lists its own (billing/views/*.py `urlpatterns`)."""

from .views import public, schedules, topup, transfers, wallet, wallets_ops, webhooks

app_name = "billing"
urlpatterns = [
    *public.urlpatterns,
    *wallet.urlpatterns,
    *topup.urlpatterns,
    *webhooks.urlpatterns,
    *schedules.urlpatterns,
    *transfers.urlpatterns,
    *wallets_ops.urlpatterns,
]
