"""Reads for the operations portal: the dashboard's counts, order lists, customers, the audit trail."""
