from django.dispatch import Signal

# Sent inside the registering transaction with `codes` (normalised, newly registered). The warehouse app,
# which owns matching, listens and enqueues the match after commit: tracking never imports it.
codes_registered = Signal()
