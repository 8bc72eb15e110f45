from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation import check_for_language, get_supported_language_variant
from django.utils.translation.trans_real import parse_accept_lang_header


def choose_language(request) -> str:
    """The person's own choice (cookie) first; else the Chinese their browser asks for; else
    Simplified Chinese. English is offered but never guessed: a Chinese school's shared PC
    often runs an English browser."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if chosen and check_for_language(chosen):
        try:
            return get_supported_language_variant(chosen)
        except LookupError:
            pass
    for code, _quality in parse_accept_lang_header(request.META.get("HTTP_ACCEPT_LANGUAGE", "")):
        code = code.lower()
        if code in ("zh-tw", "zh-hk", "zh-mo") or code.startswith("zh-hant"):
            return "zh-hant"
        if code.startswith("zh"):
            return "zh-hans"
    return settings.LANGUAGE_CODE


class SchoolLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request):
        translation.activate(choose_language(request))
        request.LANGUAGE_CODE = translation.get_language()
