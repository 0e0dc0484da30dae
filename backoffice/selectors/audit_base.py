"""The audit trail's building blocks: a row, a source of rows (one model's history), and code matching."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q


@dataclass(frozen=True)
class AuditRow:
    at: datetime
    source: str
    pk: int
    who: object  # a User or None (the system)
    what: str
    subject: str
    url: str
    detail: str

    @property
    def key(self):
        return (self.at, self.source, self.pk)


@dataclass(frozen=True)
class Source:
    name: str
    label: str
    at: str  # the time field
    by: str  # the field naming who did it

    def queryset(self):
        raise NotImplementedError

    def row(self, obj) -> AuditRow:
        raise NotImplementedError

    def code_q(self, code: str) -> Q | None:
        """Rows about this order, customer, tracking number or other code (upper-case); None: this source
        has no row about codes of that kind."""
        return None

    def _row(self, obj, *, what, subject, url="", detail="") -> AuditRow:
        return AuditRow(
            at=getattr(obj, self.at),
            source=self.name,
            pk=obj.pk,
            who=getattr(obj, self.by),
            what=str(what),
            subject=str(subject),
            url=url,
            detail=str(detail),
        )


def _any(code: str, *lookups) -> Q:
    q = Q()
    for lookup in lookups:
        q |= Q(**{f"{lookup}__iexact": code})
    return q


def _pk_of(code: str, prefix: str) -> int | None:
    """KN000012 → 12 (the codes made of a prefix and the id)."""
    rest = code[len(prefix) :] if code.startswith(prefix) else ""
    return int(rest) if rest.isascii() and rest.isdigit() and 0 < len(rest) <= 12 else None
