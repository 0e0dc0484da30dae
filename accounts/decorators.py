"""Who may open a page. Anonymous users go to the login page; a signed-in user of the wrong kind gets 403."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied


def _role_required(check):
    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


customer_required = _role_required(lambda u: u.is_customer)
china_staff_required = _role_required(lambda u: u.is_china_staff)
vietnam_staff_required = _role_required(lambda u: u.is_vietnam_staff)
operations_required = _role_required(lambda u: u.role == "ops")
