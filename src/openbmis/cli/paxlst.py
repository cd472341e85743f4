"""``openbmis paxlst``: read UN/EDIFACT PAXLST manifests from the command line (no database needed)."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime

from openbmis.paxlst import PaxlstError, parse, write_cusres


def _read(source: str) -> bytes:
    if source == "-":
        return sys.stdin.buffer.read()
    with open(source, "rb") as handle:
        return handle.read()


def cmd_parse(args: argparse.Namespace) -> int:
    """Exit 0 when valid, 1 when read with errors, 2 when it could not be read at all."""
    try:
        data = _read(args.file)
    except OSError as error:
        out = {"messages": [], "errors": [{"segment": None, "tag": None, "element": None,
                                           "message": f"cannot read {args.file}: {error.strerror}",
                                           "code": "io"}]}
        print(json.dumps(out) if args.json else out["errors"][0]["message"], file=sys.stdout if args.json else sys.stderr)
        return 2
    try:
        result = parse(data)
    except PaxlstError as error:
        if args.json:
            print(json.dumps({"messages": [], "errors": [error.to_dict()]}, ensure_ascii=False, indent=2))
        else:
            print(f"unreadable: {error.message}", file=sys.stderr)
        return 2
    if args.cusres:
        print(write_cusres(result, sender=args.cusres, reference="1", prepared=datetime.now(UTC)))
    elif args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        for message in result.messages:
            legs = ", ".join(f"{leg.origin or '?'}-{leg.destination or '?'}" for leg in message.legs)
            print(f"{message.reference}: {message.kind} {message.flight} ({legs}) {len(message.persons)} persons,"
                  f" {message.function}")
        for issue in result.errors:
            print(f"segment {issue.segment} {issue.tag} element {issue.element}: {issue.message}")
    return 0 if result.valid else 1


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser("paxlst", help="read UN/EDIFACT PAXLST passenger and crew manifests")
    sub = parser.add_subparsers(dest="paxlst_command", metavar="ACTION", required=True)
    p = sub.add_parser("parse", help="read a PAXLST interchange; exit 0 valid, 1 with errors, 2 unreadable")
    p.add_argument("file", help="the interchange file, or - for standard input")
    p.add_argument("--json", action="store_true", help="print one JSON object {messages, errors}")
    p.add_argument("--cusres", metavar="SENDER", help="print the CUSRES acknowledgement instead, sent as SENDER")
    p.set_defaults(handler=cmd_parse)
