"""Public tracking: anyone with an order code or a tracking number sees the route (statuses, places, dates)
and nothing personal. One form; every miss gets the same answer; a visitor asking too often is slowed down."""

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from ..forms import PublicTrackForm
from ..selectors import public_order, public_route

LOOKUPS_PER_MINUTE = 30


def lookups_per_minute() -> int:
    """PUBLIC_TRACKING_PER_MINUTE (default 30; 0: no limit here, e.g. when the proxy in front limits)."""
    return getattr(settings, "PUBLIC_TRACKING_PER_MINUTE", LOOKUPS_PER_MINUTE)


def _too_often(request) -> bool:
    """More than lookups_per_minute() look-ups this minute from this address (counted in the cache: Redis in
    production). Behind a proxy every visitor has the proxy's address: limit there and set 0 here."""
    limit = lookups_per_minute()
    if not limit:
        return False
    key = f"delivery:track:{request.META.get('REMOTE_ADDR', '')}"
    cache.add(key, 0, timeout=60)
    try:
        return cache.incr(key) > limit
    except ValueError:  # expired between add and incr
        return False


@require_GET
def track(request):
    form = PublicTrackForm(request.GET or None)
    query = (request.GET.get("q") or "").strip()
    context = {"form": form, "asked": bool(query), "route": None, "status": None}
    status = 200
    if query:
        if _too_often(request):
            context["too_often"] = True
            status = 429
        else:
            order = public_order(query)
            if order is not None:
                context.update(
                    route=public_route(order),
                    status=order.get_status_display(),
                    status_value=order.status,
                    destination=order.destination.name if order.destination_id else "",
                )
    response = render(request, "delivery/track.html", context, status=status)
    response["X-Robots-Tag"] = "noindex"
    response["Cache-Control"] = "no-store"
    return response


urlpatterns = [path("track/", track, name="track")]
