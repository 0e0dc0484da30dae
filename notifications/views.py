from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.decorators import customer_required

from .models import Notification, NotificationKind
from .selectors import notifications_for
from .services import notifications_mark_read


@customer_required
def notification_list(request):
    page = Paginator(notifications_for(user=request.user), 30).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page})


@customer_required
@require_POST
def notification_mark_all_read(request):
    notifications_mark_read(user=request.user)
    return redirect("notifications:list")


@customer_required
def notification_open(request, pk):
    """Open one notification: mark it read and go to what it is about. Only its owner may."""
    notification = get_object_or_404(Notification, pk=pk, user=request.user)
    notifications_mark_read(user=request.user, ids=[notification.pk])
    if notification.consignment_id:
        return redirect("consignments:detail", code=notification.consignment.code)
    if notification.kind == NotificationKind.TRACKING_WITHDRAWN:
        return redirect("tracking:list")
    return redirect("notifications:list")
