"""Staff accounts: the list, a new account (its password generated and shown once), role and warehouse,
deactivate / reactivate."""

from django.contrib import messages
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.decorators import operations_required
from accounts.models import User
from core.errors import DomainError

from ..forms import StaffCreateForm, StaffUpdateForm
from ..services import STAFF_ROLES, staff_create, staff_set_active, staff_update
from .people import remember_password

FIELD_OF_ERROR = {"username": "username", "warehouse": "warehouse", "role": "role", "email": "email"}


def _staff(pk) -> User:
    user = User.objects.select_related("warehouse").filter(pk=pk, role__in=STAFF_ROLES).first()
    if user is None:
        raise Http404
    return user


@operations_required
@require_GET
def staff(request):
    rows = User.objects.filter(role__in=STAFF_ROLES).select_related("warehouse")
    show = request.GET.get("show", "")
    if show != "all":
        rows = rows.filter(is_active=True)
    q = request.GET.get("q", "").strip()[:40]
    if q and "\x00" not in q:
        rows = rows.filter(Q(username__icontains=q) | Q(first_name__icontains=q) | Q(last_name__icontains=q))
    rows = rows.order_by("role", "warehouse__code", "username")[:500]
    return render(request, "backoffice/staff.html", {"rows": rows, "show": show, "q": q})


@operations_required
@require_http_methods(["GET", "POST"])
def staff_new(request):
    form = StaffCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user, password = staff_create(by=request.user, **data)
        except DomainError as exc:
            form.add_error(FIELD_OF_ERROR.get(exc.code), exc.message)
        else:
            # Shown once, on the page this redirects to (a refresh there does not post again).
            remember_password(request, user=user, password=password, created=True)
            return redirect("backoffice:password_shown")
    status = 400 if form.is_bound else 200
    return render(request, "backoffice/staff_form.html", {"form": form}, status=status)


@operations_required
@require_http_methods(["GET", "POST"])
def staff_edit(request, pk):
    member = _staff(pk)
    initial = {"role": member.role, "warehouse": member.warehouse_id}
    form = StaffUpdateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            staff_update(user=member, by=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(FIELD_OF_ERROR.get(exc.code), exc.message)
        else:
            messages.success(request, _("%(user)s: role and warehouse saved.") % {"user": member.username})
            return redirect("backoffice:staff")
    from accounts.throttling import failed_logins

    context = {"form": form, "member": member, "failed_logins": failed_logins(member.username)}
    return render(request, "backoffice/staff_edit.html", context, status=400 if form.is_bound else 200)


@operations_required
@require_POST
def staff_active(request, pk):
    member = _staff(pk)
    active = request.POST.get("active") == "1"
    try:
        staff_set_active(user=member, active=active, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        message = _("%(user)s can log in again.") if active else _("%(user)s can no longer log in.")
        messages.success(request, message % {"user": member.username})
    return redirect("backoffice:staff_edit", member.pk)


urlpatterns = [
    path("staff/", staff, name="staff"),
    path("staff/new/", staff_new, name="staff_new"),
    path("staff/<int:pk>/", staff_edit, name="staff_edit"),
    path("staff/<int:pk>/active/", staff_active, name="staff_active"),
]
