from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

vn_phone_validator = RegexValidator(
    r"^(\+?84|0)[0-9]{9,10}$", _("Enter a Vietnamese phone number, e.g. 0912345678 or +84912345678.")
)


class DeliveryAddress(models.Model):
    """A Vietnam delivery address. A customer needs at least one before registering tracking numbers."""

    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="addresses",
    )
    recipient_name = models.CharField(_("recipient"), max_length=100)
    phone = models.CharField(_("phone"), max_length=16, validators=[vn_phone_validator])
    # The names as the customer sees them: typed by hand before the 2025 units (district included), copied
    # from the chosen units since (no district). Every template and label reads these.
    province = models.CharField(_("province / city"), max_length=100)
    district = models.CharField(_("district"), max_length=100, blank=True)
    ward = models.CharField(_("ward / commune"), max_length=100, blank=True)
    # The 2025 units (addresses/units.py): blank on an address entered before them.
    province_code = models.CharField(_("province code (2025)"), max_length=8, blank=True)
    ward_code = models.CharField(_("ward / commune code (2025)"), max_length=8, blank=True)
    street = models.CharField(_("house number, street"), max_length=255)
    is_default = models.BooleanField(_("default"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("delivery address")
        verbose_name_plural = _("delivery addresses")
        ordering = ["-is_default", "-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer"],
                condition=models.Q(is_default=True),
                name="addresses_one_default_per_customer",
            ),
        ]

    def __str__(self):
        return ", ".join(p for p in (self.street, self.ward, self.district, self.province) if p)

    @property
    def uses_new_units(self) -> bool:
        """Chosen from the 2025 units (province + ward), not typed in the old three-level form."""
        return bool(self.province_code and self.ward_code)
