from functools import wraps

from django.http import HttpResponse
from django.shortcuts import render

from ..selectors import station_for


def _no_station(request):
    return render(request, "warehouse/no_station.html", status=503)


def at_station(kind):
    """Pass the staff member's warehouse to the view, or explain that none is configured."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            station = station_for(request.user, kind)
            if station is None:
                return _no_station(request)
            return view(request, station, *args, **kwargs)

        return wrapped

    return decorator


def pdf_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
