"""The CSRF failure page (CSRF_FAILURE_VIEW): a friendly page instead of Django's technical one.

It happens to people when a form was open too long (a login page left open across a logout), when the
back button brought back an old form, or when the browser refuses cookies. The error pages themselves
(400/403/404/500) are templates at the top of templates/, rendered by Django's default handlers.
"""

from django.conf import settings
from django.http import HttpResponseForbidden
from django.template.loader import render_to_string

from core.redirects import safe_next_url


def csrf_failure(request, reason=""):
    back = safe_next_url(request, request.headers.get("Referer", "")) or ""  # a page of this site, or none
    no_cookie = settings.CSRF_COOKIE_NAME not in request.COOKIES  # cookies blocked, or a first visit
    html = render_to_string("errors/csrf.html", {"back": back, "no_cookie": no_cookie})
    return HttpResponseForbidden(html)
