"""A known office day for the dashboard's tests (unit and browser): so many of each thing, and the numbers
the dashboard must show."""

from datetime import timedelta

from django.utils import timezone

from accounts.tests.factories import CustomerFactory, VietnamStaffFactory
from billing.models import BankTransfer, TransferStatus
from billing.tests.factories import (
    CustomerGroupFactory,
    ExchangeRateFactory,
    FeeScheduleFactory,
    awaiting_order,
)
from consignments.models import ConsignmentEvent, ConsignmentStatus
from consignments.tests.factories import ConsignmentFactory
from shipping.models import TripStatus
from shipping.tests.factories import TripFactory
from tracking.tests.factories import TrackingNumberFactory
from warehouse.models import Parcel, Warehouse
from warehouse.tests.factories import ChinaWarehouseFactory, ParcelFactory, VietnamDepotFactory


def build_world() -> dict:
    CustomerGroupFactory()
    ExchangeRateFactory()
    hn = VietnamDepotFactory()
    hcm = VietnamDepotFactory(code="SG", name="Kho phân phối TP.HCM", address="1 Lê Lợi, Quận 1")
    FeeScheduleFactory(depots=[hn, hcm], storage_free_days=5)
    gz = ChinaWarehouseFactory()
    sz = ChinaWarehouseFactory(code="SZ", name="Kho Thâm Quyến", kind=Warehouse.Kind.CHINA)
    now = timezone.now()

    # Unidentified parcels: 3 scanned today at GZ, 1 at SZ; 2 scanned 40 days ago at GZ.
    for _i in range(3):
        ParcelFactory(warehouse=gz)
    ParcelFactory(warehouse=sz)
    old = [ParcelFactory(warehouse=gz), ParcelFactory(warehouse=gz)]
    Parcel.objects.filter(pk__in=[p.pk for p in old]).update(scanned_at=now - timedelta(days=40))

    # Conflicts: 2 codes each registered by two customers.
    a, b = CustomerFactory(), CustomerFactory()
    for code in ("YT7000000000001", "YT7000000000002"):
        TrackingNumberFactory(customer=a, code=code)
        TrackingNumberFactory(customer=b, code=code)

    # Awaiting delivery: 3 at HN (each priced, unpaid; 1 arrived 8 days ago: past 5 free days), 1 at SG
    # (no charge). Their orders were made and scanned today at GZ: +3 parcels at GZ today (matched).
    vn_staff = VietnamStaffFactory(warehouse=hn)
    customer = CustomerFactory()
    hn_orders = [awaiting_order(customer, vn_staff=vn_staff) for _i in range(3)]
    ConsignmentEvent.objects.filter(
        consignment=hn_orders[0], new_status=ConsignmentStatus.AWAITING_DELIVERY
    ).update(at=now - timedelta(days=8))
    ConsignmentFactory(
        parcel=ParcelFactory(warehouse=gz),
        status=ConsignmentStatus.AWAITING_DELIVERY,
        current_warehouse=hcm,
        destination=hcm,
    )

    # Trips: 2 on the road, 1 loading, 1 received.
    for status in (TripStatus.DEPARTED, TripStatus.DEPARTED, TripStatus.LOADING, TripStatus.RECEIVED):
        TripFactory(origin=gz, status=status)

    # Bank transfers: 2 unmatched, 1 credited.
    for n, status in enumerate((TransferStatus.UNMATCHED, TransferStatus.UNMATCHED, TransferStatus.CREDITED)):
        BankTransfer.objects.create(
            provider="sepay", external_id=f"w{n}", amount_vnd=100_000 * (n + 1), status=status, raw={}
        )
    # The SG order's parcel was made by ConsignmentFactory at GZ today, too.
    return {
        "gz": gz,
        "sz": sz,
        "hn": hn,
        "hcm": hcm,
        "intake": {"GZ": 3 + 3 + 1, "SZ": 1},
        "unidentified": 6,
        "unidentified_old": 2,
        "conflicts": 2,
        "awaiting": {"HN": 3, "SG": 1},
        "past_free": {"HN": 1, "SG": 0},
        "trips": 2,
        "unpaid": 3,
        "transfers": 2,
    }
