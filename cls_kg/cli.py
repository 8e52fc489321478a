"""The ``cls-kg`` command: build, validate and serve the knowledge graph."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from cls_kg.graph.build import build
from cls_kg.graph.errors import ClsKgError, SourceError, ValidationFailed
from cls_kg.graph.namespaces import DEFAULT_BASE
from cls_kg.graph.validate_files import validate_files
from cls_kg.messages import say

EXIT_OK, EXIT_INVALID, EXIT_UNREADABLE = 0, 1, 2


def data_dir_default() -> Path:
    """Where builds are written: $CLS_KG_DATA_DIR, else ./var."""
    return Path(os.environ.get("CLS_KG_DATA_DIR", "var"))


def base_default() -> str:
    """The data base IRI: $CLS_KG_BASE_URI, else the project's w3id base."""
    return os.environ.get("CLS_KG_BASE_URI", DEFAULT_BASE)


def cmd_build(args: argparse.Namespace) -> int:
    """Build, validate and publish a version; print what was built."""
    try:
        result = build(args.data_dir, base=args.base_uri)
    except ValidationFailed as failure:
        print(failure.report.to_text(args.lang), file=sys.stderr)
        print(say("refused", args.lang), file=sys.stderr)
        return EXIT_INVALID
    reused = say("reused", args.lang) if result.reused else ""
    print(say("built", args.lang, version=result.version, path=result.path, reused=reused))
    print(say("counts", args.lang, **result.counts))
    manifest = result.manifest
    print(say("quads", args.lang, quads=manifest["quads"], graphs=len(manifest["graphs"])))
    print(result.report.to_text(args.lang, down_to="Warning"))
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    """Validate RDF files a publisher hands in; exit 0 conforms, 1 violations, 2 unreadable."""
    try:
        report = validate_files(args.files)
    except SourceError as error:
        print(say("unreadable", args.lang, error=error), file=sys.stderr)
        return EXIT_UNREADABLE
    print(report.to_json(args.lang) if args.format == "json" else report.to_text(args.lang))
    return EXIT_OK if report.conforms else EXIT_INVALID


def cmd_serve(args: argparse.Namespace) -> int:
    """Build if needed, then serve with gunicorn until stopped."""
    status = cmd_build(args)
    if status == EXIT_OK:
        from cls_kg.server.serve import serve  # gunicorn is only needed by this command

        print(say("serving", args.lang, url=f"http://{args.host}:{args.port}/sparql"))
        serve(args.host, args.port, args.data_dir, args.base_uri, args.workers)
    return status


def add_common(parser: argparse.ArgumentParser) -> None:
    """Options every subcommand takes."""
    parser.add_argument("--lang", choices=("fr", "en"), default="fr", help="message language")


def add_build_options(parser: argparse.ArgumentParser) -> None:
    """Options of the commands that build."""
    parser.add_argument("--data-dir", type=Path, default=data_dir_default(), help="output folder")
    parser.add_argument("--base-uri", default=base_default(), help="base IRI of the data")


def add_serve_options(parser: argparse.ArgumentParser) -> None:
    """Where and how wide the server listens."""
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on")
    parser.add_argument("--port", type=int, default=8000, help="TCP port")
    parser.add_argument("--workers", type=int, default=2, help="web worker processes")


def make_parser() -> argparse.ArgumentParser:
    """The argument parser, one subcommand per job."""
    parser = argparse.ArgumentParser(prog="cls-kg", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    table: dict[str, tuple[Callable[[argparse.Namespace], int], str]] = {
        "build": (cmd_build, "parse, validate and publish the graph"),
        "validate": (cmd_validate, "validate RDF files against the shapes"),
        "serve": (cmd_serve, "build if needed and serve"),
    }
    for name, (handler, help_text) in table.items():
        sub = commands.add_parser(name, help=help_text)
        sub.set_defaults(handler=handler)
        add_common(sub)
        if name in ("build", "serve"):
            add_build_options(sub)
    add_serve_options(commands.choices["serve"])
    validate_parser = commands.choices["validate"]
    validate_parser.add_argument("files", nargs="+", type=Path, help="RDF files")
    validate_parser.add_argument("--format", choices=("text", "json"), default="text")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script."""
    args = make_parser().parse_args(argv)
    try:
        status: int = args.handler(args)
    except ClsKgError as error:
        print(say("error", args.lang, error=error), file=sys.stderr)
        return EXIT_UNREADABLE
    return status


if __name__ == "__main__":
    sys.exit(main())
