"""Claims (khiếu nại): the customer's pages under /claims/, operations' under /staff/ops/claims/ (full paths)."""

from django.urls import path  # noqa: F401

app_name = "claims"
urlpatterns = []
