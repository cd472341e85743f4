"""``openbmis screening match``: batch screening of a CSV of queries against watchlist files.

Watchlists may be UN SC XML, OFAC SDN (sdn.csv with alt.csv/add.csv beside it, or their folder),
FollowTheMoney JSON, or the OpenBMIS CSV template; the format is detected from the file. Queries are CSV
with columns ``id,name,birth_date,nationality,sex`` (only id and name required; ``document`` and
``entity_type`` are also read when present). Output: JSON lines, one per query, on stdout or ``--output``.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path
from typing import IO

from openbmis.screening import (
    Identifier,
    IndexBuilder,
    Query,
    QueryError,
    ScoringConfig,
    ScreeningError,
    load_watchlist,
    parse_date,
)


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser("screening", help="watchlist screening")
    sub = parser.add_subparsers(dest="screening_command", metavar="ACTION")
    match = sub.add_parser("match", help="screen a CSV of queries against watchlist files, JSON lines out")
    match.add_argument("--watchlist", action="append", required=True, type=Path, metavar="FILE",
                       help="watchlist file or OFAC folder (repeatable)")  # fmt: skip
    match.add_argument("--queries", required=True, type=Path, metavar="FILE.csv")
    match.add_argument("--threshold", type=float, default=None, help="hit threshold (default 0.7)")
    match.add_argument("--limit", type=int, default=10, help="most hits per query (default 10)")
    match.add_argument("--output", type=Path, default=None, help="write JSON lines here instead of stdout")
    match.set_defaults(handler=_match)
    parser.set_defaults(handler=lambda args: parser.print_help() or 2)


def _query(row: dict[str, str]) -> Query:
    dob = (row.get("birth_date") or "").strip()
    nat = (row.get("nationality") or "").strip()
    doc = (row.get("document") or "").strip()
    ids: tuple[Identifier, ...] = ()
    if doc:
        parts = doc.split(":")
        ids = (Identifier(parts[0] if len(parts) > 1 else "document", parts[-2] if len(parts) == 3 else parts[-1],
                          parts[-1] if len(parts) == 3 else ""),)  # fmt: skip
    return Query(
        name=(row.get("name") or "").strip(),
        birth_dates=(parse_date(dob, lenient=True),) if dob else (),
        countries=(nat,) if nat else (),
        sex=(row.get("sex") or "").strip(),
        identifiers=ids,
        entity_type=(row.get("entity_type") or "unknown").strip() or "unknown",
    )


def _match(args: argparse.Namespace) -> int:
    if args.threshold is not None and not 0.0 <= args.threshold <= 1.0:
        print("error: --threshold must be between 0 and 1", file=sys.stderr)
        return 2
    config = ScoringConfig() if args.threshold is None else ScoringConfig(threshold=args.threshold)
    builder = IndexBuilder(config)
    for path in args.watchlist:
        try:
            result = load_watchlist(path)
        except (ScreeningError, OSError) as exc:
            print(f"error: {path}: {exc}", file=sys.stderr)
            return 2
        for err in result.errors:
            print(f"warning: {path}: rejected {err}", file=sys.stderr)
        print(f"{path}: {result.summary()}", file=sys.stderr)
        try:
            builder.add_all(result.entries)
        except ValueError as exc:
            print(f"error: {path}: {exc}", file=sys.stderr)
            return 2
    index = builder.build()
    out: IO[str] = args.output.open("w", encoding="utf-8") if args.output else sys.stdout
    status = 0
    try:
        with args.queries.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            if not reader.fieldnames or not {"id", "name"} <= set(reader.fieldnames):
                print("error: queries CSV needs columns id,name", file=sys.stderr)
                return 2
            for row in reader:
                qid = (row.get("id") or "").strip()
                try:
                    hits = index.search(_query(row), threshold=args.threshold, limit=args.limit)
                except QueryError as exc:
                    print(f"warning: {args.queries.name}:{reader.line_num}: {exc}", file=sys.stderr)
                    out.write(
                        json.dumps({"id": qid, "hits": [], "error": str(exc)}, ensure_ascii=False) + "\n"
                    )
                    status = 1
                    continue
                line = {"id": qid, "hits": [h.as_dict() for h in hits]}
                out.write(json.dumps(line, ensure_ascii=False) + "\n")
    finally:
        if args.output:
            out.close()
    return status
