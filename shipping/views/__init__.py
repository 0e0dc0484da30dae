"""Shipping pages by station: bags (China warehouse), trips (China warehouse and operations), receiving
(Vietnam depot)."""
