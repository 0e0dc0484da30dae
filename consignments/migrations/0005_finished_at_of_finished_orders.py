from django.db import migrations
from django.db.models import Max, OuterRef, Subquery

FINISHED = ("delivered", "cancelled", "lost")


def backfill(apps, schema_editor):
    """Orders that finished before finished_at existed: the time of their last move to that status (their
    history row), so that their waybill numbers can be reused like everyone else's."""
    Consignment = apps.get_model("consignments", "Consignment")
    ConsignmentEvent = apps.get_model("consignments", "ConsignmentEvent")
    reached = (
        ConsignmentEvent.objects.filter(consignment=OuterRef("pk"), new_status=OuterRef("status"))
        .values("consignment")
        .annotate(at=Max("at"))
        .values("at")
    )
    pending = Consignment.objects.filter(status__in=FINISHED, finished_at__isnull=True)
    pending.update(finished_at=Subquery(reached))
    for order in Consignment.objects.filter(status__in=FINISHED, finished_at__isnull=True).only(
        "pk", "updated_at"
    ):
        Consignment.objects.filter(pk=order.pk).update(
            finished_at=order.updated_at
        )  # no history row: last change


class Migration(migrations.Migration):
    dependencies = [("consignments", "0004_drop_parcel_and_its_measurements")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True)]
