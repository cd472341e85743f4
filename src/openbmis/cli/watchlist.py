"""``openbmis watchlist import FILE --list NAME [--commit]``, ``watchlist list``, ``watchlist rescreen``: the stored
watchlists from the command line.

Imports go through the same audited services as the upload page (actor ``cli``): the file is read and compared
with the list's current version, the differences and every bad row are printed, and with ``--commit`` a clean
file becomes the list's next version in one transaction. Exit status: 0 when the file was clean (previewed or
committed), 1 when it was rejected (nothing applied), 2 when it could not be read or the list is unknown.
(``openbmis screening match`` screens files without a database; it belongs to the screening library.)
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import zipfile
from pathlib import Path
from typing import Any

OFAC_FILES = ("sdn.csv", "alt.csv", "add.csv")


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``watchlist import``, ``watchlist list`` and ``watchlist rescreen``."""
    parser = subparsers.add_parser("watchlist", help="the stored watchlists: import versions, list, rescreen")
    commands = parser.add_subparsers(dest="watchlist_command", metavar="ACTION")
    p = commands.add_parser("import", help="import a file as a new version of a list (preview; --commit applies)")
    p.add_argument("file", type=Path, metavar="FILE",
                   help="UN XML, OFAC sdn.csv (alt.csv, add.csv beside it) or its folder, FtM JSON, CSV template, "
                        "or the documents CSV for a documents list")
    p.add_argument("--list", required=True, dest="list_name", metavar="NAME", help="the watchlist's name")
    p.add_argument("--commit", action="store_true", help="apply a clean file as the list's next version")
    p.add_argument("--create", action="store_true", help="create the list when it does not exist")
    p.add_argument("--kind", choices=["persons", "documents"], default="persons", help="with --create")
    p.add_argument("--owner", default="", help="with --create: the agency that maintains the list")
    p.add_argument("--threshold", type=float, default=0.7, help="with --create: the hit threshold")
    p.add_argument("--json", action="store_true", help="print the import as one JSON object")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(handler=cmd_import)
    p = commands.add_parser("list", help="the lists with their version and number of entries")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_list)
    p = commands.add_parser("rescreen", help="screen a version's new and changed entries against travellers in the "
                                             "country and recent crossers (what the background job does)")
    p.add_argument("--list", required=True, dest="list_name", metavar="NAME")
    p.add_argument("--version", type=int, help="default: the list's current version")
    p.add_argument("--days", type=int, help="how far back (default OPENBMIS_RETROACTIVE_SCREENING_DAYS or 30)")
    p.set_defaults(handler=cmd_rescreen)
    parser.set_defaults(handler=lambda _args: (parser.print_help(), 2)[1])


def read_input(path: Path) -> tuple[str, bytes]:
    """The file's name and bytes; the OFAC files (a folder, or sdn.csv with its siblings) travel as one zip."""
    folder = path if path.is_dir() else path.parent
    if path.is_dir() or (path.name.lower() == "sdn.csv" and any((folder / n).is_file() for n in OFAC_FILES[1:])):
        if not (folder / "sdn.csv").is_file():
            raise OSError(f"no sdn.csv in {folder}")
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for name in OFAC_FILES:
                if (folder / name).is_file():
                    archive.write(folder / name, name)
        return "sdn.zip", out.getvalue()
    return path.name, path.read_bytes()


def _summary(record: Any) -> dict[str, Any]:
    return {
        "import_id": str(record.id), "list": record.watchlist.name, "file": record.file_name,
        "format": record.format, "status": record.status, "version": record.version,
        "base_version": record.base_version, "total": record.total, "added": record.added_count,
        "changed": record.changed_count, "removed": record.removed_count, "unchanged": record.unchanged_count,
        "errors": record.errors, "error_count": record.error_count, "warning_count": record.warning_count,
        "diff": record.diff,
    }


def cmd_import(args: argparse.Namespace) -> int:
    from openbmis.cli.server import setup_django

    setup_django()
    from tqdm import tqdm

    from openbmis.core.errors import DomainError
    from openbmis.watchlists import services
    from openbmis.watchlists.models import Watchlist

    try:
        file_name, content = read_input(args.file)
    except OSError as exc:
        print(f"openbmis: {args.file}: {exc}", file=sys.stderr)
        return 2
    watchlist = Watchlist.objects.filter(name=args.list_name).first()
    try:
        if watchlist is None:
            if not args.create:
                print(f"openbmis: no watchlist {args.list_name!r} (add --create --owner AGENCY to make it)",
                      file=sys.stderr)
                return 2
            watchlist = services.create_watchlist("cli", name=args.list_name, kind=args.kind,
                                                  owner=args.owner or "unspecified", threshold=args.threshold)
        bar = tqdm(total=100, unit="%", desc=f"{watchlist.name}: {file_name}", disable=args.quiet or args.json,
                   file=sys.stderr)

        def progress(percent: int, message: str) -> None:
            bar.set_postfix_str(message[:40])
            bar.update(max(0, min(percent, 100) - bar.n))

        try:
            record = services.import_now("cli", watchlist, file_name=file_name, content=content,
                                         commit=args.commit, channel="cli", progress=progress)
        finally:
            bar.close()
    except DomainError as exc:
        print(f"openbmis: {exc.message}", file=sys.stderr)
        return 2
    summary = _summary(record)
    if args.json:
        print(json.dumps(summary, ensure_ascii=False))
    elif record.status == "rejected":
        print(f"{args.file}: rejected, nothing applied: {record.error_count} bad row(s)")
        for error in record.errors:
            print(f"  {error['line']}: {error['reason']}" + (f" [{error['field']}]" if error["field"] else "")
                  + (f" found {error['found']!r}" if error["found"] else ""))
    else:
        state = f"committed as version {record.version}" if record.status == "committed" else \
            f"preview against version {record.base_version} (not applied: add --commit)"
        print(f"{args.file}: {record.format}, {record.total} entries: {record.added_count} added, "
              f"{record.changed_count} changed, {record.removed_count} removed, {record.unchanged_count} "
              f"unchanged; {state}")
        for kind, sign in (("added", "+"), ("changed", "~"), ("removed", "-")):
            for item in record.diff.get(kind, [])[:20]:
                print(f"  {sign} {item['id']}: {item['name']}")
            extra = getattr(record, f"{kind}_count") - len(record.diff.get(kind, [])[:20])
            if extra > 0:
                print(f"  {sign} ... and {extra} more")
    return 1 if record.status == "rejected" else 0


def cmd_list(args: argparse.Namespace) -> int:
    from openbmis.cli.server import setup_django

    setup_django()
    from openbmis.watchlists.models import Watchlist

    rows = []
    for w in Watchlist.objects.all():
        related = w.document_alerts if w.kind == Watchlist.Kind.DOCUMENTS else w.entries
        rows.append({"name": w.name, "kind": w.kind, "owner": w.owner, "version": w.version,
                     "entries": related.filter(version_removed__isnull=True).count(), "threshold": w.threshold,
                     "active": w.active})
    if args.json:
        print(json.dumps(rows))
    else:
        for row in rows:
            print(f"{row['name']:<32} {row['kind']:<9} v{row['version']:<4} {row['entries']:>7} entries  "
                  f"threshold {row['threshold']:.2f}{'' if row['active'] else '  (inactive)'}")
    return 0


def cmd_rescreen(args: argparse.Namespace) -> int:
    from openbmis.cli.server import setup_django

    setup_django()
    from openbmis.core.errors import DomainError
    from openbmis.watchlists import services

    try:
        watchlist = services.get_watchlist(args.list_name)
    except DomainError as exc:
        print(f"openbmis: {exc.message}", file=sys.stderr)
        return 2
    version = args.version or watchlist.version
    made = services.screen_retroactively(watchlist, version, days=args.days)
    print(f"{watchlist.name} version {version}: {len(made)} alert(s)")
    return 0
