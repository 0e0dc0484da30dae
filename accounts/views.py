from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from addresses.selectors import addresses_for
from consignments.selectors import consignments_for_customer
from tracking.selectors import tracking_numbers_for

from .forms import SignUpForm
from .models import Role
from .services import customer_sign_up


def signup(request):
    if request.user.is_authenticated:
        return redirect("home")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = customer_sign_up(
                username=data["username"],
                password=data["password1"],
                email=data["email"],
                phone=data["phone"],
                first_name=data["first_name"],
            )
        except IntegrityError:
            form.add_error("username", _("This username is already taken."))
        else:
            login(request, user, backend="accounts.backends.UserWithWarehouseBackend")
            messages.success(
                request,
                _(
                    "Welcome! Your customer code is %(code)s. Suppliers must write “%(mark)s” on every parcel. "
                    "Now add a Vietnam delivery address to start."
                )
                % {"code": user.customer_code, "mark": user.label_mark},
            )
            return redirect("addresses:create")
    return render(request, "accounts/signup.html", {"form": form})


@login_required
def home(request):
    """Each kind of user lands on their own portal."""
    user = request.user
    if user.role == Role.CHINA_STAFF:
        return redirect("warehouse:scan")
    if user.role == Role.VIETNAM_STAFF:
        return redirect("warehouse:depot")
    if user.role == Role.OPERATIONS:
        return redirect("admin:index")
    return render(
        request,
        "accounts/dashboard.html",
        {
            "has_address": addresses_for(customer=user).exists(),
            "recent_orders": consignments_for_customer(customer=user)[:5],
            "recent_tracking": tracking_numbers_for(customer=user)[:5],
        },
    )


@login_required
def profile(request):
    return render(request, "accounts/profile.html", {"addresses": addresses_for(customer=request.user)})
