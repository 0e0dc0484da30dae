from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import RegexValidator
from django.db import models
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

# Written by hand on parcels, so: no 0/O, 1/I/L, and short.
CUSTOMER_CODE_LETTERS = "ABCDEFGHJKMNPQRSTUVWXYZ"
CUSTOMER_CODE_DIGITS = "23456789"

username_validator = RegexValidator(
    r"^[A-Za-z0-9]{3,20}$",
    _("Use 3 to 20 Latin letters or digits, with no spaces, accents or symbols: it is written on parcels."),
)


class CaseInsensitiveUserManager(UserManager):
    """Log in as `Thubin89x` or `thubin89x` alike: usernames are unique regardless of case (a phone capitalises
    the first letter)."""

    def get_by_natural_key(self, username):
        return self.get(username__iexact=username)


class Role(models.TextChoices):
    CUSTOMER = "customer", _("Customer")
    CHINA_STAFF = "cn_staff", _("China warehouse staff")
    VIETNAM_STAFF = "vn_staff", _("Vietnam depot staff")
    OPERATIONS = "ops", _("Operations")


class User(AbstractUser):
    username = models.CharField(
        _("username"),
        max_length=20,
        unique=True,
        validators=[username_validator],
        help_text=_("Latin letters and digits only: it is written on every parcel label."),
        error_messages={"unique": _("This username is already taken.")},
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.CUSTOMER)
    customer_code = models.CharField(_("customer code"), max_length=8, unique=True, null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    warehouse = models.ForeignKey(
        "warehouse.Warehouse",
        verbose_name=_("works at"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
        help_text=_("For staff: the warehouse or depot they work at."),
    )
    # The language they last chose, brought back at every login (on a new phone, a shared station PC).
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, blank=True)
    # Mixed into the session hash: a new value ends every session of this user ("log out everywhere").
    # Empty (the default) gives Django's own hash, so sessions made before this field stay valid.
    session_salt = models.CharField(max_length=32, blank=True, default="", editable=False)

    objects = CaseInsensitiveUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                models.functions.Lower("username"), name="accounts_user_username_ci_unique"
            ),
        ]

    def _get_session_auth_hash(self, secret=None):
        """Django's session hash, over the password hash and, once set, the session salt."""
        key_salt = "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash"
        value = self.password if not self.session_salt else f"{self.password}|{self.session_salt}"
        return salted_hmac(key_salt, value, secret=secret, algorithm="sha256").hexdigest()

    @property
    def is_customer(self) -> bool:
        return self.role == Role.CUSTOMER

    @property
    def is_china_staff(self) -> bool:
        return self.role in (Role.CHINA_STAFF, Role.OPERATIONS)

    @property
    def is_vietnam_staff(self) -> bool:
        return self.role in (Role.VIETNAM_STAFF, Role.OPERATIONS)

    @property
    def label_mark(self) -> str:
        """What the supplier writes as receiver: `<BRAND> <username> <code>`."""
        return f"{settings.BRAND_MARK} {self.username} {self.customer_code or ''}".strip()
