"""The scan station's hot path as one PostgreSQL function: warehouse.services._scan_in_database calls it.

One round trip instead of nine (lock, upsert, look-ups, three inserts/updates, BEGIN, COMMIT), and
PL/pgSQL keeps its statements' plans for the life of the connection. It does exactly what
warehouse.services._scan_in_python does (the one implementation on SQLite), and the tests run both on
PostgreSQL and compare the rows they leave (warehouse/tests/test_scan_function.py). A change to the
matching rules or to the tables it writes means a new migration with CREATE OR REPLACE.

Statuses and kinds are parameters, so the Python enums stay the one source of those values.
Each statement of a VOLATILE function takes a fresh snapshot (READ COMMITTED), so everything after the
advisory lock sees what a registration committed before the lock was granted.
"""

from django.db import migrations

CREATE = r"""
CREATE OR REPLACE FUNCTION warehouse_parcel_scan(
    p_code text,
    p_lock_key bigint,
    p_warehouse_id bigint,
    p_by_id bigint,
    p_now timestamptz,
    p_consignment_status text,
    p_event_kind text,
    p_tracking_received text,
    p_tracking_matched text,
    p_notification_kind text
) RETURNS TABLE (
    outcome text,
    parcel_id bigint,
    parcel_warehouse_id bigint,
    parcel_scanned_by_id bigint,
    parcel_scanned_at timestamptz,
    parcel_scan_count integer,
    consignment_id bigint,
    consignment_code text,
    consignment_status text,
    consignment_created_at timestamptz,
    consignment_warehouse_id bigint,
    customer_id bigint,
    customer_username text,
    customer_code text
)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    v_inserted boolean;
    v_registrations bigint[];
    v_customers bigint[];
BEGIN
    PERFORM pg_advisory_xact_lock(p_lock_key);

    INSERT INTO warehouse_parcel AS p (tracking_code, warehouse_id, scanned_by_id, scanned_at, scan_count)
    VALUES (p_code, p_warehouse_id, p_by_id, p_now, 1)
    ON CONFLICT (tracking_code) DO UPDATE SET scan_count = p.scan_count + 1
    RETURNING p.id, p.warehouse_id, p.scanned_by_id, p.scanned_at, p.scan_count, (p.xmax = 0)
    INTO parcel_id, parcel_warehouse_id, parcel_scanned_by_id, parcel_scanned_at, parcel_scan_count,
         v_inserted;

    IF NOT v_inserted THEN
        SELECT c.id, c.code, c.status, c.created_at, c.current_warehouse_id, u.id, u.username,
               u.customer_code
        INTO consignment_id, consignment_code, consignment_status, consignment_created_at,
             consignment_warehouse_id, customer_id, customer_username, customer_code
        FROM consignments_consignment c JOIN accounts_user u ON u.id = c.customer_id
        WHERE c.parcel_id = warehouse_parcel_scan.parcel_id;
        IF FOUND THEN
            outcome := 'duplicate';
            RETURN NEXT;
            RETURN;
        END IF;
    END IF;

    SELECT array_agg(r.id), array_agg(r.customer_id) INTO v_registrations, v_customers
    FROM (
        SELECT t.id, t.customer_id FROM tracking_trackingnumber t
        WHERE t.code = p_code AND t.consignment_id IS NULL
        LIMIT 2
    ) r;

    IF v_registrations IS NULL THEN
        outcome := 'unidentified';
    ELSIF cardinality(v_registrations) > 1 THEN
        UPDATE tracking_trackingnumber SET status = p_tracking_received WHERE id = ANY (v_registrations);
        outcome := 'conflict';
    ELSE
        consignment_code := 'KG' || lpad(parcel_id::text, greatest(8, length(parcel_id::text)), '0');
        consignment_status := p_consignment_status;
        consignment_created_at := p_now;
        consignment_warehouse_id := parcel_warehouse_id;
        customer_id := v_customers[1];
        INSERT INTO consignments_consignment (
            code, customer_id, parcel_id, status, goods_vi, goods_zh, current_warehouse_id,
            created_at, updated_at
        ) VALUES (
            consignment_code, customer_id, parcel_id, p_consignment_status, '', '', parcel_warehouse_id,
            p_now, p_now
        ) RETURNING id INTO consignment_id;
        INSERT INTO consignments_consignmentevent (
            consignment_id, old_status, new_status, by_id, at, warehouse_id, kind, data, note
        ) VALUES (
            consignment_id, '', p_consignment_status, p_by_id, p_now, parcel_warehouse_id, p_event_kind,
            '{}'::jsonb, ''
        );
        UPDATE tracking_trackingnumber
        SET status = p_tracking_matched, consignment_id = warehouse_parcel_scan.consignment_id
        WHERE id = v_registrations[1];
        INSERT INTO notifications_pendingnotification (user_id, kind, consignment_id, created_at)
        VALUES (customer_id, p_notification_kind, consignment_id, p_now);
        SELECT u.username, u.customer_code INTO customer_username, customer_code
        FROM accounts_user u WHERE u.id = warehouse_parcel_scan.customer_id;
        outcome := 'matched';
    END IF;
    RETURN NEXT;
END;
$$;
"""

DROP = "DROP FUNCTION IF EXISTS warehouse_parcel_scan(text, bigint, bigint, bigint, timestamptz, text, text, text, text, text);"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("warehouse", "0003_label_text_db_default"),
        ("consignments", "0002_measurements_declaration_event_kinds"),
        ("tracking", "0002_courier_imports"),
        ("accounts", "0003_case_insensitive_manager"),
        ("notifications", "0003_pending_notification"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
