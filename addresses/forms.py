from django import forms
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.forms import StyledFormMixin

from .models import DeliveryAddress
from .selectors import province_code_for, province_name, provinces, wards


def ward_options(province_code: str | None) -> list[tuple[str, str]]:
    """The ward select's options for a province: a prompt, then its wards and communes."""
    if not province_name(province_code):
        return [("", _("Choose the province or city first"))]
    return [("", _("Choose a ward or commune")), *wards(province_code)]


class DeliveryAddressForm(StyledFormMixin, forms.ModelForm):
    """A Vietnam delivery address in the 2025 units: province/city, then one of its wards or communes.

    The ward list follows the province: htmx reloads it when the province changes; without JavaScript the
    form refuses a ward of another province and comes back with the chosen province's wards.
    """

    province_code = forms.ChoiceField(
        label=capfirst(gettext_lazy("province / city")),  # the model's words, already translated
        error_messages={"required": gettext_lazy("Choose the province or city.")},
    )
    ward_code = forms.ChoiceField(
        label=capfirst(gettext_lazy("ward / commune")),
        error_messages={"required": gettext_lazy("Choose the ward or commune.")},
    )
    make_default = forms.BooleanField(label=gettext_lazy("Use as my default address"), required=False)

    class Meta:
        model = DeliveryAddress
        fields = ["recipient_name", "phone", "province_code", "ward_code", "street"]
        widgets = {
            "phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
            "recipient_name": forms.TextInput(attrs={"autocomplete": "name"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.instance.uses_new_units:
            # An address from before July 2025: suggest the province it is in now; the ward is asked anew.
            self.initial["province_code"] = province_code_for(self.instance) or ""
            self.initial["ward_code"] = ""
        province = self._chosen_province()

        province_field = self.fields["province_code"]
        province_field.choices = [("", _("Choose a province or city")), *provinces()]
        province_field.widget.attrs.update(
            {
                "hx-get": reverse("addresses:wards"),
                "hx-target": f"#{self['ward_code'].auto_id}",
                "hx-swap": "innerHTML",
                "hx-trigger": "change",
                "autocomplete": "off",
            }
        )

        ward_field = self.fields["ward_code"]
        ward_field.choices = ward_options(province)
        ward_field.error_messages["invalid_choice"] = (
            _("This ward or commune is not in %(province)s: choose one from the list.")
            % {"province": province_name(province)}
            if province
            else _("Choose the province or city first.")
        )

    def _chosen_province(self) -> str | None:
        """The province whose wards are offered: the one posted, else the address's (or the suggestion)."""
        if self.is_bound:
            code = self.data.get(self.add_prefix("province_code"))
        else:
            code = self.initial.get("province_code")
        return code if province_name(code) else None

    def clean_phone(self):
        return "".join(self.cleaned_data["phone"].split())
