from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.decorators import customer_required
from addresses.selectors import customer_has_address
from core.errors import DomainError

from .forms import TrackingRegisterForm
from .selectors import tracking_numbers_for
from .services import tracking_register


@customer_required
def tracking_list(request):
    """The customer's tracking numbers, and the form to register another."""
    if not customer_has_address(customer=request.user):
        messages.warning(
            request,
            _(
                "Before registering tracking numbers, add a Vietnam delivery address: we need to know where your "
                "goods go."
            ),
        )
        return redirect(f"{reverse('addresses:create')}?next={reverse('tracking:list')}")
    form = TrackingRegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            tracking = tracking_register(
                customer=request.user, raw_code=form.cleaned_data["code"], note=form.cleaned_data["note"]
            )
        except DomainError as exc:
            form.add_error("code", exc.message)
        else:
            messages.success(request, _("Tracking number %(code)s registered.") % {"code": tracking.code})
            if not request.htmx:
                return redirect("tracking:list")
            form = TrackingRegisterForm()
    page = Paginator(tracking_numbers_for(customer=request.user), 50).get_page(request.GET.get("page"))
    context = {"form": form, "page": page}
    if request.htmx:
        return render(request, "tracking/list.html#content", context)
    return render(request, "tracking/list.html", context)
