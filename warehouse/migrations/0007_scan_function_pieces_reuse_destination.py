"""The scan station's PL/pgSQL function, now for orders of several parcels (warehouse.scan_function calls it).

It does exactly what warehouse.matching._scan_in_python does (the one implementation on SQLite); the tests
run both on PostgreSQL and compare the rows they leave (warehouse/tests/test_scan_function.py). In one call:
the waybill's advisory lock; the waybill's current order, retired when it finished before the reuse cutoff;
the piece: scanned before (counted) or new (its id taken from the sequence first, so that it is written once,
with its order when it has one); then duplicate (the piece has its order), piece (the waybill has an order:
every waiting piece joins it), or the match against open registrations (unidentified, conflict, or a new
order, where its first parcel is, with its destination depot). Statuses and kinds are parameters, so the
Python enums stay the one source of those values.
"""

from django.db import migrations

OLD = "DROP FUNCTION IF EXISTS warehouse_parcel_scan(text, bigint, bigint, bigint, timestamptz, text, text, text, text, text);"
DROP = (
    "DROP FUNCTION IF EXISTS warehouse_parcel_scan(text, integer, integer, bigint, bigint, bigint, timestamptz, "
    "timestamptz, text, text, text, text, text, text, text);"
)

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
    v_new boolean := false;
    v_others integer;
    v_others_expected integer;
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

    -- The piece as it is now: scanned before (counted; it may have its order or wait for one) or new; and
    -- in the same look-up, the waybill's other current pieces (what an unmatched scan reports).
    SELECT max(w.id) FILTER (WHERE w.piece_number = p_piece), count(*) FILTER (WHERE w.piece_number <> p_piece),
           max(w.piece_count) FILTER (WHERE w.piece_number <> p_piece)
    INTO parcel_id, v_others, v_others_expected
    FROM warehouse_parcel w WHERE w.tracking_code = p_code AND w.retired_at IS NULL;
    IF parcel_id IS NOT NULL THEN
        UPDATE warehouse_parcel AS p
        SET scan_count = p.scan_count + 1, piece_count = COALESCE(p_pieces, p.piece_count)
        WHERE p.id = parcel_id
        RETURNING p.warehouse_id, p.scanned_by_id, p.scanned_at, p.scan_count, p.piece_count, p.consignment_id
        INTO parcel_warehouse_id, parcel_scanned_by_id, parcel_scanned_at, parcel_scan_count,
             parcel_piece_count, v_parcel_order;
    ELSE
        -- A new piece gets its id first, so that it is written once, with its order when it has one.
        parcel_id := nextval(pg_get_serial_sequence('warehouse_parcel', 'id'));
        v_new := true;
        parcel_warehouse_id := p_warehouse_id;
        parcel_scanned_by_id := p_by_id;
        parcel_scanned_at := p_now;
        parcel_scan_count := 1;
        parcel_piece_count := p_pieces;
    END IF;

    IF v_parcel_order IS NOT NULL THEN
        outcome := 'duplicate';
    ELSIF v_order IS NOT NULL THEN
        -- Another piece of a shipment that has its order: every waiting piece of the waybill joins it.
        IF v_new THEN
            INSERT INTO warehouse_parcel (
                id, tracking_code, piece_number, piece_count, warehouse_id, scanned_by_id, scanned_at, scan_count,
                consignment_id
            ) VALUES (parcel_id, p_code, p_piece, p_pieces, p_warehouse_id, p_by_id, p_now, 1, v_order);
        END IF;
        FOR r IN
            SELECT w.id, w.piece_number, w.piece_count FROM warehouse_parcel w
            WHERE w.tracking_code = p_code AND w.retired_at IS NULL
              AND (w.consignment_id IS NULL OR (v_new AND w.id = parcel_id))
            ORDER BY w.piece_number, w.id
        LOOP
            IF r.id <> parcel_id OR NOT v_new THEN
                UPDATE warehouse_parcel SET consignment_id = v_order WHERE id = r.id;
            END IF;
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
        IF v_registrations IS NULL OR cardinality(v_registrations) > 1 THEN
            IF v_new THEN
                INSERT INTO warehouse_parcel (
                    id, tracking_code, piece_number, piece_count, warehouse_id, scanned_by_id, scanned_at,
                    scan_count
                ) VALUES (parcel_id, p_code, p_piece, p_pieces, p_warehouse_id, p_by_id, p_now, 1);
            END IF;
            IF v_registrations IS NULL THEN
                outcome := 'unidentified';
            ELSE
                UPDATE tracking_trackingnumber SET status = p_tracking_received WHERE id = ANY (v_registrations);
                outcome := 'conflict';
            END IF;
        ELSE
            -- The pieces that waited for this registration, and this one: all in the new order.
            SELECT array_agg(w.id ORDER BY w.id) INTO v_waiting FROM warehouse_parcel w
            WHERE w.tracking_code = p_code AND w.retired_at IS NULL AND w.consignment_id IS NULL;
            IF v_new THEN
                v_waiting := array_append(v_waiting, parcel_id);  -- the newest id: last in order
            END IF;
            -- The order is where its first parcel is (codes_match and assignments do the same).
            IF v_waiting[1] = parcel_id THEN
                v_first_warehouse := parcel_warehouse_id;
            ELSE
                SELECT w.warehouse_id INTO v_first_warehouse FROM warehouse_parcel w WHERE w.id = v_waiting[1];
            END IF;
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
            IF v_new THEN
                INSERT INTO warehouse_parcel (
                    id, tracking_code, piece_number, piece_count, warehouse_id, scanned_by_id, scanned_at,
                    scan_count, consignment_id
                ) VALUES (parcel_id, p_code, p_piece, p_pieces, p_warehouse_id, p_by_id, p_now, 1, v_order);
                IF cardinality(v_waiting) > 1 THEN
                    UPDATE warehouse_parcel SET consignment_id = v_order
                    WHERE id = ANY (v_waiting) AND id <> parcel_id;
                END IF;
            ELSE
                UPDATE warehouse_parcel SET consignment_id = v_order WHERE id = ANY (v_waiting);
            END IF;
            UPDATE tracking_trackingnumber SET status = p_tracking_matched, consignment_id = v_order
            WHERE id = v_registrations[1];
            INSERT INTO notifications_pendingnotification (user_id, kind, consignment_id, created_at)
            VALUES (v_customers[1], p_notification_kind, v_order, p_now);
            outcome := 'matched';
        END IF;
    END IF;

    IF outcome IN ('unidentified', 'conflict') THEN
        arrived := v_others + 1;
        expected := GREATEST(v_others_expected, parcel_piece_count);  -- GREATEST skips NULLs
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
        WHERE w.consignment_id = warehouse_parcel_scan.consignment_id;  -- all of an order's parcels
    END IF;
    RETURN NEXT;
END;
$$;
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(OLD)
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("warehouse", "0006_parcels_of_an_order"),
        ("consignments", "0004_drop_parcel_and_its_measurements"),
        ("tracking", "0004_one_open_code_per_customer"),
        ("notifications", "0006_one_notification_per_pending_row"),
        ("addresses", "0003_province_code_of_old_addresses"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
