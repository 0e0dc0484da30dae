from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core.money import vnd
from tracking.selectors import stale_after_days


class NotificationKind(models.TextChoices):
    ARRIVED_CHINA = "arrived_cn", _("Parcel arrived at the China warehouse")
    AWAITING_DELIVERY = "awaiting_delivery", _("Order is awaiting delivery")
    TRACKING_STALE = "tracking_stale", _("Registered parcel not received for a long time")
    TRACKING_WITHDRAWN = "tracking_withdrawn", _("Tracking number removed: the parcel is another customer's")
    CHARGE_CHANGED = "charge_changed", _("Order charges changed")
    WALLET_CREDITED = "wallet_credited", _("Money added to the wallet")
    WALLET_DEBITED = "wallet_debited", _("Money taken from the wallet")
    FEES_ANNOUNCED = "fees_announced", _("New fee schedule announced")
    TRIP_DEPARTED = "trip_departed", _("Orders left the China warehouse")
    HANDED_OVER = "handed_over", _("Orders collected at the depot")
    DELIVERY_OUT = "delivery_out", _("Orders out for delivery")
    DELIVERED = "delivered", _("Orders delivered")
    DELIVERY_REFUSED = "delivery_refused", _("Delivery refused")
    CLAIM_UPDATED = "claim_updated", _("Claim updated")


class Notification(models.Model):
    """An in-app notification. The text is rendered at display time, in the reader's language."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=32, choices=NotificationKind.choices)
    consignment = models.ForeignKey(
        "consignments.Consignment",
        verbose_name=_("consignment"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    tracking = models.ForeignKey(
        "tracking.TrackingNumber",
        verbose_name=_("tracking number"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    tracking_code = models.CharField(
        _("tracking number"),
        max_length=40,
        blank=True,
        db_default="",
        help_text=_("For a notice about a registration that no longer exists."),
    )
    # The figures of the message, for the kinds that have some: {"amount_vnd": …, "balance_vnd": …, …}.
    data = models.JSONField(_("details"), default=dict, blank=True, db_default={})
    # When it happened, not when the task delivered it (delivery may lag while a worker is down).
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self):
        return f"{self.user_id}: {self.kind}"

    @property
    def message(self) -> str:
        """The text, in the reader's language (rendered now, not stored)."""
        code = self.consignment.code if self.consignment_id else ""
        if self.kind == NotificationKind.ARRIVED_CHINA:
            return gettext("Your parcel %(tracking)s arrived at the China warehouse: order %(code)s.") % {
                "tracking": self.consignment.tracking_code if self.consignment_id else "",
                "code": code,
            }
        if self.kind == NotificationKind.TRACKING_STALE and self.tracking_id:
            return gettext(
                "Tracking number %(tracking)s was registered %(days)d days ago and has not reached the China "
                "warehouse yet. Ask your supplier whether it was shipped, and to our address."
            ) % {"tracking": self.tracking.code, "days": stale_after_days()}
        if self.kind == NotificationKind.TRACKING_WITHDRAWN:
            return gettext(
                "Tracking number %(tracking)s was registered by more than one customer. We checked and found the "
                "parcel is another customer's, so it was removed from your list. If the parcel is yours, contact us."
            ) % {"tracking": self.tracking_code}
        if self.kind in _MONEY_MESSAGES:
            return _MONEY_MESSAGES[self.kind](self.data, code)
        if self.kind == NotificationKind.AWAITING_DELIVERY:
            return _awaiting_message(self.data, code)
        if self.kind == NotificationKind.CLAIM_UPDATED:
            return _claim_message(self.data, code)
        return str(self.get_kind_display())


class PendingNotification(models.Model):
    """A notification decided on inside a transaction, waiting for the Celery task that delivers it (the
    outbox): it commits or rolls back with the change it tells about, and costs the request one INSERT
    instead of a message to the broker. notifications.tasks.deliver_notifications turns these rows into
    Notifications and deletes them within seconds.

    Rows live for seconds, so they carry no foreign-key constraints or indexes: checking three of them
    cost the scan station more database time than the insert itself. Deleting a user, consignment or
    tracking number through Django deletes its pending rows (on_delete is applied by Django); a row that
    still points at something deleted meanwhile is dropped at delivery (notifications_deliver_pending).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    kind = models.CharField(max_length=32, choices=NotificationKind.choices)
    consignment = models.ForeignKey(
        "consignments.Consignment",
        null=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    tracking = models.ForeignKey(
        "tracking.TrackingNumber",
        null=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    tracking_code = models.CharField(max_length=40, blank=True, db_default="")
    data = models.JSONField(default=dict, blank=True, db_default={})  # the scan function does not name it
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("pending notification")
        verbose_name_plural = _("pending notifications")
        ordering = ["id"]

    def __str__(self):
        return f"{self.user_id}: {self.kind} (pending)"


def _awaiting_message(d: dict, code: str) -> str:
    """Chờ giao: where to collect the order (the depot as it was when the order arrived) and the last day
    its storage is free (shipping.selectors.pickup_notify_data)."""
    if not d.get("depot"):
        return gettext("Order %(code)s is at the Vietnam depot, awaiting delivery (Chờ giao).") % {
            "code": code
        }
    parts = [
        gettext("Order %(code)s is awaiting delivery (Chờ giao) at %(depot)s, %(address)s.")
        % {"code": code, "depot": d["depot"], "address": d.get("address", "")}
    ]
    if d.get("phone"):
        parts.append(gettext("Phone: %(phone)s.") % {"phone": d["phone"]})
    if d.get("hours"):
        parts.append(gettext("Open: %(hours)s.") % {"hours": d["hours"]})
    if d.get("free_until"):
        day = date.fromisoformat(d["free_until"]).strftime("%d/%m/%Y")
        parts.append(
            gettext("Storage is free until %(date)s: collect it or ask for delivery by then.") % {"date": day}
        )
    return " ".join(parts)


def _codes(data: dict) -> str:
    codes = data.get("codes") or []
    return ", ".join(codes[:5]) + ("…" if len(codes) > 5 else "")


def _vnd(value) -> str:
    return vnd(value) if isinstance(value, int) else "—"


_MONEY_MESSAGES = {
    NotificationKind.CHARGE_CHANGED: lambda d, code: (
        (
            gettext("The charges of order %(code)s changed from %(old)s to %(new)s (%(reason)s).")
            if d.get("old_vnd") is not None
            else gettext("Order %(code)s is priced: %(new)s (%(reason)s).")
        )
        % {
            "code": code,
            "old": _vnd(d.get("old_vnd")),
            "new": _vnd(d.get("new_vnd")),
            "reason": gettext(d.get("reason") or "") if d.get("reason") else "",
        }
    ),
    NotificationKind.WALLET_CREDITED: lambda d, code: (
        gettext("%(amount)s was added to your wallet (%(why)s). Balance: %(balance)s.")
        % {
            "amount": _vnd(d.get("amount_vnd")),
            "why": gettext(d["why"]) if d.get("why") else "",
            "balance": _vnd(d.get("balance_vnd")),
        }
    ),
    NotificationKind.WALLET_DEBITED: lambda d, code: (
        gettext("%(amount)s was taken from your wallet (%(why)s). Balance: %(balance)s.")
        % {
            "amount": _vnd(d.get("amount_vnd")),
            "why": gettext(d["why"]) if d.get("why") else "",
            "balance": _vnd(d.get("balance_vnd")),
        }
    ),
    NotificationKind.TRIP_DEPARTED: lambda d, code: (
        ngettext(
            "Your order %(codes)s left the China warehouse on trip %(trip)s, on its way to Vietnam.",
            "Your %(n)d orders (%(codes)s) left the China warehouse on trip %(trip)s, on their way to Vietnam.",
            d.get("orders", 0),
        )
        % {
            "n": d.get("orders", 0),
            "codes": ", ".join(d.get("codes", []))
            + ("…" if d.get("orders", 0) > len(d.get("codes", [])) else ""),
            "trip": d.get("trip", ""),
        }
    ),
    NotificationKind.HANDED_OVER: lambda d, code: (
        gettext("%(codes)s collected at %(depot)s by %(receiver)s. Not you? Call the depot at once.")
        % {"codes": _codes(d), "depot": d.get("depot", ""), "receiver": d.get("receiver", "")}
    ),
    NotificationKind.DELIVERY_OUT: lambda d, code: (
        gettext(
            "Delivery %(request)s is on its way with %(carrier)s (tracking number %(tracking)s): %(codes)s. "
            "Pay the carrier %(cod)s on delivery."
        )
        % {
            "request": d.get("request", ""),
            "carrier": gettext("the depot's own shipper")
            if d.get("carrier") == "depot"
            else d.get("carrier_name", ""),
            "tracking": d.get("tracking", "") or "—",
            "codes": _codes(d),
            "cod": _vnd(d.get("cod_vnd", 0)),
        }
    ),
    NotificationKind.DELIVERED: lambda d, code: (
        (
            gettext(
                "%(codes)s marked delivered: not confirmed within the delivery period. Not received? Contact us."
            )
            if d.get("auto")
            else gettext("Delivery %(request)s delivered: %(codes)s.")
        )
        % {"codes": _codes(d), "request": d.get("request", "")}
    ),
    NotificationKind.DELIVERY_REFUSED: lambda d, code: (
        gettext(
            "Delivery %(request)s was refused at the address: %(codes)s are back at the depot, awaiting delivery."
        )
        % {"codes": _codes(d), "request": d.get("request", "")}
    ),
    NotificationKind.FEES_ANNOUNCED: lambda d, code: (
        (
            gettext(
                "Freight prices rise: the fee schedule “%(name)s” applies to orders arriving at the China "
                "warehouse from now (%(when)s). Orders already there keep their prices. See the fee schedule page."
            )
            if d.get("applies") == "now"
            else gettext(
                "A new fee schedule, “%(name)s”, applies to orders arriving at the China warehouse from %(when)s. "
                "See the fee schedule page."
            )
        )
        % {"name": d.get("name", ""), "when": d.get("effective_from", "")}
    ),
}


# A claim's statuses as the customer reads them (claims.models.ClaimStatus: the same words, so the same
# translations; notifications sits below claims and does not import it).
_CLAIM_STATUSES = {
    "waiting": _("Waiting"),
    "review": _("Accepted for review"),
    "refund_pending": _("Refund awaiting approval"),
    "resolved": _("Resolved"),
    "rejected": _("Rejected"),
    "closed": _("Closed"),
}


def _claim_message(d: dict, code: str) -> str:
    status = _CLAIM_STATUSES.get(d.get("status", ""))
    if d.get("reply"):
        text = gettext("Customer service wrote on claim %(claim)s (order %(code)s).")
    elif status is None:
        text = gettext("Claim %(claim)s (order %(code)s) was updated.")
    else:
        text = gettext("Claim %(claim)s (order %(code)s): %(status)s.")
    return text % {"claim": d.get("claim", ""), "code": code or "—", "status": status or ""}


# E-mail and Telegram: preferences, one delivery row per channel, the Telegram link (channels/__init__.py).
from .channels.models import (  # noqa: E402, F401
    ChannelDelivery,
    NotificationPreference,
    TelegramLink,
    TelegramLinkToken,
    TelegramUpdate,
)
