class DomainError(Exception):
    """A business rule said no. The message is for a person, already translated (or lazily translatable)."""

    def __init__(self, message, *, code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self):
        return str(self.message)
