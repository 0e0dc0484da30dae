"""Shipping's writes, one module per station: bags, trips, receiving."""
