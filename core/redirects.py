"""Where to go after an action, when the request says where (`next`): only to a page of this site.

A value from a request is never handed to `redirect()`, which would take `0`, `NaN` or `home` for a view name
(a 500, or a page nobody asked for): it is a path of this site (`/…`, not `//host`, no scheme, no control
characters) or it is ignored and the default is used.
"""

from urllib.parse import urlsplit, urlunsplit

from django.http import HttpResponseRedirect
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next_url(request, value) -> str | None:
    """`value` when it is a path on this site, else None."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    if any(ord(ch) < 32 or ord(ch) == 127 or "\ud800" <= ch <= "\udfff" for ch in value):
        return None
    host = request.get_host()
    if not url_has_allowed_host_and_scheme(value, allowed_hosts={host}, require_https=request.is_secure()):
        return None
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:  # a whole URL of this site (a Referer): its path
        if parts.netloc != host:
            return None
        value = urlunsplit(("", "", parts.path or "/", parts.query, parts.fragment))
    if not value.startswith("/") or value.startswith(("//", "/\\")):
        return None
    return value


def next_url(request, default=None, *, field: str = "next") -> str | None:
    """The request's `next` (POST, then GET) when it is a page of this site; else `default` resolved (a URL
    name or a path written in our code, never a value from the request)."""
    for data in (request.POST, request.GET):
        target = safe_next_url(request, data.get(field))
        if target:
            return target
    return resolve_url(default) if default is not None else None


def redirect_next(request, default, *, field: str = "next") -> HttpResponseRedirect:
    """Go to the request's `next` if it is a page of this site, else to `default` (a URL name or path)."""
    return HttpResponseRedirect(next_url(request, default, field=field))


class SafeNextMixin:
    """For Django's auth views (login, logout): their `next` goes through safe_next_url too, so `0` or
    `{{7*7}}` is ignored (Django's own check lets a relative value through, a redirect to nowhere)."""

    def get_redirect_url(self):
        request = self.request
        field = self.redirect_field_name
        return safe_next_url(request, request.POST.get(field, request.GET.get(field))) or ""
