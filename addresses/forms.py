from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import StyledFormMixin

from .models import DeliveryAddress


class DeliveryAddressForm(StyledFormMixin, forms.ModelForm):
    make_default = forms.BooleanField(label=_("Use as my default address"), required=False)

    class Meta:
        model = DeliveryAddress
        fields = ["recipient_name", "phone", "province", "district", "ward", "street"]
        widgets = {
            "phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
            "recipient_name": forms.TextInput(attrs={"autocomplete": "name"}),
        }

    def clean_phone(self):
        return "".join(self.cleaned_data["phone"].split())
