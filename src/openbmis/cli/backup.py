"""Backup subcommands: ``openbmis backup`` and ``openbmis restore`` (docs/data-protection.md)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from openbmis.cli.server import setup_django


def _print(outcome: object) -> None:
    for line in getattr(outcome, "checks", []):
        print(f"  ok: {line}")
    for line in getattr(outcome, "problems", []):
        print(f"  PROBLEM: {line}")


def cmd_backup(args: argparse.Namespace) -> int:
    setup_django()
    from django.conf import settings

    from openbmis.core.errors import DomainError
    from openbmis.server import backup

    def say(message: str) -> None:
        print(message, file=sys.stderr)

    try:
        if args.check:
            outcome = backup.check(args.check)
        else:
            outcome = backup.create(args.output or settings.CONFIG.data_dir / "backups", progress=say)
    except DomainError as exc:
        print(f"openbmis: {exc.message}", file=sys.stderr)
        return 2
    print(f"backup {outcome.path}: {'verified' if outcome.ok else 'FAILED verification'}")
    _print(outcome)
    return 0 if outcome.ok else 1


def cmd_restore(args: argparse.Namespace) -> int:
    setup_django()
    from openbmis.core.errors import DomainError
    from openbmis.server import backup

    if not args.yes:
        print("openbmis: restore replaces the configured database with the backup; stop the server and the "
              "workers, then run it again with --yes", file=sys.stderr)
        return 2
    try:
        outcome = backup.restore(args.path, progress=lambda message: print(message, file=sys.stderr))
    except DomainError as exc:
        print(f"openbmis: {exc.message}", file=sys.stderr)
        return 2
    print(f"restore from {outcome.path}: {'done and verified' if outcome.ok else 'FAILED'}")
    _print(outcome)
    return 0 if outcome.ok else 1


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser("backup", help="back up the database (consistent while it is in use) and verify it")
    p.add_argument("--output", type=Path, help="directory to put the backup in (default <data dir>/backups)")
    p.add_argument("--check", type=Path, metavar="BACKUP", help="only verify an existing backup directory")
    p.set_defaults(handler=cmd_backup)

    p = subparsers.add_parser("restore", help="replace the database with a backup, then verify it")
    p.add_argument("path", type=Path, help="the backup directory (made by `openbmis backup`)")
    p.add_argument("--yes", action="store_true", help="confirm: the server and workers are stopped")
    p.set_defaults(handler=cmd_restore)
