"""Password reset by e-mail and password change: Django's auth views with our forms and templates."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from .forms import StyledPasswordChangeForm, StyledPasswordResetForm, StyledSetPasswordForm
from .throttling import unlock

FORM_METHODS = ["get", "post", "head"]  # Django's form views also take PUT as POST
PAGE_METHODS = ["get", "head"]


class PasswordResetView(auth_views.PasswordResetView):
    """Ask for a link by e-mail. The answer is the same whether or not the address belongs to someone."""

    http_method_names = FORM_METHODS
    form_class = StyledPasswordResetForm
    template_name = "registration/password_reset_form.html"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    http_method_names = PAGE_METHODS
    template_name = "registration/password_reset_done.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            **kwargs, timeout_days=max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)
        )


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """The link from the e-mail: set a new password. A used or expired link says so and offers a new one."""

    http_method_names = FORM_METHODS
    form_class = StyledSetPasswordForm
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def dispatch(self, request, *args, **kwargs):
        if request.method.lower() not in self.http_method_names:  # before Django reads the token
            return self.http_method_not_allowed(request, *args, **kwargs)
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)
        unlock(form.user.username)  # whoever locked the login out, the owner of the address is back in
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    http_method_names = PAGE_METHODS
    template_name = "registration/password_reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change the password while signed in: this browser stays signed in, every other session ends."""

    http_method_names = FORM_METHODS
    form_class = StyledPasswordChangeForm
    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(
            self.request, _("Your password has been changed. Other devices signed in as you were logged out.")
        )
        return response
