"""Notifications beyond the app: e-mail and Telegram, from the same outbox.

How a notification reaches a channel, exactly once:

1. notifications_deliver_pending (services.py) turns outbox rows into Notifications. In the same
   transaction it asks planning.deliveries_plan for one ChannelDelivery row per (notification, channel)
   the user chose (preferences). Nothing is sent inside that transaction.
2. After it commits, the send task (tasks.send_notification_deliveries, also run every minute by beat)
   calls sending.deliveries_send_due: it claims due rows (SKIP LOCKED, then compare-and-set pending →
   sending, attempts + 1) in a short transaction, sends each outside any transaction, and marks it sent
   (compare-and-set sending → sent). Two runs at once never claim the same row.
3. A passing failure (SMTP down, Telegram 429/5xx, a timeout) puts the row back to pending with a
   backoff; a permanent one (address refused, chat blocked) or too many attempts marks it failed.
4. E-mails wait NOTIFY_EMAIL_DIGEST_SECONDS (with a worker; none in-process): a user's e-mails due together
   are claimed together and sent as one digest, and share its outcome. Telegram messages go at once.

The one window: a worker killed after the message left and before the row was marked sent. The row stays
"sending"; after SENDING_STALE_AFTER it is taken as not sent and retried, so that message goes out twice.
Nothing else sends twice; nothing is lost.
"""
