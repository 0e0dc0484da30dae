"""The operations portal: staff pages under /staff/ops/ (dashboard, customers, staff, depots, audit)."""

from django.urls import path  # noqa: F401

app_name = "backoffice"
urlpatterns = []
