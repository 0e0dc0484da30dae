"""Every write of the delivery app, one module per desk: pickup codes, the depot counter (handover),
delivery requests, release notes, and the auto-completion of deliveries nobody confirmed."""
