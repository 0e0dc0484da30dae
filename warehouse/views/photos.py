import mimetypes

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from ..selectors import photo_for

PHOTO_TYPES = {"image/jpeg", "image/png", "image/webp"}


@login_required
@require_GET
@cache_control(private=True, max_age=7 * 24 * 3600)  # a photo never changes; shared caches never keep one
def photo_file(request, pk, small=False):
    """A parcel photo (or its thumbnail), to whoever may see it (photo_for); 404 to anyone else, as if there
    were none."""
    photo = photo_for(user=request.user, pk=pk)
    if photo is None:
        raise Http404
    field = photo.thumbnail if small and photo.thumbnail else photo.image
    try:
        file = field.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    name = field.name.rsplit("/", 1)[-1]
    if mimetypes.guess_type(name)[0] in PHOTO_TYPES:
        return FileResponse(file, filename=name)
    # Not named as a photo (kept from before photos were renamed by format): a download, never a page.
    return FileResponse(file, filename=name, as_attachment=True, content_type="application/octet-stream")
