from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import Role, User, username_validator
from consignments.models import ConsignmentStatus
from core.forms import StyledFormMixin
from warehouse.models import Warehouse
from warehouse.services import UNIDENTIFIED_FLAG_DAYS

from .selectors.audit import SOURCES

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
STAFF_ROLE_CHOICES = [(r.value, r.label) for r in (Role.CHINA_STAFF, Role.VIETNAM_STAFF, Role.OPERATIONS)]


class DateRangeMixin:
    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return data


class OrderFilterForm(DateRangeMixin, StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("Order code or tracking number"), max_length=40, required=False)
    customer = forms.CharField(label=_("Customer code or username"), max_length=20, required=False)
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any status")), *ConsignmentStatus.choices], required=False
    )
    warehouse = forms.ModelChoiceField(
        label=_("Where it is"), queryset=Warehouse.objects.all(), required=False, empty_label=_("Anywhere")
    )
    destination = forms.ModelChoiceField(
        label=_("Destination depot"),
        queryset=Warehouse.objects.filter(kind=Warehouse.Kind.VIETNAM),
        required=False,
        empty_label=_("Any depot"),
    )
    unpaid = forms.BooleanField(label=_("Not paid"), required=False)
    past_free = forms.BooleanField(label=_("Past the free storage days"), required=False)
    date_from = forms.DateField(label=_("Arrived in China from"), required=False, widget=DATE_WIDGET)
    date_to = forms.DateField(label=pgettext_lazy("date range", "until"), required=False, widget=DATE_WIDGET)


class ParcelFilterForm(StyledFormMixin, forms.Form):
    warehouse = forms.ModelChoiceField(
        label=_("Warehouse"),
        queryset=Warehouse.objects.filter(kind=Warehouse.Kind.CHINA),
        required=False,
        empty_label=_("Every warehouse"),
    )
    day = forms.DateField(label=_("Scanned on"), required=False, widget=DATE_WIDGET)
    unidentified = forms.BooleanField(label=_("Unidentified only"), required=False)
    old = forms.BooleanField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old"].label = _("Waiting over %(days)d days") % {"days": UNIDENTIFIED_FLAG_DAYS}


class CustomerSearchForm(StyledFormMixin, forms.Form):
    q = forms.CharField(
        label=_("Customer code, username, name, phone or e-mail"),
        max_length=150,
        required=False,
        help_text=_("Empty: the latest sign-ups."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True}),
    )


class CustomerContactForm(StyledFormMixin, forms.Form):
    first_name = forms.CharField(label=_("Full name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    phone = forms.CharField(
        label=_("Phone"),
        max_length=20,
        required=False,
        help_text=_("A Vietnamese mobile (10 digits) or landline (11 digits)."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    email = forms.EmailField(label=_("E-mail"), required=False)

    def __init__(self, *args, customer, **kwargs):
        super().__init__(*args, **kwargs)
        self.customer = customer

    def clean_phone(self):
        from accounts.phone import normalize_vn_phone

        return normalize_vn_phone(self.cleaned_data["phone"])

    def clean_email(self):
        from accounts.emails import EMAIL_TAKEN, email_taken, normalize_email

        email = normalize_email(self.cleaned_data["email"])
        if email_taken(email, exclude_pk=self.customer.pk):
            raise forms.ValidationError(EMAIL_TAKEN)
        return email


class CustomerActiveForm(StyledFormMixin, forms.Form):
    active = forms.TypedChoiceField(choices=[("0", "0"), ("1", "1")], coerce=lambda v: v == "1")
    reason = forms.CharField(label=_("Why"), max_length=300)


class GroupedWarehouseMixin:
    """The warehouse list in two groups, China warehouses and Vietnam depots, so the right kind is found."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["warehouse"]
        places = list(field.queryset.order_by("kind", "code"))
        field.choices = [("", field.empty_label)] + [
            (label, [(w.pk, str(w)) for w in places if w.kind == kind])
            for kind, label in Warehouse.Kind.choices
            if any(w.kind == kind for w in places)
        ]


class StaffCreateForm(GroupedWarehouseMixin, StyledFormMixin, forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=20,
        validators=[username_validator],
        help_text=_("3 to 20 Latin letters or digits; the person logs in with it."),
        error_messages={
            "invalid": _("Use 3 to 20 Latin letters or digits, with no spaces, accents or symbols.")
        },
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
    )
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    role = forms.ChoiceField(label=_("Role"), choices=STAFF_ROLE_CHOICES)
    warehouse = forms.ModelChoiceField(
        label=_("Warehouse"),
        queryset=Warehouse.objects.filter(is_active=True),
        required=False,
        empty_label=_("None (operations only)"),
        help_text=_("China staff: a China warehouse. Vietnam staff: a Vietnam depot."),
    )

    def clean_username(self):
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This username is already taken."))
        return username

    def clean_email(self):
        from accounts.emails import EMAIL_TAKEN, email_taken, normalize_email

        email = normalize_email(self.cleaned_data["email"])
        if email_taken(email):
            raise forms.ValidationError(EMAIL_TAKEN)
        return email


class StaffUpdateForm(GroupedWarehouseMixin, StyledFormMixin, forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=STAFF_ROLE_CHOICES)
    warehouse = forms.ModelChoiceField(
        label=_("Warehouse"),
        queryset=Warehouse.objects.filter(is_active=True),
        required=False,
        empty_label=_("None (operations only)"),
    )


class AuditFilterForm(DateRangeMixin, StyledFormMixin, forms.Form):
    who = forms.CharField(label=_("Who (username)"), max_length=20, required=False)
    code = forms.CharField(
        label=_("Order, customer or tracking code"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    what = forms.ChoiceField(label=_("What"), required=False)
    date_from = forms.DateField(label=pgettext_lazy("date range", "From"), required=False, widget=DATE_WIDGET)
    date_to = forms.DateField(label=pgettext_lazy("date range", "Until"), required=False, widget=DATE_WIDGET)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["what"].choices = [("", _("Everything"))] + [(s.name, s.label) for s in SOURCES.values()]

    def clean_who(self):
        username = self.cleaned_data["who"].strip()
        if not username:
            return None
        user = User.objects.filter(username__iexact=username).first()
        if user is None:
            raise forms.ValidationError(_("No account has this username."))
        return user


class DepotProvincesForm(forms.Form):
    provinces = forms.MultipleChoiceField(
        label=_("Provinces served"),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args, depot, **kwargs):
        from addresses.selectors import provinces
        from warehouse.models import DepotProvince

        super().__init__(*args, **kwargs)
        served = dict(
            DepotProvince.objects.select_related("depot").values_list("province_code", "depot__code")
        )
        self.fields["provinces"].choices = [
            (code, name if served.get(code) in (None, depot.code) else f"{name} ({served[code]})")
            for code, name in provinces()
        ]
        self.initial.setdefault("provinces", [code for code, where in served.items() if where == depot.code])
