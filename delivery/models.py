"""Handover at the depot (pickup codes) and delivery requests inside Vietnam (release notes)."""
