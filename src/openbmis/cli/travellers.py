"""Traveller subcommand: ``openbmis traveller erase <id> --reason ...`` (the right to erasure, from the console)."""

from __future__ import annotations

import argparse
import json
import sys

from openbmis.cli.server import setup_django


def cmd_erase(args: argparse.Namespace) -> int:
    setup_django()
    from openbmis.core.errors import DomainError
    from openbmis.retention import erasure

    if not args.yes:
        print("openbmis: erasure deletes every record of the traveller for good; add --yes to confirm",
              file=sys.stderr)
        return 2
    try:
        counts = erasure.erase("cli", args.traveller_id, args.reason)
    except DomainError as exc:
        print(f"openbmis: {exc.message}", file=sys.stderr)
        return 2
    print(json.dumps({"erased": counts}))
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser("traveller", help="a traveller's rights: erasure")
    sub = parser.add_subparsers(dest="traveller_command", metavar="ACTION", required=True)
    p = sub.add_parser("erase", help="delete everything held on a traveller (the audit trail keeps pseudonymous "
                                     "references only)")
    p.add_argument("traveller_id", help="the traveller's id")
    p.add_argument("--reason", required=True, help="the request or decision the erasure follows")
    p.add_argument("--yes", action="store_true", help="confirm: the records are deleted for good")
    p.set_defaults(handler=cmd_erase)
