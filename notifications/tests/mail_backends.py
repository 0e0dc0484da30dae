"""E-mail backends that fail on purpose (settings.EMAIL_BACKEND in the channel tests)."""

import smtplib

from django.core.mail.backends.locmem import EmailBackend


class DownBackend(EmailBackend):
    """The SMTP server is unreachable: a passing failure."""

    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


class RefusingBackend(EmailBackend):
    """The server refuses the address: a permanent failure."""

    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused({messages[0].to[0]: (550, b"5.1.1 User unknown")})


class SlowBackend(EmailBackend):
    """A server that takes a moment per message: two runs at once overlap for sure."""

    def send_messages(self, messages):
        import time

        time.sleep(0.02)
        return super().send_messages(messages)
