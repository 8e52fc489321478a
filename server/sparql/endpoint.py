"""The ``/sparql`` endpoint: SPARQL 1.1 Protocol (query operation), description and page."""

from __future__ import annotations

from flask import Blueprint, Response, request

from ..core import ratelimit
from ..core.negotiation import choose
from . import description, protocol, query_page, service

bp = Blueprint("sparql", __name__)
bp.before_request(ratelimit.limit)


@bp.after_request
def vary(response: Response) -> Response:
    """The answer depends on these headers: caches must key on them."""
    response.vary.update(("Accept", "Accept-Language"))
    return response


@bp.route("/sparql", methods=["GET", "POST"])
def endpoint() -> Response:
    """A query gets its results; GET without one gets the description or the query page."""
    operation = protocol.read(request)
    choice = choose(request.headers.get("Accept"), operation.format)
    if choice.html:
        return query_page.render(operation)
    if operation.query is None and request.method == "GET":
        return description.respond(choice)
    return service.respond(service.run(operation, choice.formats))
