"""Reading a request of the SPARQL 1.1 Protocol, query operation (section 2.1).

Three ways to send a query: GET with ``query=``; POST form-encoded; POST with the query as an
``application/sparql-query`` body. Updates (``update=``, ``application/sparql-update``) are
refused: the endpoint is read-only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Request
from werkzeug.datastructures import CombinedMultiDict, MultiDict

from cls_kg.graph.store import Dataset

from ..core.errors import ProtocolError, QueryRefused, UnsupportedMediaType

FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
UPDATE = "application/sparql-update"
UPDATE_PARAMETERS = ("update", "using-graph-uri", "using-named-graph-uri")

Parameters = MultiDict[str, str] | CombinedMultiDict[str, str]


@dataclass(frozen=True)
class Operation:
    """What a protocol request asks: a query (or none), its dataset, a ``format`` parameter."""

    query: str | None
    dataset: Dataset | None
    format: str | None


def check_charset(request: Request) -> None:
    """Bodies must be UTF-8: a declared charset must say so."""
    charset = request.mimetype_params.get("charset", "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        raise UnsupportedMediaType("not-utf8", charset)


def form_parameters(request: Request) -> tuple[Parameters, str | None]:
    """A form POST: parameters from the URL and the body together."""
    check_charset(request)
    return CombinedMultiDict([request.args, request.form]), None


def direct_parameters(request: Request) -> tuple[Parameters, str | None]:
    """A direct POST: the body is the query, the other parameters are in the URL."""
    check_charset(request)
    try:
        return request.args, request.get_data().decode("utf-8")
    except UnicodeDecodeError as error:
        raise UnsupportedMediaType("not-utf8", str(error)) from error


def refuse_update(request: Request) -> tuple[Parameters, str | None]:
    """A direct update: refused whatever it contains."""
    raise QueryRefused("read-only")


#: POST body media type -> how to read the parameters (and the query, for a direct POST).
POST_READERS: dict[str, Callable[[Request], tuple[Parameters, str | None]]] = {
    FORM: form_parameters,
    DIRECT: direct_parameters,
    UPDATE: refuse_update,
}


def parameters(request: Request) -> tuple[Parameters, str | None]:
    """The request's parameters, and the body when it is the query itself."""
    if request.method != "POST":
        return request.args, None
    reader = POST_READERS.get(request.mimetype)
    if reader is None:
        raise UnsupportedMediaType("wrong-media-type", request.mimetype or "-")
    return reader(request)


def single(params: Parameters, name: str) -> str | None:
    """A parameter that may be given at most once."""
    values = params.getlist(name)
    if len(values) > 1:
        raise ProtocolError("repeated-parameter", name)
    return values[0] if values else None


def dataset(params: Parameters) -> Dataset | None:
    """The protocol's dataset, when default-graph-uri or named-graph-uri is given."""
    default, named = params.getlist("default-graph-uri"), params.getlist("named-graph-uri")
    if not default and not named:
        return None
    return Dataset(tuple(default), tuple(named))


def read(request: Request) -> Operation:
    """The operation a request asks for; raises on updates and protocol errors."""
    params, body = parameters(request)
    if any(name in params for name in UPDATE_PARAMETERS):
        raise QueryRefused("read-only")
    query = single(params, "query")
    if body is not None:
        if query is not None:
            raise ProtocolError("repeated-parameter", "query")
        query = body
    return Operation(query, dataset(params), params.get("format"))
