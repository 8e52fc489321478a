"""Markup reflected in pages (XSS): labels, paths, query strings and error messages are text."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from ..support.hostile import alive
from ..support.pages import HTML
from ..support.served import LiveServer

SCRIPT = "<script>alert(1)</script>"
PAYLOADS = [
    SCRIPT,
    '"><img src=x onerror=alert(1)>',
    "'><svg/onload=alert(1)>",
    "javascript:alert(1)",
]
RAW_MARKS = ("<script>alert", "<img src=x", "<svg/onload", 'href="javascript:')


def clean(page: str) -> None:
    """No payload survives as markup."""
    for mark in RAW_MARKS:
        assert mark not in page, page[max(0, page.find(mark) - 200) : page.find(mark) + 200]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_query_strings_are_not_reflected_as_markup(target: LiveServer, payload: str) -> None:
    text = quote(payload)
    paths = [
        f"/sparql?query={text}",
        f"/sparql?query={quote('SELECT ?x { BIND(')}{quote(repr(payload))}{quote(' AS ?x) }')}",
        f"/sparql?query=ASK%7B%7D&format={text}",
        f"/sparql?example={text}",
        f"/?theme={text}&status={text}&kind={text}",
        f"/?lang={text}",
        f"/id/{text}",
        f"/id/contract/{text}.html",
        f"/def/{text}",
        f"/id/territory/x?page={text}&lang={text}",
        f"/{text}",
    ]
    for path in paths:
        status, headers, body = target.request(
            "GET", path, headers={**HTML, "Accept-Language": text}
        )
        assert status < 500, (path, status)
        clean(body.decode("utf-8", "replace"))
        assert payload not in (headers.get("Content-Location") or "")
        assert "<" not in (headers.get("Content-Type") or "")
    alive(target)


@pytest.mark.parametrize(
    "path",
    [
        "/id/territory/markup",
        "/id/contract/markup",
        "/",
        "/sparql?query="
        + quote("SELECT ?l { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l }"),
    ],
)
def test_markup_in_labels_is_shown_as_text(markup_target: LiveServer, path: str) -> None:
    status, _, body = markup_target.request("GET", path, headers=HTML)
    assert status == 200, body[:500]
    page = body.decode()
    clean(page)
    assert "&lt;script&gt;" in page or "\\u003c" in page or "&lt;/script&gt;" in page
    alive(markup_target)


def test_error_messages_in_json_escape_markup(target: LiveServer) -> None:
    status, _, body = target.request(
        "GET", "/sparql?query=" + quote(SCRIPT), headers={"Accept": "application/json"}
    )
    assert status == 400
    assert b"<script>" not in body or body.startswith(b"{")
