import re
from importlib import import_module

from django.conf import settings
from django.core.exceptions import BadRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class VietnameseFirstLocaleMiddleware(LocaleMiddleware):
    """Vietnamese unless the person chose otherwise (language cookie) or their browser asks for Chinese.

    Django's LocaleMiddleware would follow any Accept-Language, so a phone set to English would get English;
    for a Vietnamese forwarder Vietnamese is the default and Chinese is for the Guangzhou warehouse.
    """

    def process_request(self, request):
        supported = {code for code, _name in settings.LANGUAGES}
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in supported:
            accept = request.META.get("HTTP_ACCEPT_LANGUAGE", "").strip().lower()
            language = "zh-hans" if accept.startswith("zh") else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


_UNREADABLE = re.compile("[\x00\ud800-\udfff]")


def _unreadable(text: str) -> bool:
    """A zero byte (PostgreSQL refuses it in text) or half of a surrogate pair (not encodable as UTF-8)."""
    return _UNREADABLE.search(text) is not None


def accepts_unreadable(*fields: str):
    """Mark a view whose form reads these POST fields itself and judges their bad characters line by line
    (a pasted list): RefuseUnreadableInputMiddleware lets them through. Put it above the other decorators."""

    def mark(view):
        view.accepts_unreadable = frozenset(fields)
        return view

    return mark


class RefuseUnreadableInputMiddleware:
    """A 400 (Django's bad-request page) for a zero byte in the path, the query string, a POST field's name or
    value, or an uploaded file's name: such a value would reach PostgreSQL, which refuses it (a 500). Forms
    refuse it too (ProhibitNullCharactersValidator), but many values are read without a form (a filter, a
    reason, a scanned code, the admin's filters). POST is read in process_view, after the CSRF check."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _unreadable(request.path) or _unreadable(request.path_info):
            raise BadRequest("A zero byte in the address.")
        # Gunicorn refuses control characters in headers; the development server and other servers may not.
        if self._unreadable_headers(request):
            if _unreadable(getattr(getattr(request, "session", None), "session_key", None) or ""):
                engine = import_module(settings.SESSION_ENGINE)
                request.session = engine.SessionStore()  # the 400 page reads the session (who is there)
            raise BadRequest("A zero byte in a header or cookie.")
        for key, values in request.GET.lists():
            if _unreadable(key) or any(_unreadable(v) for v in values):
                raise BadRequest("A zero byte in the query string.")
        return self.get_response(request)

    @staticmethod
    def _unreadable_headers(request) -> bool:
        headers = (v for k, v in request.META.items() if k.startswith("HTTP_") and isinstance(v, str))
        cookies = (f"{k}{v}" for k, v in request.COOKIES.items())
        return any(map(_unreadable, headers)) or any(map(_unreadable, cookies))

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
            return None
        if getattr(view_func, "csrf_exempt", False):
            # A webhook reads its own body (JSON) and checks it: reading the form here would consume it.
            return None
        if request.content_type not in ("application/x-www-form-urlencoded", "multipart/form-data"):
            return None
        allowed = getattr(view_func, "accepts_unreadable", frozenset())
        for key, values in request.POST.lists():
            if _unreadable(key) or (key not in allowed and any(_unreadable(v) for v in values)):
                raise BadRequest("A zero byte in the form.")
        for uploaded in request.FILES.values():
            if _unreadable(uploaded.name or ""):
                raise BadRequest("A zero byte in a file name.")
        return None


class SearchTextMiddleware:
    """Every search box reads what was typed the same way (core.search.search_text): "ＪＴ３１" from a
    Chinese keyboard in full-width mode finds JT31. The search parameters of the query string (SEARCH_PARAMS) are replaced
    by their normalised text before any view reads them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from .search import SEARCH_PARAMS, search_text

        if any(key in request.GET for key in SEARCH_PARAMS):
            query = request.GET.copy()
            for key in SEARCH_PARAMS:
                if key in query:
                    query.setlist(key, [search_text(v) for v in query.getlist(key)])
            query._mutable = False
            request.GET = query
        return self.get_response(request)
