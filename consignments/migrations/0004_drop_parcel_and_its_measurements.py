from django.db import migrations, models


class Migration(migrations.Migration):
    """Second half: the parcels hold their order (warehouse 0006), so the order's one-parcel link and the
    per-box measurements go; one current order per waybill."""

    dependencies = [
        ("consignments", "0003_order_of_parcels_destination_reuse"),
        ("warehouse", "0006_parcels_of_an_order"),
    ]

    operations = [
        migrations.RemoveField(model_name="consignment", name="parcel"),
        migrations.RemoveField(model_name="consignment", name="length_mm"),
        migrations.RemoveField(model_name="consignment", name="width_mm"),
        migrations.RemoveField(model_name="consignment", name="height_mm"),
        migrations.RemoveField(model_name="consignment", name="volumetric_divisor"),
        migrations.RemoveField(model_name="consignment", name="volumetric_weight_g"),
        migrations.AddConstraint(
            model_name="consignment",
            constraint=models.UniqueConstraint(
                condition=models.Q(("retired_at__isnull", True)),
                fields=("tracking_code",),
                name="consignment_one_current_per_waybill",
            ),
        ),
    ]
