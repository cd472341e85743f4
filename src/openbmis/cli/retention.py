"""Retention subcommand: ``openbmis retention purge`` (what the daily retention job does)."""

from __future__ import annotations

import argparse
import json

from openbmis.cli.server import setup_django


def cmd_purge(args: argparse.Namespace) -> int:
    setup_django()
    from openbmis.core import retention

    print(json.dumps(retention.purge(actor="cli")))
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser("retention", help="delete what has been kept past its retention period")
    sub = parser.add_subparsers(dest="retention_command", metavar="ACTION", required=True)
    p = sub.add_parser("purge", help="run every retention rule now; prints the counts deleted")
    p.set_defaults(handler=cmd_purge)
