"""Retention subcommand: ``openbmis retention purge [--dry-run]`` (what the daily retention job does)."""

from __future__ import annotations

import argparse
import json

from openbmis.cli.server import setup_django


def cmd_purge(args: argparse.Namespace) -> int:
    setup_django()
    from openbmis.core import retention

    if args.dry_run:
        rows = [entry.as_dict() for entry in retention.report()]
        if args.json:
            print(json.dumps({"dry_run": True, "rules": rows}))
            return 0
        print("dry run: nothing is deleted")
        print(f"{'rule':<12} {'days':>6}  {'what':<24} {'count':>9}  oldest")
        for entry in rows:
            days = entry["days"] if entry["days"] is not None else "-"
            if not entry["rows"]:
                print(f"{entry['rule']:<12} {days:>6}  {'(enforced by ' + entry['enforced_by'] + ')':<24}")
            for row in entry["rows"]:
                print(f"{entry['rule']:<12} {days:>6}  {row['what']:<24} {row['count']:>9}  {row['oldest'] or '-'}")
        return 0
    print(json.dumps(retention.purge(actor="cli")))
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser("retention", help="delete what has been kept past its retention period")
    sub = parser.add_subparsers(dest="retention_command", metavar="ACTION", required=True)
    p = sub.add_parser("purge", help="run every retention rule now; prints the counts deleted")
    p.add_argument("--dry-run", action="store_true",
                   help="delete nothing: print per record type what would be deleted (count, oldest date)")
    p.add_argument("--json", action="store_true", help="with --dry-run: print the report as JSON")
    p.set_defaults(handler=cmd_purge)
