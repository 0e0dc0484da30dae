"""A person's own profile: edit it, and log out on every device."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from .forms import ProfileForm
from .services import user_log_out_everywhere, user_profile_update
from .views import _set_language_cookie


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request):
    """Customers and staff alike edit their own name, e-mail, phone and language (never someone else's)."""
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = user_profile_update(user=request.user, **form.cleaned_data)
        messages.success(request, _("Your profile has been saved."))
        response = redirect("accounts:profile")
        if user.language:
            _set_language_cookie(response, user.language)
        return response
    return render(request, "accounts/profile_edit.html", {"form": form})


@login_required
@require_POST
def logout_everywhere(request):
    """End every session of this user, on every device, this browser included."""
    user_log_out_everywhere(user=request.user)
    logout(request)
    messages.success(request, _("You have been logged out on every device. Log in again to continue."))
    return redirect("accounts:login")
