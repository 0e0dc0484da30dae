"""Shipping's URLs (under /staff/): each view module lists its own."""

from .views import bags, receiving, trips

app_name = "shipping"
urlpatterns = [*bags.urlpatterns, *trips.urlpatterns, *receiving.urlpatterns]
