"""The dashboard: what waits for operations today, each count linking to its list."""

from django.shortcuts import render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.decorators import operations_required

from ..selectors.dashboard import dashboard as dashboard_counts


def _claims_url() -> str:
    try:
        return reverse("claims:ops_list") + "?status=open"
    except NoReverseMatch:  # the claims app's pages are not there yet
        return ""


@operations_required
@require_GET
def dashboard(request):
    context = {"board": dashboard_counts(), "today": timezone.localdate(), "claims_url": _claims_url()}
    return render(request, "backoffice/dashboard.html", context)


urlpatterns = [path("", dashboard, name="dashboard")]
