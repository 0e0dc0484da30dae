from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
from django.utils.translation import gettext_lazy as _

from core.forms import StyledFormMixin

from .emails import EMAIL_TAKEN, email_taken, normalize_email
from .models import User, username_validator
from .phone import normalize_vn_phone

PHONE_WIDGET = forms.TextInput(
    attrs={"inputmode": "tel", "autocomplete": "tel", "placeholder": "0912 345 678"}
)


class SignUpForm(StyledFormMixin, forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=20,
        validators=[username_validator],
        help_text=_("3–20 Latin letters or digits. Suppliers write it on your parcels."),
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "autofocus": True}
        ),
    )
    first_name = forms.CharField(label=_("Full name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False, widget=PHONE_WIDGET)
    password1 = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_username(self):
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This username is already taken."))
        return username

    def clean_phone(self):
        return normalize_vn_phone(self.cleaned_data["phone"])

    def clean_email(self):
        email = normalize_email(self.cleaned_data["email"])
        if email_taken(email):
            raise forms.ValidationError(EMAIL_TAKEN)
        return email

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords differ."))
        elif p1:
            try:
                password_validation.validate_password(p1, User(username=cleaned.get("username", "")))
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return cleaned


class LoginForm(StyledFormMixin, AuthenticationForm):
    pass


class ProfileForm(StyledFormMixin, forms.ModelForm):
    """What a person may change about themselves: not the username (it is on every label), role or warehouse."""

    class Meta:
        model = User
        fields = ["first_name", "email", "phone", "language"]
        labels = {
            "first_name": _("Full name"),
            "email": _("E-mail"),
            "phone": _("Phone"),
            "language": _("Language"),
        }
        help_texts = {
            "email": _("Password reset links are sent here."),
            "phone": _("A Vietnamese mobile (10 digits) or landline (11 digits)."),
            "language": _("Pages, e-mails and notifications come in this language."),
        }
        widgets = {
            "first_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "phone": PHONE_WIDGET,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", _("As the browser asks"))] + [
            (code, name) for code, name in self.fields["language"].choices if code
        ]

    def clean_phone(self):
        return normalize_vn_phone(self.cleaned_data["phone"])

    def clean_email(self):
        email = normalize_email(self.cleaned_data["email"])
        if email_taken(email, exclude_pk=self.instance.pk):
            raise forms.ValidationError(EMAIL_TAKEN)
        return email


class StyledPasswordResetForm(StyledFormMixin, PasswordResetForm):
    """Django's reset form; the e-mail goes out from a task after the request (accounts.tasks), so an address
    that exists takes no longer to answer than one that does not."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs.update({"autofocus": True, "inputmode": "email"})

    def save(self, *, domain_override=None, use_https=False, request=None, **kwargs):
        from .tasks import password_reset_mail_queue

        domain = domain_override or (request.get_host() if request is not None else "localhost")
        for user in self.get_users(self.cleaned_data["email"]):
            password_reset_mail_queue(user=user, domain=domain, use_https=use_https)


class StyledSetPasswordForm(StyledFormMixin, SetPasswordForm):
    pass


class StyledPasswordChangeForm(StyledFormMixin, PasswordChangeForm):
    pass
