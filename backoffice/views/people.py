"""Help with anyone's account: a new password (shown once, on the page the POST redirects to), a locked-out
login unlocked."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.decorators import operations_required
from accounts.models import Role, User
from core.errors import DomainError

from ..services_people import login_unlock, password_set

# The one-time password waits in the session for the next page, which shows it and forgets it.
SESSION_KEY = "backoffice_new_password"


def remember_password(request, *, user, password: str, created: bool) -> None:
    request.session[SESSION_KEY] = {"user": user.pk, "password": password, "created": created}


def _page_of(user) -> str:
    if user.role == Role.CUSTOMER:
        return redirect("backoffice:customer", user.pk)
    return redirect("backoffice:staff_edit", user.pk)


def _account(pk) -> User:
    user = User.objects.filter(pk=pk).first()
    if user is None:
        raise Http404
    return user


@operations_required
@require_POST
def account_password(request, pk):
    user = _account(pk)
    try:
        password = password_set(user=user, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return _page_of(user)
    remember_password(request, user=user, password=password, created=False)
    return redirect("backoffice:password_shown")


@operations_required
@require_POST
def account_unlock(request, pk):
    user = _account(pk)
    try:
        login_unlock(user=user, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(user)s can try to log in again now.") % {"user": user.username})
    return _page_of(user)


@operations_required
@require_GET
def password_shown(request):
    """The password just generated, once: a refresh or a second visit finds nothing and says so."""
    secret = request.session.pop(SESSION_KEY, None)
    member = User.objects.filter(pk=secret["user"]).first() if secret else None
    context = {
        "member": member,
        "password": secret["password"] if member else None,
        "created": bool(secret and secret.get("created")),
    }
    response = render(request, "backoffice/password_shown.html", context)
    add_never_cache_headers(response)
    return response


urlpatterns = [
    path("accounts/<int:pk>/password/", account_password, name="account_password"),
    path("accounts/<int:pk>/unlock/", account_unlock, name="account_unlock"),
    path("accounts/password/", password_shown, name="password_shown"),
]
