"""Billing pages, one module per audience: public (fee page, calculator), wallet (customer statement and
paying), topup (customer top-up page), webhooks (bank-notification services), schedules (operations'
fee schedule editor), transfers and wallets_ops (operations' money desk)."""
