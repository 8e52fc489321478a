"""The query service behind ``/sparql``: run an operation, turn the answer into a response."""

from __future__ import annotations

from collections.abc import Mapping

from flask import Response, current_app, request

from cls_kg.graph.errors import NotAcceptable
from cls_kg.graph.results import Answer
from cls_kg.graph.store import QueryRequest

from ..core.errors import ProtocolError
from ..core.negotiation import media_type
from ..core.store import get_store
from . import policy
from .protocol import Operation

TRUNCATED_HEADER = "X-CLS-Result-Truncated"
ROW_LIMIT_HEADER = "X-CLS-Row-Limit"
BYTE_LIMIT_HEADER = "X-CLS-Byte-Limit"


def query_text(operation: Operation) -> str:
    """The query of an operation that must have one."""
    if operation.query is None or not operation.query.strip():
        raise ProtocolError("missing-query")
    return operation.query


def run(operation: Operation, formats: Mapping[str, str], row_limit: int | None = None) -> Answer:
    """Answer the operation's query in one of ``formats`` (kind of result -> format)."""
    if not formats:
        raise NotAcceptable(request.headers.get("Accept") or "-")
    limit = row_limit or current_app.config["MAX_ROWS"]
    text = policy.prepared(query_text(operation))  # what runs is what the policy read
    query = QueryRequest(text, formats, operation.dataset, limit, request.base_url)
    return get_store().answer(query)


def respond(answer: Answer) -> Response:
    """The HTTP response of an answer; the row and byte caps are always announced, and any cut."""
    response = Response(answer.body, 200, content_type=media_type(answer.format))
    response.headers[ROW_LIMIT_HEADER] = str(answer.row_limit)
    if answer.byte_limit is not None:
        response.headers[BYTE_LIMIT_HEADER] = str(answer.byte_limit)
    response.headers[TRUNCATED_HEADER] = "true" if answer.truncated else "false"
    return response
