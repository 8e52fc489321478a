"""The ``cls-kg publish`` command: push a built version to a remote SPARQL store, or switch back.

Credentials come from ``CLS_KG_STORE_USER`` / ``CLS_KG_STORE_PASSWORD`` (or ``user:password@``
in the URL), never from the command line; ``CLS_KG_STORE_AUTH`` says basic or digest.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from cls_kg.graph.datadir import DataDir
from cls_kg.graph.push import PUSH_TIMEOUT, PushResult, conventional, push, switch_back
from cls_kg.graph.remote import AUTH_SCHEMES, ENGINES, RemoteConfig
from cls_kg.messages import say

ENV = "CLS_KG_"


def remote_config(args: argparse.Namespace) -> RemoteConfig:
    """Where to push: the URLs given, else those beside the query URL by convention."""
    update, graph_store = conventional(args.to)
    return RemoteConfig.from_url(
        args.to,
        update_url=args.update or update,
        graph_store_url=args.graph_store or graph_store,
        user=os.environ.get(ENV + "STORE_USER"),
        password=os.environ.get(ENV + "STORE_PASSWORD"),
        auth=args.auth,
        engine=args.engine,
        timeout=args.timeout,
    )


def version_folder(args: argparse.Namespace) -> Path:
    """The version to push: ``--version``, else the one ``current`` points at."""
    data_dir, version = DataDir(Path(args.data_dir)), str(args.version or "")
    return data_dir.version(version).folder if version else data_dir.current_link.resolve()


def report(result: PushResult, args: argparse.Namespace) -> None:
    """Say what happened."""
    lang, url = args.lang, args.to
    previous = result.previous or say("none", lang)
    if result.unchanged:
        print(say("publish-unchanged", lang, version=result.version, url=url))
    elif args.rollback:
        print(say("rolled-back", lang, version=result.version, previous=previous, url=url))
    else:
        seconds = result.seconds
        print(
            say(
                "published-remote",
                lang,
                version=result.version,
                previous=previous,
                url=url,
                seconds=seconds,
            )
        )
        print(say("publish-graphs", lang, sent=len(result.sent), kept=len(result.kept)))


def cmd_publish(args: argparse.Namespace) -> int:
    """Push a built version to a remote store (or switch back); readers switch at once."""
    config = remote_config(args)
    result = switch_back(config) if args.rollback else push(version_folder(args), config)
    report(result, args)
    return 0


def add_publish_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The ``publish`` subcommand and its options."""
    sub = commands.add_parser("publish", help="load a built version into a remote SPARQL store")
    sub.add_argument("--to", required=True, help="SPARQL query URL of the store")
    sub.add_argument("--update", help="SPARQL Update URL (default: beside --to, or --to)")
    sub.add_argument("--graph-store", help="Graph Store Protocol URL (default: SPARQL Update)")
    sub.add_argument("--rollback", action="store_true", help="serve the previous version again")
    sub.add_argument("--data-dir", type=Path, default=Path(os.environ.get(ENV + "DATA_DIR", "var")))
    sub.add_argument("--version", help="version id under DATA_DIR/versions (default: current)")
    sub.add_argument(
        "--auth", choices=sorted(AUTH_SCHEMES), default=os.environ.get(ENV + "STORE_AUTH", "basic")
    )
    sub.add_argument(
        "--engine",
        choices=["auto", *sorted(ENGINES)],
        default=os.environ.get(ENV + "STORE_ENGINE", "auto"),
        help="how the store speaks (auto: from its Server header)",
    )
    sub.add_argument("--timeout", type=float, default=PUSH_TIMEOUT, help="seconds per request")
    sub.add_argument("--lang", choices=("fr", "en"), default="fr", help="message language")
    sub.set_defaults(handler=cmd_publish)
