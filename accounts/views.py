from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import i18n

from addresses.selectors import addresses_for
from consignments.selectors import consignments_for_customer
from core.redirects import SafeNextMixin, safe_next_url
from tracking.selectors import tracking_numbers_for

from .forms import LoginForm, SignUpForm
from .models import Role, User
from .services import customer_sign_up


def signup(request):
    if request.user.is_authenticated:
        return redirect("home")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = customer_sign_up(
                username=data["username"],
                password=data["password1"],
                email=data["email"],
                phone=data["phone"],
                first_name=data["first_name"],
            )
        except IntegrityError:
            form.add_error("username", _("This username is already taken."))
        else:
            login(request, user, backend="accounts.backends.UserWithWarehouseBackend")
            messages.success(
                request,
                _(
                    "Welcome! Your customer code is %(code)s. Suppliers must write “%(mark)s” on every parcel. "
                    "Now add a Vietnam delivery address to start."
                )
                % {"code": user.customer_code, "mark": user.label_mark},
            )
            return redirect("addresses:create")
    return render(request, "accounts/signup.html", {"form": form})


@login_required
def home(request):
    """Each kind of user lands on their own portal."""
    user = request.user
    if user.role == Role.CHINA_STAFF:
        return redirect("warehouse:scan")
    if user.role == Role.VIETNAM_STAFF:
        return redirect("warehouse:depot")
    if user.role == Role.OPERATIONS:
        return redirect("backoffice:dashboard")
    return render(
        request,
        "accounts/dashboard.html",
        {
            "has_address": addresses_for(customer=user).exists(),
            "recent_orders": consignments_for_customer(customer=user)[:5],
            "recent_tracking": tracking_numbers_for(customer=user)[:5],
        },
    )


@login_required
def profile(request):
    return render(request, "accounts/profile.html", {"addresses": addresses_for(customer=request.user)})


def _set_language_cookie(response, language: str) -> None:
    """The cookie Django's set_language sets, with the same settings."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


class LoginView(SafeNextMixin, auth_views.LoginView):
    """Django's login, which also brings back the language the person last chose."""

    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_invalid(self, form):
        from .throttling import attempts_left, attempts_left_message

        left = attempts_left(self.request, self.request.POST.get("username", ""))
        response = super().form_invalid(form)
        if left is not None:
            response.context_data["attempts_left"] = attempts_left_message(left)
        return response

    def form_valid(self, form):
        response = super().form_valid(form)
        language = form.get_user().language
        if language:
            _set_language_cookie(response, language)
        return response


class LogoutView(SafeNextMixin, auth_views.LogoutView):
    """Django's logout; a `next` goes only to a page of this site."""


def set_language(request):
    """Django's language switch (/i18n/setlang/), which also remembers the choice of a signed-in person."""
    response = i18n.set_language(request)
    if isinstance(response, HttpResponseRedirect):  # Django's check lets a relative `next` ("0") through
        response["Location"] = safe_next_url(request, response["Location"]) or "/"
    chosen = response.cookies.get(settings.LANGUAGE_COOKIE_NAME)  # set for any language Django knows
    offered = {code for code, _name in settings.LANGUAGES}
    if (
        chosen is not None
        and chosen.value in offered
        and request.user.is_authenticated
        and request.user.language != chosen.value
    ):
        User.objects.filter(pk=request.user.pk).update(language=chosen.value)
    return response
