"""Login throttling with django-axes: what a locked-out person sees, and whose attempts count together.

Failures are counted per username and address together (AXES_LOCKOUT_PARAMETERS), in the database (Redis may
be down). After AXES_FAILURE_LIMIT failures that pair is refused for AXES_COOLOFF_TIME, counted from the lock
(attempts during the lock do not extend it), so nobody, staff included, is locked out for good; a successful
login or a password reset clears the count.
"""

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.redirects import next_url

from .forms import LoginForm


class ThrottlingBackend(AxesStandaloneBackend):
    """Axes' check (first in AUTHENTICATION_BACKENDS): a locked-out username and address is refused before its
    password is checked. Without a request (the test client's login(), a shell) there is nobody to throttle,
    and axes would raise; this skips it instead. Every login form of the site passes its request."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def username_of(request, credentials) -> str:
    """AXES_USERNAME_CALLABLE: usernames are case-insensitive (accounts.models), so are their attempts."""
    field = settings.AXES_USERNAME_FORM_FIELD
    username = (credentials or {}).get(field) or request.POST.get(field, "")
    return str(username).strip().lower()


def cooloff_minutes() -> int:
    return max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))


def lockout_message() -> str:
    minutes = cooloff_minutes()
    return ngettext(
        "Too many failed attempts to log in as this user from your network. For your safety, logging in is "
        "paused for %(minutes)s minute. Wait, then try again, or set a new password by e-mail.",
        "Too many failed attempts to log in as this user from your network. For your safety, logging in is "
        "paused for %(minutes)s minutes. Wait, then try again, or set a new password by e-mail.",
        minutes,
    ) % {"minutes": minutes}


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the login page again (429), with the username kept and the reason given."""
    form = LoginForm(request, initial={"username": request.POST.get("username", "")})
    context = {
        "form": form,
        "locked_out": lockout_message(),
        "next": (next_url(request) or "") if request.method == "POST" else "",  # only a page of this site
        "title": _("Log in"),
    }
    return render(request, "registration/login.html", context, status=429)


def unlock(username: str) -> None:
    """Forget the failed attempts of this username (after a password reset by e-mail)."""
    from axes.utils import reset

    reset(username=username.strip().lower())


# From this many failures on, the login page says how many attempts are left before the lock.
HINT_AFTER_FAILURES = 3


def attempts_left(request, username: str) -> int | None:
    """How many more failures this username may have from this address before it is locked, once it has had
    HINT_AFTER_FAILURES; None before that (no hint) or when nothing is left (the lock message says it)."""
    from axes.handlers.proxy import AxesProxyHandler

    username = str(username or "").strip().lower()
    if not username:
        return None
    failures = AxesProxyHandler.get_failures(request, {settings.AXES_USERNAME_FORM_FIELD: username})
    left = settings.AXES_FAILURE_LIMIT - failures
    if failures < HINT_AFTER_FAILURES or left <= 0:
        return None
    return left


def attempts_left_message(left: int) -> str:
    minutes = cooloff_minutes()
    return ngettext(
        "%(left)s attempt left before logging in as this user is paused for %(minutes)s minutes.",
        "%(left)s attempts left before logging in as this user is paused for %(minutes)s minutes.",
        left,
    ) % {"left": left, "minutes": minutes}


def failed_logins(username: str) -> int:
    """Failures recorded for this username from any address (what operations see before unlocking)."""
    from axes.models import AccessAttempt
    from django.db.models import Sum

    total = AccessAttempt.objects.filter(username=username.strip().lower()).aggregate(
        n=Sum("failures_since_start")
    )["n"]
    return total or 0
