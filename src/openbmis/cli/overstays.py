"""Overstay subcommands: ``openbmis overstays detect|rebuild|check``."""

from __future__ import annotations

import argparse
import json

from openbmis.cli.server import setup_django


def cmd_detect(args: argparse.Namespace) -> int:
    setup_django()
    from openbmis.permits import services

    report = services.detect_overstays(actor="cli")
    print(json.dumps(report.as_dict()))
    return 0


def cmd_rebuild(args: argparse.Namespace) -> int:
    setup_django()
    import time

    from openbmis.permits import services

    started = time.perf_counter()
    rows = services.rebuild_presence("cli")
    print(f"presence rebuilt from the crossings: {rows} travellers in {time.perf_counter() - started:.1f} s")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    setup_django()
    from openbmis.permits import presence

    missing, extra = presence.differences()
    if missing == 0 and extra == 0:
        print("presence consistent: every traveller's latest admitted crossing is as the crossings say")
        return 0
    print(f"presence INCONSISTENT: {missing} traveller(s) differ from the crossings, {extra} row(s) in excess. "
          "Run `openbmis overstays rebuild` to recompute it from the crossings.")
    return 1


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser("overstays", help="overstay detection and the presence table it reads")
    sub = parser.add_subparsers(dest="overstays_command", metavar="ACTION", required=True)
    p = sub.add_parser("detect", help="run the overstay detection now (what the daily job does)")
    p.set_defaults(handler=cmd_detect)
    p = sub.add_parser("rebuild", help="recompute where every traveller is from the crossings")
    p.set_defaults(handler=cmd_rebuild)
    p = sub.add_parser("check", help="compare the presence table with the crossings (exit 1 if they differ)")
    p.set_defaults(handler=cmd_check)
