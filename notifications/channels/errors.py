class PermanentFailure(Exception):
    """This message can never be sent (address refused, chat blocked): mark it failed, do not retry."""


class TemporaryFailure(Exception):
    """Try again later (server down, timeout, rate limit); retry_after in seconds when the server said."""

    def __init__(self, message: str, retry_after: int | None = None):
        super().__init__(message)
        self.retry_after = retry_after
