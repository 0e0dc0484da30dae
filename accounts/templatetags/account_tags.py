from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def brand_mark() -> str:
    """The brand, read from settings: for pages rendered without context processors (500.html)."""
    return settings.BRAND_MARK
