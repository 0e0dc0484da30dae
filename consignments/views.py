from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from accounts.decorators import customer_required

from .selectors import consignment_for_customer, consignment_timeline, consignments_for_customer


@customer_required
def consignment_list(request):
    page = Paginator(consignments_for_customer(customer=request.user), 50).get_page(request.GET.get("page"))
    return render(request, "consignments/list.html", {"page": page})


@customer_required
def consignment_detail(request, code):
    consignment = consignment_for_customer(customer=request.user, code=code)
    if consignment is None:
        raise Http404
    return render(
        request,
        "consignments/detail.html",
        {
            "consignment": consignment,
            "events": consignment_timeline(consignment=consignment),
            "photos": consignment.parcel.photos.all(),
        },
    )
