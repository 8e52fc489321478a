"""The search page: ``/recherche`` (and ``/search``) over the index the build wrote.

Thin on purpose: the index (``graph/search/``) finds, ranks and counts; this blueprint reads
the request (``q``, the filters of ``reader.FILTERS``, ``kind``, ``page``), picks HTML or
JSON (``?format=json|html`` wins over ``Accept``) and renders. JSON shape (README,
"Search"): ``query``, ``terms``, ``filters``, ``kind``, ``lang``, ``total``, ``kinds``
(count per kind), ``groups`` (per kind: ``kind``, ``label``, ``count``, ``page``,
``pages``, ``results`` of ``iri``, ``url``, ``label``, ``context``, ``score``) and
``facets`` (per filter: ``value``, ``label``, ``count``, ``selected``).

State: the app owns one ``Indexes`` (``init_app``, ``core/state.py``), which keeps the index
of the version served (reopened when ``current`` changes, like the store); each request reads
through a connection of its own, closed when the app context ends.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from typing import Any, ClassVar
from urllib.parse import urlencode

from flask import Blueprint, Flask, Response, g, render_template, request

from cls_kg.graph.datadir import VersionFolder
from cls_kg.graph.search import FILE
from cls_kg.graph.search.index import KINDS
from cls_kg.graph.search.reader import (
    FILTERS,
    GROUP_SIZE,
    MAX_CHARS,
    PAGE_SIZE,
    Index,
    Query,
    Results,
)
from cls_kg.i18n import say

from ..core import ratelimit, state
from ..core.language import language, remember_language
from ..core.store import served
from . import pagecache, render

bp = Blueprint("search", __name__)
bp.before_request(ratelimit.limit)
bp.after_request(remember_language)

CONNECTION = "cls_kg_search_db"
JSON_TYPE = "application/json"
HTML_TYPE = "text/html"
#: ``?format=`` value -> media type answered.
FORMATS = {"json": JSON_TYPE, "html": HTML_TYPE}
#: Longest filter value read (codes, notations, years are short).
MAX_VALUE = 64


class Indexes:
    """The search index of the version served, opened once per version."""

    NAME: ClassVar[str] = "search"

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.key: str | None = None
        self.index: Index | None = None

    def get(self) -> Index:
        """The index of the version served now (opened when the version changed)."""
        now = served()
        with self.lock:
            if self.index is None or self.key != now.key:
                self.index, self.key = Index(VersionFolder(now.folder).search / FILE), now.key
            return self.index


def init_app(app: Flask) -> None:
    """Give the app its indexes and close each request's connection when it ends."""
    state.register(app, Indexes())
    app.teardown_appcontext(close)


def close(_error: BaseException | None = None) -> None:
    """Close the connection this request opened, if any."""
    db: sqlite3.Connection | None = g.pop(CONNECTION, None)
    if db is not None:
        db.close()


def run(query: Query) -> Results:
    """The query run on the index of the version served."""
    index = state.of(Indexes).get()
    if CONNECTION not in g:
        setattr(g, CONNECTION, index.connect())
    db: sqlite3.Connection = g.get(CONNECTION)
    return index.search(db, query)


def read_query(lang: str) -> Query:
    """The query of the request's parameters (empty or oversized values are ignored)."""
    args = request.args
    filters = {name: args[name] for name in FILTERS if 0 < len(args.get(name, "")) <= MAX_VALUE}
    kind = args.get("kind")
    return Query(
        text=args.get("q", "")[:MAX_CHARS],
        filters=filters,
        kind=kind if kind in KINDS else None,
        page=render.page_number(),
        lang=lang,
    )


def media_type() -> str:
    """JSON or HTML: ``?format=``, else the best of the two for ``Accept`` (HTML when even)."""
    asked = FORMATS.get(request.args.get("format", ""))
    if asked:
        return asked
    best = request.accept_mimetypes.best_match([HTML_TYPE, JSON_TYPE], default=HTML_TYPE)
    return best or HTML_TYPE


def url_for_query(query: Query, **changes: Any) -> str:
    """This search with some parameters changed (None removes one)."""
    params: dict[str, Any] = {"q": query.text, **query.filters, "kind": query.kind}
    params.update(changes)
    kept = {k: v for k, v in params.items() if v not in (None, "")}
    return f"{request.script_root}{request.path}?{urlencode(kept)}"


def document(results: Results) -> dict[str, Any]:
    """The JSON document of the results (shape in the module docstring)."""
    query, lang = results.query, results.query.lang
    return {
        "query": query.text,
        "terms": list(results.terms),
        "filters": dict(query.filters),
        "kind": query.kind,
        "lang": lang,
        "total": results.total,
        "kinds": results.kinds,
        "groups": [
            {
                "kind": group.kind,
                "label": say(f"web.search-kind-{group.kind}", lang),
                "count": group.count,
                "page": group.page,
                "pages": group.pages,
                "results": [
                    {
                        "iri": hit.iri,
                        "url": render.href(hit.iri) or hit.iri,
                        "label": hit.label,
                        "context": hit.context,
                        "score": round(hit.score, 3),
                    }
                    for hit in group.hits
                ],
            }
            for group in results.groups
        ],
        "facets": {
            name: [
                {"value": v.value, "label": v.label, "count": v.count, "selected": v.selected}
                for v in values
            ]
            for name, values in results.facets.items()
        },
    }


def html(results: Results) -> str:
    """The search page."""
    query = results.query
    return render_template(
        "search.html",
        **render.context(query.lang),
        results=results,
        query=query,
        filters=FILTERS,
        kinds=KINDS,
        asked=bool(results.terms or query.filters),
        page_size=PAGE_SIZE if query.kind else GROUP_SIZE,
        href=lambda iri: render.href(iri) or iri,
        url=lambda **changes: url_for_query(query, **changes),
        pager_url=lambda page: url_for_query(query, page=page),
    )


def answer() -> Response:
    """The search, made."""
    lang = language()
    results = run(read_query(lang))
    kind = media_type()
    if kind == JSON_TYPE:
        body = json.dumps(document(results), ensure_ascii=False)
        response = Response(body, 200, content_type=f"{JSON_TYPE}; charset=utf-8")
    else:
        response = Response(html(results), 200, content_type=f"{HTML_TYPE}; charset=utf-8")
    response.vary.update(("Accept", "Accept-Language", "Cookie"))
    return response


@bp.route("/search")
@bp.route("/recherche")  # the first rule: url_for's
def search() -> Response:
    """Search the labels and texts of the version served (kept answers reused)."""
    return pagecache.cached(answer)
