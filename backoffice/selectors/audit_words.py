"""The audit trail's details in words: a history row's data as a person reads it (weights in kg, sizes in cm,
money in đồng, statuses, roles and kinds by their labels, yes/no), never the field names the code uses; empty
values left out. One function per source of rows; `words` is the fallback for data nobody described."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.money import vnd

ARROW = " → "
SEP = " · "


def kg(grams) -> str:
    """1250 → '1,25 kg' (a decimal comma, as written in Vietnam)."""
    text = f"{grams / 1000:.3f}".rstrip("0").rstrip(".").replace(".", ",")
    return f"{text}\u00a0kg"


def cm(millimetres) -> str:
    return f"{millimetres / 10:.1f}".rstrip("0").rstrip(".").replace(".", ",")


def yes_no(value) -> str:
    return _("yes") if value else _("no")


def _join(*parts) -> str:
    return SEP.join(str(p) for p in parts if p not in (None, ""))


def _empty(value) -> bool:
    return value is None or value == "" or value == [] or value == {}


# --- labels for the names used in history data ----------------------------------------------------------


def _labels() -> dict:
    return {
        "role": _("Role"),
        "warehouse": _("Warehouse"),
        "group": _("Customer group"),
        "failures": _("Failed attempts"),
        "reason": _("Reason"),
        "note": _("Note"),
        "is_active": _("Active"),
        "kind": _("Kind"),
        "code": _("Code"),
        "provinces": _("Provinces served"),
        "piece": _("Parcel"),
        "pieces": _("Parcels in the shipment"),
        "weight_g": _("Weight"),
        "length_mm": _("Length"),
        "width_mm": _("Width"),
        "height_mm": _("Height"),
        "chargeable_weight_g": _("Chargeable weight"),
        "volumetric_weight_g": _("Volumetric weight"),
        "volumetric_divisor": _("Volumetric divisor"),
        "goods_vi": _("Goods (Vietnamese)"),
        "goods_zh": _("Goods (Chinese)"),
        "goods_quantity": _("Quantity"),
        "goods_unit_value_fen": _("Unit value"),
        "total_vnd": _("Charges"),
        "amount_vnd": _("Amount"),
        "bag": _("Bag"),
        "trip": _("Trip"),
        "parcel": _("Parcel"),
        "depot": _("Depot"),
        "customer_code": _("Customer code"),
        "receiver_name": _("Received by"),
        "receiver_phone": _("Phone"),
        "paid_at_counter": _("Paid at the counter"),
    }


def _rank(key: str, model=None) -> tuple:
    """The order details are written in, whatever order the database gives the keys back (jsonb sorts them):
    the model's field order, then ours, then the alphabet."""
    fields = [f.name for f in model._meta.get_fields()] if model is not None else []
    known = list(_labels())
    if key in fields:
        return (0, fields.index(key), key)
    if key in known:
        return (1, known.index(key), key)
    return (2, 0, key)


def label_of(key: str, model=None) -> str:
    """A person's name for a data key: ours, else the model field's verbose name, else the words of the key."""
    known = _labels().get(key)
    if known:
        return str(known)
    for candidate in (model, *_models()):
        if candidate is None:
            continue
        try:
            return str(candidate._meta.get_field(key).verbose_name).capitalize()
        except Exception:  # noqa: BLE001, S112 - not a field of this model: try the next one
            continue
    return key.replace("_", " ").capitalize()


def _models():
    from accounts.models import User
    from warehouse.models import Warehouse

    return (User, Warehouse)


def value_of(key: str, value, model=None) -> str:
    """A value as a person reads it: booleans yes/no, roles and kinds by label, grams in kg, đồng as money."""
    from accounts.models import Role
    from warehouse.models import Warehouse

    if isinstance(value, bool):
        return yes_no(value)
    if _empty(value):
        return "—"
    if key == "role":
        return str(dict(Role.choices).get(value, value))
    if key == "kind" and (model is None or model is Warehouse):
        return str(dict(Warehouse.Kind.choices).get(value, value))
    if key.endswith("_g") and isinstance(value, int):
        return kg(value)
    if key.endswith("_vnd") and isinstance(value, int):
        return vnd(value)
    if key.endswith("_mm") and isinstance(value, int):
        return f"{cm(value)} cm"
    if key.endswith("_fen") and isinstance(value, int):
        return f"{value / 100:.2f}".rstrip("0").rstrip(".").replace(".", ",") + " CNY"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def words(data, model=None) -> str:
    """Any history data in words: `label: value`, a change `label: old → new`, internal ids and empty values
    left out."""
    if not isinstance(data, dict):
        return "" if _empty(data) else str(data)
    parts = []
    for key, value in sorted(data.items(), key=lambda item: _rank(item[0], model)):
        if key == "id" or key.endswith("_id") or key.endswith("_ids") or key == "previous":
            continue
        if isinstance(value, dict) and ("old" in value or "new" in value):
            old, new = value.get("old"), value.get("new")
            parts.append(
                f"{label_of(key, model)}: {value_of(key, old, model)}{ARROW}{value_of(key, new, model)}"
            )
        elif not _empty(value) and not isinstance(value, dict):
            parts.append(f"{label_of(key, model)}: {value_of(key, value, model)}")
    return "; ".join(parts)


# --- order history (consignments.ConsignmentEvent) ------------------------------------------------------


def _piece(data) -> str:
    piece = data.get("piece")
    if not piece:
        return ""
    if data.get("pieces"):
        return _("Parcel %(n)s of %(m)s") % {"n": piece, "m": data["pieces"]}
    return _("Parcel %(n)s") % {"n": piece}


def _measures(data) -> str:
    parts = []
    if data.get("weight_g") is not None:
        parts.append(_("weighed %(kg)s") % {"kg": kg(data["weight_g"])})
    if data.get("length_mm"):
        size = " × ".join(cm(data.get(k) or 0) for k in ("length_mm", "width_mm", "height_mm"))
        parts.append(f"{size} cm")
    if data.get("chargeable_weight_g") is not None:
        parts.append(_("chargeable %(kg)s") % {"kg": kg(data["chargeable_weight_g"])})
    return ", ".join(parts)


def _goods(data) -> str:
    goods = data.get("goods_vi") or data.get("goods_zh") or ""
    if not goods:
        return ""
    text = f"{goods} × {data.get('goods_quantity') or '—'}"
    if data.get("goods_unit_value_fen") is not None:
        value = f"{data['goods_unit_value_fen'] / 100:.2f}".rstrip("0").rstrip(".").replace(".", ",")
        text += ", " + _("%(value)s CNY each") % {"value": value}
    return text


def _delivery(data) -> str:
    from delivery.models import Carrier

    step, code = data.get("step"), data.get("request", "")
    carrier = dict(Carrier.choices).get(data.get("carrier"), data.get("carrier") or "")
    texts = {
        "requested": _("Delivery requested (%(code)s)") % {"code": code},
        "cancelled": _("Delivery request %(code)s cancelled") % {"code": code},
        "preparing": _("Release note %(note)s started for %(code)s")
        % {"note": data.get("release", ""), "code": code},
        "out": _join(_("Out for delivery"), carrier, data.get("tracking")),
        "delivered": _("Delivered (%(code)s)") % {"code": code},
        "refused": _("Delivery %(code)s refused: back at the depot") % {"code": code},
        "auto_delivered": ngettext(
            "Marked delivered: not confirmed within %(n)d day",
            "Marked delivered: not confirmed within %(n)d days",
            data.get("days") or 0,
        )
        % {"n": data.get("days") or 0},
    }
    return texts.get(step) or words(data)


def order_event_words(e, *, with_note: bool = True) -> str:
    """One order history row in words (with_note=False: the page shows the row's note itself)."""
    data = e.data if isinstance(e.data, dict) else {}
    previous = data.get("previous") if isinstance(data.get("previous"), dict) else {}
    note = e.note
    kind = e.kind
    if kind == "status":
        text = f"{e.get_old_status_display() or '—'}{ARROW}{e.get_new_status_display()}"
        if data.get("trip"):
            text = _join(text, _("trip %(trip)s") % {"trip": data["trip"]})
    elif kind == "measured":
        text = _join(_piece(data), _measures(data))
        if previous.get("weight_g") is not None:
            text += f" ({_('before')}: {_measures(previous)})"
    elif kind == "declared":
        text = _goods(data)
        if _goods(previous) and _goods(previous) != text:
            text += f" ({_('before')}: {_goods(previous)})"
    elif kind == "photo":
        n = len(data.get("photo_ids") or [])
        text = _join(_piece(data), ngettext("%(n)d photo", "%(n)d photos", n) % {"n": n})
    elif kind == "owner":
        text = _("Belongs to customer %(code)s") % {"code": data.get("customer_code") or "—"}
        if data.get("reason") and data.get("reason") != note:
            text = _join(text, data["reason"])
    elif kind == "piece":
        text = _("%(parcel)s arrived") % {"parcel": _piece(data) or _("Another parcel")}
    elif kind == "destination":
        text = _("Destination depot: %(depot)s") % {"depot": data.get("depot") or "—"}
        if data.get("previous"):
            text += f" ({_('before')}: {data['previous']})"
        if data.get("transfer"):
            text = _join(text, _("transferred"))
    elif kind == "priced":
        text = _("Charges: %(total)s") % {"total": vnd(data.get("total_vnd"))}
        if data.get("previous_vnd") is not None and data.get("previous_vnd") != data.get("total_vnd"):
            text += f" ({_('before')}: {vnd(data['previous_vnd'])})"
        reason = data.get("reason") or ""
        text = _join(text, _(reason) if reason else "")
        if note == reason:
            note = ""
    elif kind == "bagged":
        template = _("Taken out of bag %(bag)s") if data.get("removed") else _("Packed in bag %(bag)s")
        text = _join(template % {"bag": data.get("bag", "")}, data.get("parcel"))
    elif kind == "route":
        from shipping.models import CheckpointKind

        text = _join(
            dict(CheckpointKind.choices).get(data.get("kind"), _("On the way")),
            data.get("place"),
            _("trip %(trip)s") % {"trip": data["trip"]} if data.get("trip") else "",
        )
    elif kind == "receiving":
        parcel = _piece(data) or _("A parcel")
        if data.get("found"):
            text = _("%(parcel)s found at the depot") % {"parcel": parcel}
        else:
            text = _("%(parcel)s missing from its bag at the depot") % {"parcel": parcel}
        text = _join(text, _("bag %(bag)s") % {"bag": data["bag"]} if data.get("bag") else "")
        note = ""
    elif kind == "handover":
        who = _join(data.get("receiver_name"), data.get("receiver_phone"))
        text = _("Collected by %(who)s") % {"who": who or "—"}
        if data.get("paid_at_counter"):
            text = _join(text, _("paid from the wallet at the counter"))
    elif kind == "delivery":
        text = _delivery(data)
    else:
        text = words(data)
    if with_note and note and note not in text:
        text = _join(text, note)
    return text


# --- operations' own changes (backoffice.AuditEntry) ------------------------------------------------------


def ops_change_words(a) -> str:
    """One change made in the operations portal, in words."""
    from warehouse.models import Warehouse

    data = a.data if isinstance(a.data, dict) else {}
    if a.kind == "depot_provinces":
        names = _province_names()
        added = ", ".join(names.get(c, c) for c in data.get("added") or [])
        removed = ", ".join(names.get(c, c) for c in data.get("removed") or [])
        return _join(
            _("Added: %(list)s") % {"list": added} if added else "",
            _("Removed: %(list)s") % {"list": removed} if removed else "",
        )
    model = Warehouse if a.kind.startswith("warehouse") else None
    return words(data, model)


def _province_names() -> dict:
    from addresses.selectors import provinces

    return dict(provinces())


# --- claims -------------------------------------------------------------------------------------------------


def claim_event_words(e) -> str:
    data = e.data if isinstance(e.data, dict) else {}
    if e.old_status != e.new_status:
        text = f"{e.get_old_status_display() or '—'}{ARROW}{e.get_new_status_display()}"
    else:
        text = ""
    if e.kind == "reweigh":
        text = _join(
            text,
            _piece(data),
            f"{kg(data['old_weight_g'])}{ARROW}{kg(data['new_weight_g'])}"
            if data.get("old_weight_g") is not None and data.get("new_weight_g") is not None
            else "",
            _("charges %(old)s → %(new)s")
            % {"old": vnd(data.get("old_total_vnd")), "new": vnd(data.get("new_total_vnd"))}
            if data.get("old_total_vnd") is not None
            else "",
        )
    elif data.get("amount_vnd") is not None:
        text = _join(text, _("refund %(amount)s") % {"amount": vnd(data["amount_vnd"])})
    elif data.get("declined_vnd") is not None:
        text = _join(text, _("refund of %(amount)s declined") % {"amount": vnd(data["declined_vnd"])})
    if e.text:
        text = _join(text, e.text[:80])
    return text
