from django.conf import settings


def brand(request):
    return {"BRAND_MARK": settings.BRAND_MARK}
