import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery

MEASUREMENTS = (
    "weight_g",
    "length_mm",
    "width_mm",
    "height_mm",
    "volumetric_divisor",
    "volumetric_weight_g",
    "chargeable_weight_g",
)


def parcels_take_their_orders(apps, schema_editor):
    """Each existing order had one parcel (Consignment.parcel): the parcel now points to its order and
    carries the measurements; the order keeps the waybill number and its weight totals."""
    Consignment = apps.get_model("consignments", "Consignment")
    Parcel = apps.get_model("warehouse", "Parcel")
    of_parcel = Consignment.objects.filter(parcel_id=OuterRef("pk"))
    Parcel.objects.update(
        consignment_id=Subquery(of_parcel.values("pk")[:1]),
        **{field: Subquery(of_parcel.values(field)[:1]) for field in MEASUREMENTS},
    )
    Consignment.objects.update(
        tracking_code=Subquery(Parcel.objects.filter(pk=OuterRef("parcel_id")).values("tracking_code")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("warehouse", "0005_photo_thumbnail"),
        ("consignments", "0003_order_of_parcels_destination_reuse"),
    ]

    operations = [
        migrations.CreateModel(
            name="DepotProvince",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("province_code", models.CharField(max_length=8, unique=True, verbose_name="province")),
                (
                    "depot",
                    models.ForeignKey(
                        limit_choices_to={"kind": "vn"},
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="provinces",
                        to="warehouse.warehouse",
                        verbose_name="depot",
                    ),
                ),
            ],
            options={
                "verbose_name": "province served by a depot",
                "verbose_name_plural": "provinces served by depots",
                "ordering": ["province_code"],
            },
        ),
        migrations.AlterModelOptions(
            name="parcel",
            options={"ordering": ["piece_number", "id"], "verbose_name": "parcel", "verbose_name_plural": "parcels"},
        ),
        migrations.AddField(
            model_name="parcel",
            name="consignment",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="parcels",
                to="consignments.consignment",
                verbose_name="consignment",
            ),
        ),
        migrations.AddField(
            model_name="parcel",
            name="piece_number",
            field=models.PositiveSmallIntegerField(default=1, verbose_name="piece"),
        ),
        migrations.AddField(
            model_name="parcel",
            name="piece_count",
            field=models.PositiveSmallIntegerField(
                blank=True, help_text="As printed on the label (…-2-3).", null=True, verbose_name="pieces in the shipment"
            ),
        ),
        migrations.AddField(
            model_name="parcel",
            name="retired_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="number reused at"),
        ),
        migrations.AddField(
            model_name="parcel",
            name="weight_g",
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name="weight (g)"),
        ),
        migrations.AddField(
            model_name="parcel",
            name="length_mm",
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name="length (mm)"),
        ),
        migrations.AddField(
            model_name="parcel",
            name="width_mm",
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name="width (mm)"),
        ),
        migrations.AddField(
            model_name="parcel",
            name="height_mm",
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name="height (mm)"),
        ),
        migrations.AddField(
            model_name="parcel",
            name="volumetric_divisor",
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name="volumetric divisor"),
        ),
        migrations.AddField(
            model_name="parcel",
            name="volumetric_weight_g",
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name="volumetric weight (g)"),
        ),
        migrations.AddField(
            model_name="parcel",
            name="chargeable_weight_g",
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name="chargeable weight (g)"),
        ),
        migrations.AlterField(
            model_name="parcel",
            name="tracking_code",
            field=models.CharField(max_length=40, verbose_name="tracking number"),
        ),
        migrations.AddConstraint(
            model_name="parcel",
            constraint=models.UniqueConstraint(
                condition=models.Q(("retired_at__isnull", True)),
                fields=("tracking_code", "piece_number"),
                name="parcel_one_current_piece",
            ),
        ),
        migrations.RunPython(parcels_take_their_orders, migrations.RunPython.noop, elidable=False),
    ]
