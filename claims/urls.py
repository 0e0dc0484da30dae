"""Claims (khiếu nại): the customer's pages under /claims/, operations' under /staff/ops/claims/ (full paths)."""

from .views import customer, operations, photos

app_name = "claims"
urlpatterns = [
    *customer.urlpatterns,
    *photos.urlpatterns,
    *operations.urlpatterns,
]
