"""Search by part of a code (“…1234…”) without reading every row: a trigram index on PostgreSQL.

pg_trgm and btree_gin are trusted extensions (PostgreSQL 13+): the database owner may create them. SQLite
gets nothing (the extension operations and the index are PostgreSQL-only).
"""

from django.contrib.postgres.operations import BtreeGinExtension, TrigramExtension
from django.db import migrations


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS tracking_customer_code_trgm "
            "ON tracking_trackingnumber USING gin (customer_id, code gin_trgm_ops)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS tracking_customer_code_trgm")


class Migration(migrations.Migration):
    dependencies = [("tracking", "0002_courier_imports")]

    operations = [TrigramExtension(), BtreeGinExtension(), migrations.RunPython(create_index, drop_index)]
