"""The warehouse's pages, one module per station or role: the China scan station, the Vietnam depot,
operations, and parcel photos (served through a view that checks who asks)."""

from .depot import depot
from .dispatch import dispatch
from .operations import (
    conflicts,
    consignment_find,
    consignment_transfer,
    consignment_transfer_form,
    unidentified,
)
from .photos import photo_file
from .station import (
    consignment_card,
    consignment_declare_view,
    consignment_labels,
    parcel_assign_view,
    parcel_identify,
    parcel_label,
    parcel_panel,
    parcel_photos,
    parcel_weigh,
    scan,
)

__all__ = [
    "conflicts",
    "consignment_card",
    "consignment_declare_view",
    "consignment_find",
    "consignment_labels",
    "consignment_transfer",
    "consignment_transfer_form",
    "depot",
    "dispatch",
    "parcel_assign_view",
    "parcel_identify",
    "parcel_label",
    "parcel_panel",
    "parcel_photos",
    "parcel_weigh",
    "photo_file",
    "scan",
    "unidentified",
]
