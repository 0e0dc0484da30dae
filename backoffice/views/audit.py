"""The audit trail: every history row, filtered by who, what, when and an order/customer/tracking code,
newest first (keyset pages)."""

from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from accounts.decorators import operations_required

from ..forms import AuditFilterForm
from ..selectors.audit import AuditFilter, audit_rows, cursor_decode, cursor_encode


@operations_required
@require_GET
def audit(request):
    form = AuditFilterForm(request.GET or None)
    rows, more, next_query = None, False, ""
    if not form.is_bound or form.is_valid():
        data = form.cleaned_data if form.is_bound else {}
        f = AuditFilter(
            who=data["who"].pk if data.get("who") else None,
            what=data.get("what") or "",
            code=data.get("code") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )
        rows, more = audit_rows(f, cursor=cursor_decode(request.GET.get("after", "")))
        if more and rows:
            query = request.GET.copy()
            query["after"] = cursor_encode(rows[-1])
            next_query = query.urlencode()
    context = {"form": form, "rows": rows, "more": more, "next_query": next_query}
    return render(request, "backoffice/audit.html", context, status=200 if rows is not None else 400)


urlpatterns = [path("audit/", audit, name="audit")]
