"""Delivery's URLs: each view module lists its own (full paths, customer and staff alike)."""

from .views import counter, pickup, public, release, requests

app_name = "delivery"
urlpatterns = [
    *pickup.urlpatterns,
    *counter.urlpatterns,
    *requests.urlpatterns,
    *release.urlpatterns,
    *public.urlpatterns,
]
