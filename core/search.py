"""What people type into a search box, read the same way by every search box (review of issue 12: the
orders search found nothing for "ＪＴ３１" typed on a Chinese keyboard in full-width mode).

NFKC makes full-width letters and digits ASCII ("ＪＴ３１" is "JT31"), and composes Vietnamese typed as a
letter plus combining marks (macOS, some Android keyboards) into the letters names are stored with;
invisible characters a copy from a chat or a web page brings are dropped, and runs of spaces are one.
SearchTextMiddleware applies it to the search parameters of every request, so a search box added later
needs nothing; a form or view that reads another value can call search_text() itself.
"""

import re
import unicodedata

# Zero-width space and joiners, direction marks, word joiner, BOM; control characters (a scanner's CR…).
_INVISIBLE = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff\x01-\x08\x0b-\x1f\x7f-\x9f]")
_SPACES = re.compile(r"\s+")

# The query-string parameters that are text typed into a search box or a filter, on every page that has
# one (q: the search boxes; customer: the orders filter; code, who: the audit trail's filters).
SEARCH_PARAMS = ("q", "customer", "code", "who")


def search_text(value, *, limit: int | None = None) -> str:
    """The typed text as searches compare it: NFKC, without invisible characters, spaces collapsed and
    trimmed, at most `limit` characters."""
    text = unicodedata.normalize("NFKC", str(value or ""))
    text = _SPACES.sub(" ", _INVISIBLE.sub("", text)).strip()
    return text[:limit] if limit is not None else text
