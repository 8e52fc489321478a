"""Which language a request is answered in: ``?lang=``, the cookie, Accept-Language, else French.

The words themselves are in the one catalogue, ``cls_kg.i18n`` (area ``web``).
"""

from __future__ import annotations

from flask import Response, request

from cls_kg.i18n import DEFAULT, LANGUAGES

LANGUAGE_COOKIE = "lang"
COOKIE_AGE = 365 * 24 * 3600


def language() -> str:
    """The language of the request: ``?lang=``, the cookie, Accept-Language, else French."""
    for asked in (request.args.get("lang"), request.cookies.get(LANGUAGE_COOKIE)):
        if asked in LANGUAGES:
            return asked
    return request.accept_languages.best_match(LANGUAGES, default=DEFAULT) or DEFAULT


def other_language(lang: str) -> str:
    """The language the page's switch offers: the first other one."""
    return next(other for other in LANGUAGES if other != lang)


def remember_language(response: Response) -> Response:
    """A ``?lang=`` switch is kept in a cookie, so the next pages are in that language too."""
    asked = request.args.get("lang")
    if asked in LANGUAGES and request.cookies.get(LANGUAGE_COOKIE) != asked:
        response.set_cookie(LANGUAGE_COOKIE, asked, max_age=COOKIE_AGE, samesite="Lax")
    return response
