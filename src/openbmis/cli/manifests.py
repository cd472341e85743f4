"""``openbmis manifests``: ingest PAXLST files, watch a drop folder, register carriers and airports."""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from openbmis.cli.server import setup_django


def cmd_ingest(args: argparse.Namespace) -> int:
    setup_django()
    from openbmis.core.errors import DomainError
    from openbmis.manifests import services

    status = 0
    for name in args.files:
        try:
            done = services.ingest("cli", Path(name).read_bytes(), source="cli")
        except (OSError, DomainError) as exc:
            print(json.dumps({"file": name, "error": getattr(exc, "message", str(exc))}))
            status = 2
            continue
        print(json.dumps({"file": name, "duplicate": done.duplicate, "errors": len(done.errors),
                          "manifests": [{"id": str(m.id), "flight": m.flight, "date": str(m.flight_date),
                                         "kind": m.kind, "status": m.status, "persons": m.person_count}
                                        for m in done.manifests]}))
        if done.errors and status == 0:
            status = 1
    return status


def cmd_watch(args: argparse.Namespace) -> int:
    setup_django()
    from openbmis.manifests import services

    folder = Path(args.folder)
    if not folder.is_dir():
        print(f"{folder} is not a folder")
        return 2
    while True:
        run = services.ingest_folder(folder)
        for name in run.accepted:
            print(f"accepted {name}")
        for name in run.rejected:
            print(f"rejected {name} (see rejected/{name}.error.txt)")
        if args.once:
            return 0
        time.sleep(args.interval)


def cmd_carrier(args: argparse.Namespace) -> int:
    setup_django()
    from django.contrib.auth import get_user_model

    from openbmis.manifests import services

    account = get_user_model().objects.filter(username=args.account).first() if args.account else None
    if args.account and account is None:
        print(f"no user {args.account!r}")
        return 2
    carrier = services.register_carrier("cli", code=args.code, name=args.name, account=account)
    print(f"carrier {carrier.code} registered")
    return 0


def cmd_airport(args: argparse.Namespace) -> int:
    setup_django()
    from openbmis.borderposts import services as borderposts
    from openbmis.manifests import services

    airport = services.register_airport("cli", code=args.code, border_post=borderposts.get_post(args.post))
    print(f"airport {airport.code} -> {args.post.upper()}")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser("manifests", help="advance passenger information (PAXLST manifests)")
    sub = parser.add_subparsers(dest="manifests_command", metavar="ACTION", required=True)
    p = sub.add_parser("ingest", help="store, supersede and screen the manifests of PAXLST files")
    p.add_argument("files", nargs="+")
    p.set_defaults(handler=cmd_ingest)
    p = sub.add_parser("watch", help="the drop-folder worker: ingest every file put in FOLDER")
    p.add_argument("folder")
    p.add_argument("--once", action="store_true", help="one pass, then exit")
    p.add_argument("--interval", type=float, default=5.0, help="seconds between passes (default 5)")
    p.set_defaults(handler=cmd_watch)
    p = sub.add_parser("carrier", help="register a carrier (code, name, and the account its tokens belong to)")
    p.add_argument("code")
    p.add_argument("name")
    p.add_argument("--account", help="username of the carrier's own account")
    p.set_defaults(handler=cmd_carrier)
    p = sub.add_parser("airport", help="map an arrival airport code to a border post")
    p.add_argument("code")
    p.add_argument("post", help="border post code")
    p.set_defaults(handler=cmd_airport)
