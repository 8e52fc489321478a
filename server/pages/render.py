"""HTML pages of resources: the shared page context, and the resource page itself.

Templates autoescape every text; the only markup not escaped is the JSON-LD block, which
``view.script_json`` makes safe inside ``<script>``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from flask import current_app, render_template, request

from cls_kg.i18n import translator as area_translator

from ..core.language import language, other_language
from ..core.store import get_store
from . import describe, iris, schema_org, sections
from .view import Page, build_page, script_json

LIST_SIZE = 50  # links shown per property and page
DESCRIBE_QUERY = "DESCRIBE <{iri}>"


def href(iri: str) -> str | None:
    """Where a link to ``iri`` leads from a page of this server."""
    return iris.href(iri, current_app.config["BASE_URI"], request.script_root)


def translator(lang: str) -> Callable[..., str]:
    """The ``t`` of templates: a message in the page's language."""
    return area_translator("web", lang)


def switch_url(lang: str) -> str:
    """This page in the other language (the switch also sets the language cookie)."""
    args = {**request.args.to_dict(), "lang": other_language(lang)}
    return f"{request.script_root}{request.path}?{urlencode(args)}"


def page_number() -> int:
    """The ``page`` parameter, 1 when absent or not a positive number."""
    value = request.args.get("page", "1")
    return int(value) if value.isdigit() and 0 < int(value) < 1_000_000 else 1


def context(lang: str, **extra: Any) -> dict[str, Any]:
    """What every page template needs, plus ``extra``."""
    return {"lang": lang, "t": translator(lang), "switch_url": switch_url(lang), **extra}


def sparql_link(iri: str) -> str:
    """The query page with a DESCRIBE of the resource, ready to run."""
    query = DESCRIBE_QUERY.format(iri=iri)
    return f"{request.script_root}/sparql?{urlencode({'query': query})}"


def pager_url(page: int) -> str:
    """This page with another page number."""
    args = {**request.args.to_dict(), "page": str(page)}
    return f"{request.script_root}{request.path}?{urlencode(args)}"


def render_page(page: Page, lang: str) -> str:
    """The resource page of a built page model."""
    extra = sections.render(get_store(), page, lang, href)
    base = current_app.config["BASE_URI"]
    return render_template(
        "resource.html",
        **context(lang),
        page=page,
        extra=extra,
        size=LIST_SIZE,
        sparql_url=sparql_link(page.iri),
        pager_url=pager_url,
        jsonld=script_json(
            schema_org.document(page, schema_org.page_url(request.path, base), lang)
        ),
        local=iris.local_path(page.iri, base),
    )


def resource_html(iri: str) -> str | None:
    """The HTML page of ``iri``; None when the store knows nothing of it."""
    lang, number = language(), page_number()
    found = describe.describe(get_store(), iri, number, LIST_SIZE)
    if found is None:
        return None
    return render_page(build_page(found, lang, href, number, LIST_SIZE), lang)


def not_found_html(iri: str) -> str:
    """The page of an IRI the store knows nothing of."""
    lang = language()
    return render_template("not-found.html", **context(lang), iri=iri)
