"""Statistics subcommands: ``openbmis statistics rebuild|refresh|check|report``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from openbmis.cli.server import setup_django


def _bar(total: int, unit: str, quiet: bool) -> Any:
    from tqdm import tqdm

    return tqdm(total=total, unit=unit, file=sys.stderr, disable=quiet or not sys.stderr.isatty())


def cmd_rebuild(args: argparse.Namespace) -> int:
    setup_django()
    from openbmis.statistics import services

    bar = _bar(0, "day", args.quiet)

    def progress(done: int, total: int) -> None:
        bar.total = total
        bar.update(done - bar.n)

    with bar:
        result = services.rebuild("cli", progress=progress)
    print(f"roll-ups rebuilt: {result.days} days of crossings, {result.hits} watchlist hits")
    return 0


def cmd_refresh(args: argparse.Namespace) -> int:
    setup_django()
    from openbmis.statistics import services

    result = services.refresh()
    what = "rebuilt" if result.rebuilt else "refreshed"
    print(f"roll-ups {what}: {result.days} days recomputed, {result.referral_days} days of referrals")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    setup_django()
    from openbmis.statistics import services

    bar = _bar(3, "step", args.quiet)

    def progress(done: int, total: int) -> None:
        bar.update(done - bar.n)

    with bar:
        report = services.check(progress)
    if report.ok:
        print(f"roll-ups consistent: {report.crossings} crossings over {report.days} days equal the roll-up totals")
        return 0
    print(f"roll-ups INCONSISTENT ({len(report.problems)} difference(s); "
          f"{report.crossings} crossings, {report.rolled_up} in the roll-ups):")
    for problem in report.problems[:50]:
        print(f"  - {problem}")
    if len(report.problems) > 50:
        print(f"  ... and {len(report.problems) - 50} more")
    print("Run `openbmis statistics rebuild` to recompute them from the crossings.")
    return 1


def cmd_report(args: argparse.Namespace) -> int:
    setup_django()
    from openbmis.borderposts.models import BorderPost
    from openbmis.core.errors import DomainError
    from openbmis.statistics import reports

    try:
        month = reports.parse_month(args.month)
        post = None
        if args.border_post:
            post = BorderPost.objects.filter(code=args.border_post.upper()).first()
            if post is None:
                print(f"openbmis: unknown border post {args.border_post!r}", file=sys.stderr)
                return 2
        with _bar(1, "report", args.quiet) as bar:
            report = reports.generate_and_store("cli", month, post, suppress=not args.show_small_cells)
            bar.update(1)
    except DomainError as exc:
        print(f"openbmis: {exc.message}", file=sys.stderr)
        return 2
    where = post.code if post else "national"
    output = Path(args.output or f"openbmis-{month:%Y-%m}-{where}.pdf")
    output.write_bytes(bytes(report.pdf))
    print(f"monthly report {month:%Y-%m} ({where}) written to {output} ({len(report.pdf)} bytes); "
          f"also kept for download in the web UI")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser("statistics", help="build and check the statistics roll-ups; monthly reports")
    sub = parser.add_subparsers(dest="statistics_command", metavar="ACTION", required=True)

    p = sub.add_parser("rebuild", help="recompute every roll-up from the raw crossings")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(handler=cmd_rebuild)

    p = sub.add_parser("refresh", help="roll up what was recorded since the last run (what the worker does)")
    p.set_defaults(handler=cmd_refresh)

    p = sub.add_parser("check", help="prove that the roll-up totals equal the raw crossings (exit 1 if not)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(handler=cmd_check)

    p = sub.add_parser("report", help="make the monthly PDF report")
    p.add_argument("--month", required=True, help="YYYY-MM")
    p.add_argument("--border-post", help="one post's report (default: national)")
    p.add_argument("--output", "-o", help="PDF file to write (default openbmis-YYYY-MM-<post|national>.pdf)")
    p.add_argument("--show-small-cells", action="store_true",
                   help="do not suppress small counts (only for readers who may see identities)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(handler=cmd_report)
