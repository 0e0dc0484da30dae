"""`manage.py billing_check`: prove every wallet's stored balance equals the sum of its ledger entries.

Exit status 1 and one line per wallet that disagrees (it never should: the balance is written in the
transaction that appends the entry, under the wallet's row lock)."""

from django.core.management.base import BaseCommand, CommandError

from billing.selectors import wallets_out_of_balance


class Command(BaseCommand):
    help = "Check that every wallet balance equals the sum of its ledger entries."

    def handle(self, *args, **options):
        wrong = list(wallets_out_of_balance().select_related("customer"))
        for wallet in wrong:
            self.stderr.write(
                f"{wallet.customer.username}: stored {wallet.balance_vnd} ₫, ledger {wallet.ledger} ₫"
            )
        if wrong:
            raise CommandError(f"{len(wrong)} wallet(s) out of balance")
        self.stdout.write(self.style.SUCCESS("Every wallet balance equals the sum of its entries."))
