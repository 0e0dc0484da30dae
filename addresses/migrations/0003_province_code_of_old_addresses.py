from django.db import migrations


def backfill(apps, schema_editor):
    """Old addresses keep their text as entered; the 2025 province their name gives is kept beside it, so
    that an order's destination depot can be found from it (warehouse.DepotProvince)."""
    from addresses.units import province_code_from_name

    DeliveryAddress = apps.get_model("addresses", "DeliveryAddress")
    rows = DeliveryAddress.objects.filter(province_code="").only("pk", "province")
    for address in rows.iterator(chunk_size=2000):
        code = province_code_from_name(address.province)
        if code:
            DeliveryAddress.objects.filter(pk=address.pk).update(province_code=code)


class Migration(migrations.Migration):
    dependencies = [("addresses", "0002_province_ward_codes")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True)]
