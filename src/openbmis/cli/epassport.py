"""``openbmis epassport verify``: passive authentication of chip files from the command line.

Exit status: 0 when the document verifies, 1 when verification failed, 2 when the input could not be parsed
(EF.SOD or a data group malformed, a file unreadable, a bad argument).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

from openbmis.epassport import EPassportError, TrustStore, verify


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``epassport verify``."""
    parser = subparsers.add_parser("epassport", help="ePassport chip verification")
    commands = parser.add_subparsers(dest="epassport_command", metavar="COMMAND")
    verify_parser = commands.add_parser("verify", help="passive authentication of EF.SOD and data groups")
    verify_parser.add_argument("--sod", required=True, type=Path, help="EF.SOD file")
    verify_parser.add_argument(
        "--dg", action="append", default=[], metavar="N=FILE", help="data group N read from FILE (repeatable)"
    )
    verify_parser.add_argument(
        "--trust",
        action="append",
        default=[],
        type=Path,
        metavar="DIR_OR_FILE",
        help="CSCA certificates, master lists, CRLs or PKD LDIF files (repeatable)",
    )
    verify_parser.add_argument("--at", help="validation instant, ISO 8601 (default: now; naive = UTC)")
    verify_parser.add_argument("--mrz", help="MRZ read from the data page, compared with DG1")
    verify_parser.add_argument("--relaxed", action="store_true", help="tolerate (and report) format defects")
    verify_parser.add_argument("--json", action="store_true", help="print one JSON object")
    verify_parser.set_defaults(handler=_verify)
    parser.set_defaults(handler=lambda _args: (parser.print_help(), 2)[1])


def _fail(args: argparse.Namespace, errors: list[dict[str, object]]) -> int:
    if args.json:
        print(json.dumps({"valid": False, "steps": [], "data_groups": {}, "signer": None, "errors": errors}))
    else:
        for error in errors:
            print(f"error: {error.get('where', '')}: {error.get('message', '')}", file=sys.stderr)
    return 2


def _verify(args: argparse.Namespace) -> int:
    try:
        at = None
        if args.at:
            at = datetime.fromisoformat(args.at.replace("Z", "+00:00"))
            at = at if at.tzinfo else at.replace(tzinfo=UTC)
        groups: dict[int, bytes] = {}
        for item in args.dg:
            number, sep, name = item.partition("=")
            if not sep or not number.strip().isdigit() or not 1 <= int(number) <= 16:
                raise ValueError(f"--dg expects N=FILE with N in 1..16, got {item!r}")
            groups[int(number)] = Path(name).read_bytes()
        sod = args.sod.read_bytes()
    except (OSError, ValueError) as exc:
        return _fail(args, [{"code": "bad_input", "where": "arguments", "message": str(exc)}])
    store = TrustStore()
    imported = []
    for path in args.trust:
        if not path.exists():
            return _fail(
                args, [{"code": "bad_input", "where": "--trust", "message": f"{path} does not exist"}]
            )
        imported.append(store.add_path(path))
    try:
        result = verify(sod, groups, trust_store=store, at=at, mrz=args.mrz, strict=not args.relaxed)
    except EPassportError as exc:
        return _fail(args, [exc.as_dict()])
    parse_failed = result.step("data_group_content").status == "failed"
    if args.json:
        print(json.dumps(result.to_dict()))
    else:
        for report in imported:
            for rejected in report.rejected:
                print(f"trust store: rejected {rejected.source}: {rejected.reason}", file=sys.stderr)
        print(f"{'VALID' if result.valid else 'NOT VALID'}")
        for step in result.steps:
            print(f"  {step.status:<12} {step.name:<20} {step.detail}")
        for number, check in sorted(result.data_group_checks.items()):
            print(f"  DG{number:<3} {check.status:<13} {check.hash_algorithm}")
        if result.signer:
            print(f"  signer: {result.signer['subject']} (serial {result.signer['serial']})")
    if parse_failed:
        return 2
    return 0 if result.valid else 1
