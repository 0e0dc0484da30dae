"""The operations portal: staff pages under /staff/ops/ (dashboard, customers, staff, depots, audit).
Warehouse already serves /staff/ops/conflicts/, unidentified/, consignments/… and claims /staff/ops/claims/."""

from .views import audit, customers, dashboard, orders, people, staff, warehouses

app_name = "backoffice"
urlpatterns = [
    *dashboard.urlpatterns,
    *orders.urlpatterns,
    *customers.urlpatterns,
    *staff.urlpatterns,
    *people.urlpatterns,
    *warehouses.urlpatterns,
    *audit.urlpatterns,
]
