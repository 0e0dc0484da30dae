"""The scan function, as in 0007, except that a new order is where its FIRST parcel is, not where the parcel
scanned now is: pieces scanned unidentified at one China warehouse and a third at another make an order at
the first, as warehouse.matching does everywhere (codes_match, assignments, the ORM scan).
"""

from django.db import migrations

CREATE = r"""
CREATE OR REPLACE FUNCTION warehouse_parcel_scan(
    p_code text,
    p_piece integer,
    p_pieces integer,
    p_lock_key bigint,
    p_warehouse_id bigint,
    p_by_id bigint,
    p_now timestamptz,
    p_reuse_cutoff timestamptz,
    p_consignment_status text,
    p_event_status text,
    p_event_piece text,
    p_tracking_received text,
    p_tracking_matched text,
    p_notification_kind text,
    p_depot_kind text
) RETURNS TABLE (
    outcome text,
    parcel_id bigint,
    parcel_warehouse_id bigint,
    parcel_scanned_by_id bigint,
    parcel_scanned_at timestamptz,
    parcel_scan_count integer,
    parcel_piece_count integer,
    consignment_id bigint,
    consignment_code text,
    consignment_status text,
    consignment_created_at timestamptz,
    consignment_warehouse_id bigint,
    consignment_destination_id bigint,
    destination_code text,
    destination_name text,
    customer_id bigint,
    customer_username text,
    customer_code text,
    arrived integer,
    expected integer
)
LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
DECLARE
    v_order bigint;
    v_finished timestamptz;
    v_order_status text;
    v_order_warehouse bigint;
    v_order_customer bigint;
    v_parcel_order bigint;
    v_registrations bigint[];
    v_customers bigint[];
    v_waiting bigint[];
    v_province text;
    v_destination bigint;
    v_first_warehouse bigint;
    r record;
BEGIN
    PERFORM pg_advisory_xact_lock(p_lock_key);

    -- The waybill's current order; finished before the reuse cutoff, it gives the number up.
    SELECT c.id, c.finished_at, c.status, c.current_warehouse_id, c.customer_id
    INTO v_order, v_finished, v_order_status, v_order_warehouse, v_order_customer
    FROM consignments_consignment c WHERE c.tracking_code = p_code AND c.retired_at IS NULL;
    IF v_order IS NOT NULL AND v_finished IS NOT NULL AND v_finished < p_reuse_cutoff THEN
        UPDATE consignments_consignment SET retired_at = p_now WHERE id = v_order;
        UPDATE warehouse_parcel SET retired_at = p_now WHERE consignment_id = v_order AND retired_at IS NULL;
        v_order := NULL;
    END IF;

    INSERT INTO warehouse_parcel AS p (
        tracking_code, piece_number, piece_count, warehouse_id, scanned_by_id, scanned_at, scan_count
    ) VALUES (p_code, p_piece, p_pieces, p_warehouse_id, p_by_id, p_now, 1)
    ON CONFLICT (tracking_code, piece_number) WHERE retired_at IS NULL
    DO UPDATE SET scan_count = p.scan_count + 1, piece_count = COALESCE(EXCLUDED.piece_count, p.piece_count)
    RETURNING p.id, p.warehouse_id, p.scanned_by_id, p.scanned_at, p.scan_count, p.piece_count, p.consignment_id
    INTO parcel_id, parcel_warehouse_id, parcel_scanned_by_id, parcel_scanned_at, parcel_scan_count,
         parcel_piece_count, v_parcel_order;

    IF v_parcel_order IS NOT NULL THEN
        outcome := 'duplicate';
    ELSIF v_order IS NOT NULL THEN
        -- Another piece of a shipment that has its order: every waiting piece of the waybill joins it.
        FOR r IN
            SELECT w.id, w.piece_number, w.piece_count FROM warehouse_parcel w
            WHERE w.tracking_code = p_code AND w.retired_at IS NULL AND w.consignment_id IS NULL
            ORDER BY w.piece_number, w.id
        LOOP
            UPDATE warehouse_parcel SET consignment_id = v_order WHERE id = r.id;
            INSERT INTO consignments_consignmentevent (
                consignment_id, old_status, new_status, by_id, at, warehouse_id, kind, data, note
            ) VALUES (
                v_order, v_order_status, v_order_status, p_by_id, p_now, v_order_warehouse, p_event_piece,
                jsonb_build_object('parcel_id', r.id, 'piece', r.piece_number, 'pieces', r.piece_count), ''
            );
            INSERT INTO notifications_pendingnotification (user_id, kind, consignment_id, created_at)
            VALUES (v_order_customer, p_notification_kind, v_order, p_now);
        END LOOP;
        outcome := 'piece';
    ELSE
        SELECT array_agg(x.id), array_agg(x.customer_id) INTO v_registrations, v_customers
        FROM (
            SELECT t.id, t.customer_id FROM tracking_trackingnumber t
            WHERE t.code = p_code AND t.consignment_id IS NULL
            LIMIT 2
        ) x;
        IF v_registrations IS NULL THEN
            outcome := 'unidentified';
        ELSIF cardinality(v_registrations) > 1 THEN
            UPDATE tracking_trackingnumber SET status = p_tracking_received WHERE id = ANY (v_registrations);
            outcome := 'conflict';
        ELSE
            SELECT array_agg(w.id ORDER BY w.id) INTO v_waiting FROM warehouse_parcel w
            WHERE w.tracking_code = p_code AND w.retired_at IS NULL AND w.consignment_id IS NULL;
            -- The order is where its first parcel is (codes_match and assignments do the same).
            SELECT w.warehouse_id INTO v_first_warehouse FROM warehouse_parcel w WHERE w.id = v_waiting[1];
            -- The destination depot: mapped from the province of the customer's default address.
            SELECT a.province_code INTO v_province FROM addresses_deliveryaddress a
            WHERE a.customer_id = v_customers[1]
            ORDER BY a.is_default DESC, a.created_at DESC, a.id DESC LIMIT 1;
            IF v_province IS NOT NULL AND v_province <> '' THEN
                SELECT d.depot_id INTO v_destination FROM warehouse_depotprovince d
                JOIN warehouse_warehouse w ON w.id = d.depot_id
                WHERE d.province_code = v_province AND w.is_active;
            END IF;
            IF v_destination IS NULL THEN
                SELECT w.id INTO v_destination FROM warehouse_warehouse w
                WHERE w.kind = p_depot_kind AND w.is_active ORDER BY w.code LIMIT 1;
            END IF;
            INSERT INTO consignments_consignment (
                code, customer_id, tracking_code, status, goods_vi, goods_zh, current_warehouse_id,
                destination_id, created_at, updated_at
            ) VALUES (
                'KG' || lpad(v_waiting[1]::text, greatest(8, length(v_waiting[1]::text)), '0'),
                v_customers[1], p_code, p_consignment_status, '', '', v_first_warehouse,
                v_destination, p_now, p_now
            ) RETURNING id INTO v_order;
            INSERT INTO consignments_consignmentevent (
                consignment_id, old_status, new_status, by_id, at, warehouse_id, kind, data, note
            ) VALUES (
                v_order, '', p_consignment_status, p_by_id, p_now, v_first_warehouse, p_event_status,
                '{}'::jsonb, ''
            );
            UPDATE warehouse_parcel SET consignment_id = v_order WHERE id = ANY (v_waiting);
            UPDATE tracking_trackingnumber SET status = p_tracking_matched, consignment_id = v_order
            WHERE id = v_registrations[1];
            INSERT INTO notifications_pendingnotification (user_id, kind, consignment_id, created_at)
            VALUES (v_customers[1], p_notification_kind, v_order, p_now);
            outcome := 'matched';
        END IF;
    END IF;

    IF outcome IN ('unidentified', 'conflict') THEN
        SELECT count(*), max(w.piece_count) INTO arrived, expected FROM warehouse_parcel w
        WHERE w.tracking_code = p_code AND w.retired_at IS NULL;
    ELSE
        SELECT c.id, c.code, c.status, c.created_at, c.current_warehouse_id, c.destination_id, d.code, d.name,
               u.id, u.username, u.customer_code
        INTO consignment_id, consignment_code, consignment_status, consignment_created_at,
             consignment_warehouse_id, consignment_destination_id, destination_code, destination_name,
             customer_id, customer_username, customer_code
        FROM consignments_consignment c
        JOIN accounts_user u ON u.id = c.customer_id
        LEFT JOIN warehouse_warehouse d ON d.id = c.destination_id
        WHERE c.id = COALESCE(v_parcel_order, v_order);
        SELECT count(*), max(w.piece_count) INTO arrived, expected FROM warehouse_parcel w
        WHERE w.consignment_id = warehouse_parcel_scan.consignment_id AND w.retired_at IS NULL;
    END IF;
    RETURN NEXT;
END;
$$;
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def previous(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        from importlib import import_module

        before = import_module("warehouse.migrations.0007_scan_function_pieces_reuse_destination")
        schema_editor.execute(before.CREATE)


class Migration(migrations.Migration):
    dependencies = [("warehouse", "0007_scan_function_pieces_reuse_destination")]

    operations = [migrations.RunPython(create, previous, elidable=False)]
