"""The request reader of the gunicorn worker (``httpworker.py``): framing of heads and chunked
bodies, table-driven. The worker itself is tested over HTTP in ``tests/hostile``."""

from __future__ import annotations

import pytest

from cls_kg.server.wsgi.httpworker import ChunkedEnd, Head, Limits, canned

#: Head -> (Content-Length, chunked, expects 100-continue, framing the loop understands).
HEADS = {
    b"GET / HTTP/1.1\r\nHost: x": (None, False, False, True),
    b"POST / HTTP/1.1\r\nContent-Length: 12": (12, False, False, True),
    b"POST / HTTP/1.1\r\ncontent-length:7\r\nExpect: 100-Continue": (7, False, True, True),
    b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked": (None, True, False, True),
    b"POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked": (None, True, False, True),
    b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked, gzip": (None, False, False, False),
    b"POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4": (None, False, False, False),
    b"POST / HTTP/1.1\r\nContent-Length: -3": (None, False, False, False),
    b"POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked": (
        None,
        True,
        False,
        False,
    ),
}


@pytest.mark.parametrize("head", HEADS)
def test_head_framing(head: bytes) -> None:
    found = Head.parse(head)
    expected = HEADS[head]
    assert found.valid == expected[3]
    if found.valid:
        assert (found.length, found.chunked, found.expects_continue) == expected[:3]


#: Chunked body (after the head) -> where it ends (None: not yet complete).
CHUNKED = {
    b"0\r\n\r\n": 5,
    b"5\r\nhello\r\n0\r\n\r\nGET": 15,
    b"5;ext=1\r\nhello\r\n0\r\nTrailer: x\r\n\r\n": 33,
    b"5\r\nhel": None,
    b"5\r\nhello\r\n0\r\n": None,
    b"": None,
}


@pytest.mark.parametrize("body", CHUNKED)
def test_chunked_end(body: bytes) -> None:
    assert ChunkedEnd(0).feed(bytearray(body)) == CHUNKED[body]


def test_chunked_end_as_bytes_arrive() -> None:
    body, scanner, data = b"3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n", ChunkedEnd(0), bytearray()
    ends = []
    for byte in body:
        data.append(byte)
        ends.append(scanner.feed(data))
    assert ends[:-1] == [None] * (len(body) - 1) and ends[-1] == len(body)


def test_malformed_chunk_size() -> None:
    with pytest.raises(ValueError):
        ChunkedEnd(0).feed(bytearray(b"zz\r\n"))


def test_limits_from_settings() -> None:
    settings = {"HEADER_TIMEOUT": 2.0, "BODY_TIMEOUT": 3.0, "MAX_BODY_BYTES": 10}
    assert Limits.of(settings) == Limits(2.0, 3.0, 10)
    admin = settings | {"ADMIN_TOKEN": "t", "ADMIN_MAX_UPLOAD_BYTES": 99}
    assert Limits.of(admin).body_bytes == 99  # uploads are read by the loop too


def test_canned_answer_is_complete_and_bilingual() -> None:
    answer = canned("408 Request Timeout", "http-408", "30")
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 408") and b"Connection: close" in head
    assert f"Content-Length: {len(body)}".encode() in head
    assert "Corps de requête".encode() in body and b"Request body" in body
