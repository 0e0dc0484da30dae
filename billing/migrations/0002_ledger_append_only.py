"""On PostgreSQL, the wallet ledger refuses UPDATE and DELETE: an entry is corrected by a new entry (a
reversal or an adjustment), never changed, not even from the admin, a shell or a bad migration."""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION billing_walletentry_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'billing_walletentry is append-only: % refused', TG_OP
        USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER billing_walletentry_append_only
    BEFORE UPDATE OR DELETE ON billing_walletentry
    FOR EACH ROW EXECUTE FUNCTION billing_walletentry_append_only();
"""
BACKWARD = """
DROP TRIGGER IF EXISTS billing_walletentry_append_only ON billing_walletentry;
DROP FUNCTION IF EXISTS billing_walletentry_append_only();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)  # the % is PL/pgSQL's, not a parameter


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
