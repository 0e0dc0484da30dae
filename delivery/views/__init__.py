"""Delivery pages: pickup (customer's pickup code), counter (depot handover), requests (customer's delivery
requests), release (depot's release notes), public (tracking without login)."""
