"""Warehouse and depot forms of the operations portal: a new one, and a change of its details. The phone is
checked by the country the place is in (customers call a depot's number from its Chờ giao page)."""

import re
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.phone import normalize_vn_phone
from core.forms import StyledFormMixin
from warehouse.models import Warehouse

_SEPARATORS = re.compile(r"[\s.\-()/]+")
_CN_MOBILE = re.compile(r"1[3-9][0-9]{9}")
# 0 + an area code (10, 2x: 2 digits; any other: 3 digits, 0755) + a subscriber number of 7 or 8 digits.
_CN_LANDLINE = re.compile(r"0(?:(?:10|2[0-9])[0-9]{8}|[3-9][0-9]{2}[0-9]{7,8})")
_CN_SERVICE = re.compile(r"[48]00[0-9]{7}")  # 400 / 800 company hotlines
CN_INVALID_MESSAGE = _(
    "Enter a Chinese phone number: a mobile of 11 digits starting 1 (e.g. 138 1234 5678 or +86 138 1234 5678), "
    "a landline with its area code (e.g. 020-12345678, 0755-1234567) or a 400/800 hotline."
)
CODE_RE = re.compile(r"[A-Z0-9]{2,10}")


def normalize_cn_phone(value: str) -> str:
    """A Chinese number in one written form: mobile `13812345678`, landline `0755-12345678` (area code, dash,
    number), hotline `4001234567`. +86 / 0086 / 86 are taken off (the trunk 0 put back for a landline); full-width
    digits are read. Empty stays empty; anything else is a ValidationError a person can act on."""
    text = unicodedata.normalize("NFKC", value or "").strip()
    if not text:
        return ""
    digits = _SEPARATORS.sub("", text)
    international = False
    if digits.startswith("+"):
        if not digits.startswith("+86"):
            raise ValidationError(_("Only Chinese numbers (+86) are accepted here."), code="foreign_phone")
        digits, international = digits[3:], True
    elif digits.startswith("0086"):
        digits, international = digits[4:], True
    elif digits.startswith("86") and len(digits) >= 12:  # 86 138…: the country code without +
        digits, international = digits[2:], True
    if not digits.isascii() or not digits.isdigit():
        raise ValidationError(CN_INVALID_MESSAGE, code="invalid_phone")
    if international and not digits.startswith(("0", "1", "400", "800")):
        digits = "0" + digits  # +86 755 1234 5678: the landline's trunk 0 comes back
    if _CN_MOBILE.fullmatch(digits) or _CN_SERVICE.fullmatch(digits):
        return digits
    if _CN_LANDLINE.fullmatch(digits):
        area = 3 if digits[1] in "12" else 4
        return f"{digits[:area]}-{digits[area:]}"
    raise ValidationError(CN_INVALID_MESSAGE, code="invalid_phone")


def normalize_phone(value: str, kind: str) -> str:
    """The phone of a warehouse of this kind: Chinese for a China warehouse, Vietnamese for a depot."""
    return normalize_cn_phone(value) if kind == Warehouse.Kind.CHINA else normalize_vn_phone(value)


class WarehouseForm(StyledFormMixin, forms.ModelForm):
    """A warehouse's details (its code and kind never change: labels and bags carry the code)."""

    class Meta:
        model = Warehouse
        fields = ["name", "address", "postal_code", "phone", "opening_hours", "is_active"]
        widgets = {"phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phone"].help_text = (
            _("A Chinese number: mobile 138 1234 5678, landline 020-12345678, or +86 …")
            if self.instance.kind == Warehouse.Kind.CHINA
            else _("A Vietnamese number: mobile 0912 345 678, landline 028 3822 3344, or +84 …")
        )

    def clean_phone(self):
        return normalize_phone(self.cleaned_data["phone"], self.instance.kind)


class WarehouseCreateForm(StyledFormMixin, forms.ModelForm):
    provinces = forms.MultipleChoiceField(
        label=_("Provinces served (Vietnam depots)"),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text=_("New orders of customers living there go to this depot. Ignored for a China warehouse."),
    )

    class Meta:
        model = Warehouse
        fields = ["code", "name", "kind", "address", "postal_code", "phone", "opening_hours"]
        widgets = {
            "code": forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off"}),
            "phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
        }
        help_texts = {
            "code": _(
                "2 to 10 letters or digits, e.g. GZ or HCM2: printed on labels and bags, never changed."
            ),
            "phone": _(
                "A Vietnamese number for a Vietnam depot (0912 345 678), a Chinese one for a China warehouse "
                "(138 1234 5678, 020-12345678)."
            ),
        }

    def __init__(self, *args, **kwargs):
        from addresses.selectors import provinces
        from warehouse.models import DepotProvince

        super().__init__(*args, **kwargs)
        served = dict(
            DepotProvince.objects.select_related("depot").values_list("province_code", "depot__code")
        )
        self.fields["provinces"].choices = [
            (code, f"{name} ({served[code]})" if code in served else name) for code, name in provinces()
        ]
        self.fields["kind"].widget.attrs["class"] = "form-select"
        self.fields["provinces"].widget.attrs["class"] = "form-check-input"

    def clean_code(self):
        code = unicodedata.normalize("NFKC", self.cleaned_data["code"]).strip().upper()
        if not CODE_RE.fullmatch(code):
            raise ValidationError(_("Use 2 to 10 letters A–Z or digits, no spaces (e.g. GZ, HCM2)."))
        if Warehouse.objects.filter(code__iexact=code).exists():
            raise ValidationError(_("Code %(code)s is taken by another warehouse.") % {"code": code})
        return code

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind and self.data.get(self.add_prefix("phone"), "").strip() and "phone" not in self.errors:
            try:
                data["phone"] = normalize_phone(data.get("phone", ""), kind)
            except ValidationError as exc:
                self.add_error("phone", exc)
        if kind != Warehouse.Kind.VIETNAM:
            data["provinces"] = []
        return data

    def _post_clean(self):
        pass  # the service builds the row (warehouse_create), not the ModelForm
