from django.db import migrations, models


class Migration(migrations.Migration):
    """A recycled waybill number may be registered again by the same customer once its old order is long
    finished: the uniqueness holds for open registrations only."""

    dependencies = [
        ("tracking", "0003_import_started_at"),
        ("consignments", "0004_drop_parcel_and_its_measurements"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="trackingnumber", name="tracking_one_code_per_customer"),
        migrations.AddConstraint(
            model_name="trackingnumber",
            constraint=models.UniqueConstraint(
                condition=models.Q(("consignment__isnull", True)),
                fields=("customer", "code"),
                name="tracking_one_open_code_per_customer",
            ),
        ),
    ]
