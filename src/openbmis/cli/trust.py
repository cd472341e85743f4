"""``openbmis trust import FILE...`` and ``openbmis trust list``: the stored trust store from the command line.

Imports go through the same audited service as the web page (actor ``cli``); each file's report lists what was
added and what was rejected, with the reason.  Exit status: 0 when nothing was rejected, 1 when something was,
2 when a file could not be read.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``trust import`` and ``trust list``."""
    parser = subparsers.add_parser("trust", help="the ePassport trust store (CSCAs, DSCs, CRLs, master lists)")
    commands = parser.add_subparsers(dest="trust_command", metavar="ACTION")
    p = commands.add_parser("import", help="import CSCA/DSC certificates, CRLs, master lists or PKD LDIF files")
    p.add_argument("files", nargs="+", type=Path, metavar="FILE")
    p.add_argument("--json", action="store_true", help="print one JSON object per file")
    p.add_argument("--pin-signers", action="store_true",
                   help="trust document signer certificates that are not CAs on their own (risk: they are then "
                        "not checked against their country's CSCA)")
    p.set_defaults(handler=cmd_import)
    p = commands.add_parser("list", help="list the entries")
    p.add_argument("--status", choices=["active", "expired", "removed"], help="only entries with this status")
    p.add_argument("--kind", help="only this kind (csca, link, pinned_dsc, dsc, crl, master_list)")
    p.add_argument("--json", action="store_true", help="print a JSON array")
    p.set_defaults(handler=cmd_list)
    parser.set_defaults(handler=lambda _args: (parser.print_help(), 2)[1])


def cmd_import(args: argparse.Namespace) -> int:
    from openbmis.cli.server import setup_django

    setup_django()
    from openbmis.core.errors import DomainError
    from openbmis.trust import services

    status = 0
    for path in args.files:
        try:
            data = path.read_bytes()
            record = services.import_file("cli", file_name=path.name, data=data, channel="cli",
                                          pin_signers=args.pin_signers)
        except (OSError, DomainError) as exc:
            message = exc.message if isinstance(exc, DomainError) else str(exc)
            print(f"openbmis: {path}: {message}", file=sys.stderr)
            status = 2
            continue
        if record.rejected_count and status == 0:
            status = 1
        if args.json:
            print(json.dumps({"file": str(path), "import_id": str(record.id), **record.report}))
            continue
        print(f"{path}: {record.added_count} added, {record.rejected_count} rejected")
        for item in record.report["added"]:
            print(f"  + {item['kind']:<11} {item['subject']}  serial {item['serial'] or '-'}"
                  + (f"  ({item['note']})" if item["note"] else ""))
        for item in record.report["rejected"]:
            print(f"  - {item['source']}: {item['reason']}" + (f" [{item['subject']}]" if item["subject"] else ""))
    return status


def cmd_list(args: argparse.Namespace) -> int:
    from openbmis.cli.server import setup_django

    setup_django()
    from openbmis.trust.models import TrustEntry

    entries = TrustEntry.objects.defer("der")
    if args.status:
        entries = entries.filter(status=args.status)
    if args.kind:
        entries = entries.filter(kind=args.kind)
    rows: list[dict[str, str]] = [
        {
            "id": str(e.id), "kind": e.kind, "status": e.status, "country": e.country, "subject": e.subject,
            "serial": e.serial, "not_before": e.not_before.isoformat() if e.not_before else "",
            "not_after": e.not_after.isoformat() if e.not_after else "", "fingerprint": e.fingerprint,
        }
        for e in entries
    ]
    if args.json:
        print(json.dumps(rows))
        return 0
    for row in rows:
        until = row["not_after"][:10] or "-"
        print(f"{row['country'] or '--':<3} {row['kind']:<11} {row['status']:<7} until {until:<10} "
              f"{row['fingerprint'][:16]}  {row['subject']}")
    print(f"{len(rows)} entr{'y' if len(rows) == 1 else 'ies'}")
    return 0
