"""What happens to an order, for the apps above consignments (billing) to act on in the same transaction.

Apps depend one way: consignments and warehouse never import billing. Billing subscribes to these in its
AppConfig.ready and re-prices the order inside the transaction that changed it, so a charge and the
measurements it was priced from always commit together.
"""

from django.dispatch import Signal

# An order's measurements changed (a parcel was weighed or re-measured). Sent with consignment, by.
consignment_measured = Signal()
# An order changed status. Sent with consignment, old, new, by.
consignment_status_changed = Signal()
# An order now goes to another Vietnam depot (the customer chose one, or operations transferred it).
# Sent with consignment, by.
consignment_destination_changed = Signal()
# Many orders changed status in one statement (a trip departed, a bag received). Sent with ids (list of
# order ids that moved), old, new, by.
consignments_status_changed_many = Signal()
