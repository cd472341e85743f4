"""Cost of the anchored audit chain per audited transaction, beside the unkeyed chain of before (ADR 0003).

Run: .venv/bin/python bench/bench_audit.py [--quick]   (OPENBMIS_DATABASE_URL picks the database; default a
temporary SQLite file). Each row times N transactions of one `audit.record()` each, one at a time, one process:
- baseline: the unkeyed SHA-256 chain with no checkpoint (how events were written before);
- keyed: HMAC under the chain key, no checkpoint;
- keyed + checkpoint: HMAC, and after each commit an Ed25519-signed checkpoint appended (no fsync).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    count = 200 if args.quick else 2000
    work = Path(tempfile.mkdtemp(prefix="bench-audit-"))
    os.environ.setdefault("OPENBMIS_DATABASE_URL", f"sqlite:///{work / 'bench.sqlite3'}")
    os.environ["OPENBMIS_DATA_DIR"] = str(work)
    os.environ["DJANGO_SETTINGS_MODULE"] = "openbmis.server.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from openbmis.audit import services
    from openbmis.audit.chain import SCHEME_HMAC, SCHEME_SHA256

    call_command("migrate", verbosity=0)
    real_checkpoint = services._checkpoint_after_commit

    def run(scheme: int, checkpoint: bool) -> float:
        services.CURRENT_SCHEME = scheme  # type: ignore[misc]
        services._checkpoint_after_commit = real_checkpoint if checkpoint else (lambda seq: None)  # type: ignore[assignment]
        start = time.perf_counter()
        for n in range(count):
            with transaction.atomic():
                services.record(actor="bench", action="bench.write", object_type="bench", object_id=str(n),
                                after={"n": n, "label": f"row {n}"})
        return (time.perf_counter() - start) / count * 1000

    baseline = run(SCHEME_SHA256, False)  # first: unkeyed events after keyed ones would be "downgraded"
    run(SCHEME_HMAC, True)  # warm-up: keys made, caches filled
    rows = [("baseline (unkeyed, no checkpoint)", baseline),
            ("keyed chain", run(SCHEME_HMAC, False)),
            ("keyed chain + signed checkpoint", run(SCHEME_HMAC, True))]
    base = rows[0][1]
    print(f"database: {connection.vendor}; {count} transactions of one audited event each")
    print(f"{'variant':<36}{'ms/transaction':>16}{'vs baseline':>13}")
    for name, ms in rows:
        print(f"{name:<36}{ms:>16.3f}{ms / base:>12.2f}x")
    report = services.verify()
    print(f"audit verify: {'intact' if report.ok else 'BROKEN'}, {report.checked} events, "
          f"anchored at #{report.anchored_seq}")


if __name__ == "__main__":
    main()
