"""The customer's "Pick up at the depot" page (Nhận hàng tại kho): per depot where orders await them, the
depot's address and phone, each order with what it owes, and the pickup code (QR + 6 digits)."""

from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from accounts.decorators import customer_required
from billing.vietqr import svg

from ..selectors import awaiting_by_depot
from ..services.pickup import pickup_code_for


@customer_required
@require_GET
def pickup(request):
    """Opening the page renews an expired code (a new one, never the next number of anything)."""
    depots = []
    for depot, orders in awaiting_by_depot(request.user):
        code = pickup_code_for(customer=request.user, depot=depot)
        unpaid = [o for o in orders if not o.is_paid and o.due is not None]
        depots.append(
            {
                "depot": depot,
                "orders": orders,
                "code": code,
                "qr": svg(code.qr_payload, title=code.code),
                "unpaid": unpaid,
                "unpaid_total": sum(o.due_vnd for o in unpaid),
                "unpriced": [o for o in orders if o.due is None],
                "requestable": [o for o in orders if o.open_request is None],
            }
        )
    return render(request, "delivery/pickup.html", {"depots": depots})


urlpatterns = [path("pickup/", pickup, name="pickup")]
