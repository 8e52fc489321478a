"""Checks every page passes: well-formed HTML5 with one title and a language, data escaped,
safe JSON-LD; RDF that parses, the same graph in every format."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import html5lib
from rdflib import Graph
from rdflib.compare import isomorphic

#: Media type -> rdflib parser name.
RDF_PARSERS = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
}
ALLOWED_SCRIPTS = ("application/ld+json",)


class Outline(HTMLParser):
    """What the checks need from a page: titles, the html lang, scripts, links."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.titles = 0  # the document's <title>s (an inline SVG's titles are its own)
        self.svg_depth = 0
        self.lang: str | None = None
        self.scripts: list[dict[str, str | None]] = []
        self.script_texts: list[str] = []
        self.links: list[str] = []
        self.in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Count titles, keep the lang, scripts and hrefs."""
        found = dict(attrs)
        if tag == "svg":
            self.svg_depth += 1
        if tag == "title" and not self.svg_depth:
            self.titles += 1
        elif tag == "html":
            self.lang = found.get("lang")
        elif tag == "script":
            self.scripts.append(found)
            self.in_script = True
            self.script_texts.append("")
        elif tag == "a" and found.get("href"):
            self.links.append(found["href"] or "")

    def handle_endtag(self, tag: str) -> None:
        """A script or an inline SVG ends."""
        if tag == "script":
            self.in_script = False
        elif tag == "svg":
            self.svg_depth -= 1

    def handle_data(self, data: str) -> None:
        """Keep the text of scripts."""
        if self.in_script:
            self.script_texts[-1] += data


def check_html(text: str) -> Outline:
    """Fail unless ``text`` is a sound page; return its outline (links ...)."""
    html5lib.HTMLParser(strict=True).parse(text)  # raises on any HTML5 parse error
    outline = Outline()
    outline.feed(text)
    assert outline.titles == 1, "one <title>"
    assert outline.lang in ("fr", "en"), "<html lang>"
    for attrs, body in zip(outline.scripts, outline.script_texts, strict=True):
        if attrs.get("src"):
            assert not body.strip()
            continue
        assert attrs.get("type") in ALLOWED_SCRIPTS, f"inline script {attrs}"
        document = json.loads(body)
        assert document["@context"] == "https://schema.org"
    return outline


def parse_rdf(body: bytes, media_type: str, base: str = "http://localhost/") -> Graph:
    """A response body as an rdflib graph."""
    return Graph().parse(data=body, format=RDF_PARSERS[media_type], publicID=base)


def same_graph(graphs: list[Graph]) -> bool:
    """Whether every graph is isomorphic to the first."""
    return all(isomorphic(graphs[0], other) for other in graphs[1:])


#: Elements without an end tag: they open no scope of language.
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class Languages(HTMLParser):
    """The language each text of a page is in: the ``lang`` of its nearest element saying one."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str | None] = []
        self.texts: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:
            return
        inherited = self.stack[-1] if self.stack else None
        self.stack.append(dict(attrs).get("lang") or inherited)

    def handle_endtag(self, tag: str) -> None:
        if tag not in VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if data.strip():
            self.texts.append((data.strip(), self.stack[-1] if self.stack else None))


def languages_of(page: str, text: str) -> set[str | None]:
    """The languages a page says ``text`` is in, wherever it shows it."""
    parser = Languages()
    parser.feed(page)
    return {lang for shown, lang in parser.texts if shown == text}
