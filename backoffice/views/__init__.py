"""The operations portal's pages, one module per area; each lists its own `urlpatterns`."""
