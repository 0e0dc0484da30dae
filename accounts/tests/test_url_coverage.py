"""Every URL of the project is tried by its views' tests (each module named beside its URLs)."""

# The URL names these view tests (the six apps' tests/test_views.py) exercise. A new URL fails this test
# until its view tests are written: anonymous, wrong persona, right persona, wrong method.
URLS_WITH_VIEW_TESTS = {
    # delivery/tests/test_{pickup,counter,requests,release,public}.py
    "delivery:pickup",
    "delivery:counter",
    "delivery:handover",
    "delivery:requests",
    "delivery:request_new",
    "delivery:request_detail",
    "delivery:request_cancel",
    "delivery:depot_requests",
    "delivery:depot_request",
    "delivery:release_start",
    "delivery:depot_request_cancel",
    "delivery:release_scan",
    "delivery:release_details",
    "delivery:release_pdf",
    "delivery:release_out",
    "delivery:release_close",
    "delivery:track",
    # shipping/tests/test_bags_views.py
    "shipping:bags",
    "shipping:bag_open",
    "shipping:bag",
    "shipping:bag_scan",
    "shipping:bag_close",
    "shipping:bag_reopen",
    "shipping:bag_delete",
    "shipping:bag_label",
    "shipping:bag_manifest_pdf",
    "shipping:bag_manifest_xlsx",
    # shipping/tests/test_trips_views.py
    "shipping:trips",
    "shipping:trip_create",
    "shipping:trip",
    "shipping:trip_load",
    "shipping:trip_unload",
    "shipping:trip_depart",
    "shipping:trip_checkpoint",
    "shipping:trip_manifest_pdf",
    "shipping:trip_manifest_xlsx",
    # shipping/tests/test_receiving_views.py
    "shipping:receiving",
    "shipping:receiving_late",
    "shipping:receiving_trip",
    "shipping:receiving_trip_open",
    "shipping:receiving_bag_open",
    "shipping:receiving_trip_close",
    "shipping:receiving_bag",
    "shipping:receiving_parcel",
    "shipping:receiving_bag_close",
    "shipping:receiving_missing",
    "shipping:receiving_lost",
    "billing:fees",
    "billing:calculator",  # billing/tests/test_public_pages.py
    "billing:schedules",
    "billing:schedule_new",
    "billing:schedule_edit",
    "billing:schedule_publish",
    "billing:exchange_rates",  # billing/tests/test_schedules_views.py
    "billing:topup",  # billing/tests/test_topup_views.py
    "billing:bank_webhook",  # billing/tests/test_webhooks.py, test_webhooks_casso.py
    "billing:transfers",
    "billing:transfer_assign",  # billing/tests/test_transfers_ops.py
    "billing:order_extras",  # billing/tests/test_order_charges.py
    "billing:wallet",
    "billing:wallet_export",  # billing/tests/test_wallet_statement.py
    "billing:pay",  # billing/tests/test_wallet_pay.py
    "billing:ops_wallets",
    "billing:ops_wallet_entry",
    "billing:ops_wallet_group",
    "billing:ops_wallet_reverse",  # billing/tests/test_ops_wallet.py
    "warehouse:parcel",
    "warehouse:labels",
    "home",
    "set_language",
    "accounts:signup",
    "accounts:login",
    "accounts:logout",
    "accounts:profile",
    "accounts:profile_edit",
    "accounts:logout_everywhere",  # accounts/tests/test_profile_edit.py
    "accounts:password_change",
    "accounts:password_reset",
    "accounts:password_reset_done",
    "accounts:password_reset_confirm",
    "accounts:password_reset_complete",  # accounts/tests/test_password_views.py
    "addresses:list",
    "addresses:create",
    "addresses:edit",
    "addresses:delete",
    "addresses:default",
    "addresses:china",
    "addresses:wards",  # addresses/tests/test_views.py
    "tracking:list",
    "tracking:paste",
    "tracking:export",
    "tracking:edit",
    "tracking:cancel",
    "tracking:import",
    "tracking:import_detail",
    "tracking:import_result",
    "consignments:list",
    "consignments:detail",
    "consignments:destination",  # consignments/tests/test_views.py
    "notifications:list",
    "notifications:open",
    "notifications:mark_all_read",
    # notifications/tests/test_settings_views.py, test_telegram.py
    "notifications:settings",
    "notifications:telegram_link",
    "notifications:telegram_unlink",
    "telegram_webhook",
    "warehouse:scan",
    "warehouse:card",
    "warehouse:weigh",
    "warehouse:declare",
    "warehouse:label",
    "warehouse:photos",
    "warehouse:identify",
    "warehouse:assign",
    "warehouse:dispatch",
    "warehouse:depot",
    "warehouse:conflicts",
    "warehouse:unidentified",
    "warehouse:transfer_form",  # below, and warehouse/tests/test_views.py
    "warehouse:transfer",
    "warehouse:consignment_find",  # warehouse/tests/test_destination.py
    "photo",
    "photo_small",
    # claims/tests/test_views.py
    "claims:list",
    "claims:new",
    "claims:detail",
    "claims:reply",
    "claims:photo",
    "claims:photo_small",
    "claims:ops_list",
    "claims:ops_detail",
    "claims:ops_accept",
    "claims:ops_reply",
    "claims:ops_refund",
    "claims:ops_approve",
    "claims:ops_decline",
    "claims:ops_reweigh",
    "claims:ops_reject",
    "claims:ops_close",
    # backoffice/tests/test_views.py
    "backoffice:dashboard",
    "backoffice:orders",
    "backoffice:order",
    "backoffice:parcels",
    "backoffice:customers",
    "backoffice:customer",
    "backoffice:customer_group",
    "backoffice:staff",
    "backoffice:staff_new",
    "backoffice:staff_edit",
    "backoffice:staff_active",
    "backoffice:warehouses",
    "backoffice:warehouse_new",  # backoffice/tests/test_warehouses.py
    "backoffice:warehouse",
    "backoffice:depot_provinces",
    "backoffice:audit",
    "backoffice:customer_edit",
    "backoffice:customer_active",
    "backoffice:account_password",
    "backoffice:account_unlock",
    "backoffice:password_shown",
}


def _url_names(resolver, namespace=""):
    from django.urls import URLPattern, URLResolver

    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":  # Django's own admin: tested above by changelists and change pages
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _url_names(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}"


def test_every_url_of_the_project_has_view_tests():
    from django.urls import get_resolver

    names = set(_url_names(get_resolver()))
    assert names - URLS_WITH_VIEW_TESTS == set(), "URLs without view tests"
