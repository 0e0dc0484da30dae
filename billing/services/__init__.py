"""Every write of billing, one module per business area: charges (pricing orders), wallet (the ledger),
schedules (fee schedule versions, exchange rates), topups (bank transfers and webhooks)."""
