import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """First half of "an order has parcels": the order's new fields (the waybill, destination depot, finished
    and retired times). warehouse 0006 moves the measurements to the parcels; 0004 drops the old columns."""

    dependencies = [
        ("consignments", "0002_measurements_declaration_event_kinds"),
        ("warehouse", "0005_photo_thumbnail"),
    ]

    operations = [
        migrations.AddField(
            model_name="consignment",
            name="tracking_code",
            field=models.CharField(default="", max_length=40, verbose_name="tracking number"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="consignment",
            name="destination",
            field=models.ForeignKey(
                limit_choices_to={"kind": "vn"},
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="warehouse.warehouse",
                verbose_name="destination depot",
            ),
        ),
        migrations.AddField(
            model_name="consignment",
            name="finished_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="finished at"),
        ),
        migrations.AddField(
            model_name="consignment",
            name="retired_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="number reused at"),
        ),
        migrations.AlterField(
            model_name="consignmentevent",
            name="kind",
            field=models.CharField(
                choices=[
                    ("status", "Status"),
                    ("measured", "Weighed and measured"),
                    ("declared", "Customs declaration"),
                    ("photo", "Photo"),
                    ("owner", "Owner"),
                    ("piece", "Another parcel arrived"),
                    ("destination", "Destination depot"),
                ],
                default="status",
                max_length=16,
                verbose_name="kind",
            ),
        ),
    ]
