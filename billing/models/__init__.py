"""Billing: the fee schedule (biểu phí), the charges of each order, the wallet ledger, bank transfers.

Money is integer VND (đồng) everywhere; CNY amounts are integer fen (1 CNY = 100 fen) and are converted
at a dated exchange rate that each charge records.
"""

from .bank import BankTransfer, TransferStatus, WebhookCall, WebhookProvider
from .charges import Charge, ChargeStage, OrderExtras, PricingRequest
from .schedule import CustomerGroup, ExchangeRate, FeeSchedule, FreightBracket, ScheduleStatus
from .wallet import EntryKind, Wallet, WalletEntry

__all__ = [
    "BankTransfer",
    "Charge",
    "ChargeStage",
    "CustomerGroup",
    "EntryKind",
    "ExchangeRate",
    "FeeSchedule",
    "FreightBracket",
    "OrderExtras",
    "PricingRequest",
    "ScheduleStatus",
    "TransferStatus",
    "Wallet",
    "WalletEntry",
    "WebhookCall",
    "WebhookProvider",
]
