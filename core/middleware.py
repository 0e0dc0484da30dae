from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class VietnameseFirstLocaleMiddleware(LocaleMiddleware):
    """Vietnamese unless the person chose otherwise (language cookie) or their browser asks for Chinese.

    Django's LocaleMiddleware would follow any Accept-Language, so a phone set to English would get English;
    for a Vietnamese forwarder Vietnamese is the default and Chinese is for the Guangzhou warehouse.
    """

    def process_request(self, request):
        supported = {code for code, _name in settings.LANGUAGES}
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in supported:
            accept = request.META.get("HTTP_ACCEPT_LANGUAGE", "").strip().lower()
            language = "zh-hans" if accept.startswith("zh") else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
