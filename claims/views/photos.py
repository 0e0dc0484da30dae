"""Claim photos, served through a view that checks who asks (never the storage's own URL)."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.urls import path
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from ..selectors import photo_for


@login_required
@require_GET
@cache_control(private=True, max_age=7 * 24 * 3600)  # a photo never changes; shared caches never keep one
def photo_file(request, pk, small=False):
    """A claim photo (or its thumbnail) to the claim's customer or operations; 404 to anyone else."""
    photo = photo_for(user=request.user, pk=pk)
    if photo is None:
        raise Http404
    field = photo.thumbnail if small and photo.thumbnail else photo.image
    try:
        file = field.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    # Every claim photo was re-encoded as JPEG by the service (prepare_photos).
    return FileResponse(file, filename=field.name.rsplit("/", 1)[-1], content_type="image/jpeg")


urlpatterns = [
    path("claims/photos/<int:pk>/", photo_file, name="photo"),
    path("claims/photos/<int:pk>/small/", photo_file, {"small": True}, name="photo_small"),
]
