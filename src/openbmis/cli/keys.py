"""Keys subcommand: ``openbmis keys rotate`` and ``openbmis keys reseal`` (the keys that seal secrets at rest)."""

from __future__ import annotations

import argparse
import json

from openbmis.cli.server import setup_django


def cmd_rotate(args: argparse.Namespace) -> int:
    setup_django()
    from openbmis.audit import services as audit
    from openbmis.core import sealing

    kid = sealing.rotate()
    audit.record(actor="cli", action="keys.rotate", object_type="data_key", object_id=kid,
                 after={"key_id": kid, "file": str(sealing.keys_file())})
    print(json.dumps({"current": kid, "file": str(sealing.keys_file()),
                      "next": "openbmis keys reseal, then back up the key file"}))
    return 0


def cmd_reseal(args: argparse.Namespace) -> int:
    setup_django()
    from openbmis.audit import services as audit
    from openbmis.core import sealing

    counts = sealing.reseal_all()
    audit.record(actor="cli", action="keys.reseal", object_type="data_key", object_id="all", after=counts)
    print(json.dumps(counts))
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser("keys", help="the keys that seal secrets at rest (rotate, reseal)")
    sub = parser.add_subparsers(dest="keys_command", metavar="ACTION", required=True)
    p = sub.add_parser("rotate", help="add a new key to the key file and make it current")
    p.set_defaults(handler=cmd_rotate)
    p = sub.add_parser("reseal", help="seal every stored secret again under the current key")
    p.set_defaults(handler=cmd_reseal)
