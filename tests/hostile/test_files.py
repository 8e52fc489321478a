"""Hostile files handed to ``cls-kg validate``: XML bombs, external entities, remote contexts.

Nothing is fetched, nothing is expanded, each gets a clean "unreadable" answer (exit 2) with
the file named, and no traceback.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from cls_kg.cli import EXIT_UNREADABLE, main

from ..support.listener import Listener

RDF = 'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
BODY = (
    f'<rdf:RDF {RDF}><rdf:Description rdf:about="http://e/x">'
    "<rdf:value>&a;</rdf:value></rdf:Description></rdf:RDF>"
)
XML = '<?xml version="1.0"?>'
LAUGHS = "".join(f'<!ENTITY a{i + 1} "{f"&a{i};" * 10}">' for i in range(9))
#: File name -> content; ``{url}`` stands for the listener (an internal host).
FILES: dict[str, str | bytes] = {
    "billion-laughs.rdf": f'{XML}<!DOCTYPE r [<!ENTITY a0 "lol">{LAUGHS}<!ENTITY a "&a9;">]>{BODY}',
    "external-file.rdf": f'{XML}<!DOCTYPE r [<!ENTITY a SYSTEM "file:///etc/passwd">]>{BODY}',
    "external-http.rdf": f'{XML}<!DOCTYPE r [<!ENTITY a SYSTEM "{{url}}/e">]>{BODY}',
    "parameter-entity.rdf": f'{XML}<!DOCTYPE r [<!ENTITY % p SYSTEM "{{url}}/p"> %p;]>{BODY}',
    "external-dtd.rdf": f'{XML}<!DOCTYPE r SYSTEM "{{url}}/dtd">' + BODY.replace("&a;", "x"),
    "lowercase.rdf": f'{XML}<!doctype r [<!entity a SYSTEM "{{url}}/e">]>{BODY}',
    "quadratic.rdf": f'{XML}<!DOCTYPE r [<!ENTITY a "{"x" * 100_000}">]>'
    + BODY.replace("&a;", "&a;" * 1000),
    "context.jsonld": '{"@context": "{url}/ctx", "@id": "http://e/x"}',
    "context-list.jsonld": '{"@context": [{"x": "http://e/"}, "{url}/ctx"], "@id": "http://e/x"}',
    "nested-context.jsonld": '{"@graph": [{"@context": "{url}/ctx", "@id": "http://e/x"}]}',
    "scoped-context.jsonld": '{"@context": {"p": {"@id": "http://e/p", "@context": "{url}/c"}}, '
    '"p": {"@id": "http://e/y"}}',
    "import.jsonld": '{"@context": {"@version": 1.1, "@import": "{url}/ctx"}, "@id": "http://e/x"}',
    "file-context.jsonld": '{"@context": "file:///etc/passwd", "@id": "http://e/x"}',
    "deep.jsonld": "[" * 100_000 + "]" * 100_000,
    "deep.ttl": "<http://e/x> <http://e/p> " + "(" * 5000 + "1" + ")" * 5000 + " .",
    "invalid-utf8.ttl": b'<http://e/x> <http://e/p> "\xff\xfe" .',
    "utf16.rdf": f'<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE r [<!ENTITY a SYSTEM '
    f'"{{url}}/e">]>{BODY}'.encode("utf-16"),
}
#: Well-formed files that name remote things: validated, nothing fetched.
READABLE = {
    "owl-imports.ttl": "<http://e/o> a <http://www.w3.org/2002/07/owl#Ontology> ; "
    "<http://www.w3.org/2002/07/owl#imports> <{url}/o> .",
}


def write(folder: Path, name: str, content: str | bytes, url: str) -> Path:
    """The hostile file, with the listener's URL filled in."""
    path = folder / name
    if isinstance(content, bytes):
        path.write_bytes(content.replace("{url}".encode("utf-16")[2:], url.encode("utf-16")[2:]))
    else:
        path.write_text(content.replace("{url}", url))
    return path


@pytest.mark.parametrize("name", sorted({**FILES, **READABLE}))
def test_hostile_file_is_unreadable_and_nothing_is_fetched(
    tmp_path: Path, listener: Listener, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    path = write(tmp_path, name, {**FILES, **READABLE}[name], listener.url)
    started = time.monotonic()
    status = main(["validate", str(path), "--lang", "en"])
    out, err = capsys.readouterr()
    time.sleep(0.1)
    assert listener.connections == []
    assert time.monotonic() - started < 30
    assert "Traceback" not in out + err
    assert "root:" not in out + err
    if name not in READABLE:
        assert status == EXIT_UNREADABLE, out + err
        assert name in out + err
