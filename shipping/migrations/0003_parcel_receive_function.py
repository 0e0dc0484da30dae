"""The depot's receiving scan as a PL/pgSQL function (shipping.services.receive_function calls it).

It does exactly what shipping.services.receiving._receive_in_python does for a parcel on the trip's
manifest (the one implementation on SQLite); the tests run both on PostgreSQL and compare the rows they
leave (shipping/tests/test_receive_function.py). In one call: the order's row lock (no key: the history
rows others insert do not wait on it); the bag row's receipt, compare-and-set (a second scan finds it
received); then, when no parcel of the order is still unreceived, the move In transit → Chờ giao as
consignments.services.consignment_transition makes it: compare-and-set, its history row, what its
receivers add for this move (billing: the request for the final charge, when a reason is given) and the
customer's notification in the outbox. A parcel recorded missing that turns up ("found") is received and
left to the Python path for the rest (its own history row comes first). Statuses and kinds are
parameters, so the Python enums stay the one source of those values.
"""

from django.db import migrations

DROP = (
    "DROP FUNCTION IF EXISTS shipping_parcel_receive(bigint, bigint, bigint, bigint, timestamptz, text, text, "
    "text, text, text, text, jsonb);"
)

CREATE = r"""
CREATE OR REPLACE FUNCTION shipping_parcel_receive(
    p_item_id bigint,
    p_order_id bigint,
    p_by_id bigint,
    p_depot_id bigint,
    p_now timestamptz,
    p_in_transit text,
    p_awaiting text,
    p_event_status text,
    p_note text,
    p_pricing_reason text,
    p_notification_kind text,
    p_notify_data jsonb
) RETURNS TABLE (
    outcome text,             -- 'received' or 'already'
    received_at timestamptz,  -- when it was received (by this scan, or before)
    was_missing boolean,      -- it had been recorded missing (found): the caller completes the receipt
    order_status text,        -- the order's status after the call (NULL: no order)
    order_destination_id bigint,
    parcels integer,          -- the order's parcels, and how many of them are received (NULL: not counted,
    parcels_here integer,     -- the order does not move here)
    ready boolean             -- the order became Chờ giao with this scan
)
LANGUAGE plpgsql AS $$
DECLARE
    v_received_at timestamptz;
    v_missing boolean;
    v_customer_id bigint;
BEGIN
    was_missing := false;
    ready := false;
    IF p_order_id IS NOT NULL THEN
        SELECT c.status, c.destination_id, c.customer_id INTO order_status, order_destination_id, v_customer_id
        FROM consignments_consignment c WHERE c.id = p_order_id FOR NO KEY UPDATE;
    END IF;

    SELECT b.received_at, b.missing INTO v_received_at, v_missing
    FROM shipping_bagparcel b WHERE b.id = p_item_id FOR UPDATE;
    IF v_received_at IS NOT NULL THEN
        outcome := 'already';
        received_at := v_received_at;
        RETURN NEXT;
        RETURN;
    END IF;
    UPDATE shipping_bagparcel SET received_at = p_now, received_by_id = p_by_id, missing = false
    WHERE id = p_item_id;
    outcome := 'received';
    received_at := p_now;
    was_missing := v_missing;
    IF v_missing OR p_order_id IS NULL OR order_status IS DISTINCT FROM p_in_transit
       OR (order_destination_id IS NOT NULL AND order_destination_id <> p_depot_id) THEN
        RETURN NEXT;  -- found: the caller goes on; otherwise the order does not move here
        RETURN;
    END IF;

    -- Every parcel of the order must be here: one in a bag not received yet, or in no bag (still in China),
    -- keeps it in transit.
    SELECT count(*), count(i.received_at) INTO parcels, parcels_here
    FROM warehouse_parcel p LEFT JOIN shipping_bagparcel i ON i.parcel_id = p.id
    WHERE p.consignment_id = p_order_id;
    IF parcels_here < parcels THEN
        RETURN NEXT;
        RETURN;
    END IF;

    UPDATE consignments_consignment SET status = p_awaiting, current_warehouse_id = p_depot_id
    WHERE id = p_order_id AND status = p_in_transit;
    INSERT INTO consignments_consignmentevent
        (consignment_id, old_status, new_status, by_id, at, warehouse_id, kind, data, note)
    VALUES (p_order_id, p_in_transit, p_awaiting, p_by_id, p_now, p_depot_id, p_event_status, '{}'::jsonb,
            p_note);
    IF p_pricing_reason IS NOT NULL THEN
        INSERT INTO billing_pricingrequest (consignment_id, by_id, reason, storage_days, created_at)
        VALUES (p_order_id, p_by_id, p_pricing_reason, 0, p_now);
    END IF;
    INSERT INTO notifications_pendingnotification
        (user_id, kind, consignment_id, tracking_id, tracking_code, data, created_at)
    VALUES (v_customer_id, p_notification_kind, p_order_id, NULL, '', COALESCE(p_notify_data, '{}'::jsonb),
            p_now);
    order_status := p_awaiting;
    ready := true;
    RETURN NEXT;
END;
$$;
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("shipping", "0002_depot_arrivals_and_history"),
        ("billing", "0003_pricing_request"),
        ("notifications", "0011_claim_updated_kind"),
        ("consignments", "0008_customer_status_index"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
