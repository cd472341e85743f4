"""Benchmark: a busy border post catching up with headquarters after days offline.

Headquarters (PostgreSQL when reachable, else SQLite; the demo posts and users) serves on 127.0.0.1:8106; a node
for AIR-CAP (SQLite) enrols and pulls the reference data. With headquarters unreachable from the node's point of
view (no exchange), the node records N inspections, each admitted (traveller, document, inspection, crossing,
audit events), through the services in one process: that rate is the floor, the same inserts made locally.
Then one `openbmis sync` pushes the whole outbox; headquarters stores, verifies and applies it. Printed:
records per second applied at headquarters beside records per second written locally, and the catch-up time.

Targets (issue 11): catch-up of 20,000 crossings with their inspections and audit events under 5 minutes; apply
rate at least a third of the local floor.

    .venv/bin/python bench/bench_sync.py            # 20,000 crossings (a busy post, 7 days)
    .venv/bin/python bench/bench_sync.py --quick    # 500
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "output" / "sync"
PORT = 8106


def pg_url(name: str) -> str | None:
    try:
        import psycopg

        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True,
                             connect_timeout=3) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        return f"postgres://postgres@127.0.0.1:5432/{name}"
    except Exception:  # noqa: BLE001 - no PostgreSQL: SQLite
        return None


def env_for(name: str, url: str, installation: str) -> dict[str, str]:
    env = {**os.environ, "OPENBMIS_DATA_DIR": str(OUT / name), "OPENBMIS_DATABASE_URL": url,
           "OPENBMIS_INSTALLATION": installation}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    (OUT / name).mkdir(parents=True, exist_ok=True)
    return env


def cli(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "openbmis.cli.main", *args], env=env, capture_output=True,
                          text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"openbmis {' '.join(args)}: {done.stdout}\n{done.stderr[-3000:]}")
    return done.stdout


NODE_SCRIPT = """
import os, time, uuid, django, json
os.environ['DJANGO_SETTINGS_MODULE'] = 'openbmis.server.settings'
django.setup()
from datetime import date
from openbmis import mrz
from openbmis.accounts.models import User
from openbmis.borderposts.models import BorderPost
from openbmis.inspections import services
from openbmis.network.models import OutboxRecord
N = int(os.environ['BENCH_CROSSINGS'])
officer = User.objects.get(username='officer')
post = BorderPost.objects.get(code='AIR-CAP')
before = OutboxRecord.objects.count()
letters = 'ABCDEFGHJKLMNPRSTUVWXYZ'
def name(n):
    out = ''
    for _ in range(5):
        out += letters[n % len(letters)]; n //= len(letters)
    return out
started = time.perf_counter()
for n in range(N):
    text = mrz.make(dict(format='TD3', document_code='P', issuing_state='KEN', document_number=f'B{n:07d}',
                         primary_identifier='BENCH' + name(n), secondary_identifier='TRAVELLER', nationality='KEN',
                         birth_date=date(1970 + n % 40, 1 + n % 12, 1 + n % 28), sex='FM'[n % 2],
                         expiry_date=date(2032, 1, 1), optional_data=''))
    started_inspection = services.start_inspection(officer, border_post=post, client_id=uuid.uuid4(),
                                                   direction='entry', mrz_text=text)
    services.decide(officer, started_inspection.inspection, decision='admit')
seconds = time.perf_counter() - started
print(json.dumps({'crossings': N, 'seconds': seconds, 'records': OutboxRecord.objects.count() - before}))
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--crossings", type=int)
    args = parser.parse_args()
    crossings = args.crossings or (500 if args.quick else 20_000)
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    hq_url = pg_url("openbmis_sync_bench_hq") or f"sqlite:///{OUT / 'hq.sqlite3'}"
    hq = env_for("hq", hq_url, "hq")
    node = env_for("node", f"sqlite:///{OUT / 'node.sqlite3'}", "bcp:AIR-CAP")
    cli(hq, "demo", "--no-serve", "--crossings", "0")
    code = cli(hq, "node", "code", "AIR-CAP").strip()
    log = open(OUT / "hq.log", "ab")  # noqa: SIM115 - the server's log
    server = subprocess.Popen([sys.executable, "-m", "openbmis.cli.main", "serve", "--port", str(PORT)], env=hq,
                              stdout=log, stderr=log)
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", PORT), timeout=1).close()
                break
            except OSError:
                time.sleep(0.3)
        cli(node, "migrate")
        cli(node, "node", "enrol", "--hq", f"http://127.0.0.1:{PORT}", "--code", code)
        cli(node, "sync")
        done = subprocess.run([sys.executable, "-c", NODE_SCRIPT], env={**node, "BENCH_CROSSINGS": str(crossings)},
                              capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise SystemExit(done.stderr[-3000:])
        local = json.loads(done.stdout.strip().splitlines()[-1])
        started = time.perf_counter()
        report = json.loads(cli(node, "sync").strip().splitlines()[-1])
        catch_up = time.perf_counter() - started
    finally:
        server.kill()
        server.wait()
    engine = "PostgreSQL" if hq_url.startswith("postgres") else "SQLite"
    local_rate = local["records"] / local["seconds"]
    apply_rate = report["acked"] / catch_up
    print(f"headquarters on {engine}, node on SQLite; {crossings} crossings admitted at the node offline")
    print(f"{'':<44}{'records':>9}{'seconds':>9}{'records/s':>11}")
    print(f"{'floor: written locally through the services':<44}{local['records']:>9}{local['seconds']:>9.1f}"
          f"{local_rate:>11.0f}")
    print(f"{'catch-up: pushed, verified, applied at HQ':<44}{report['acked']:>9}{catch_up:>9.1f}{apply_rate:>11.0f}")
    print(f"apply rate / local floor: {apply_rate / local_rate:.2f} (target >= 0.33); "
          f"catch-up {catch_up:.0f} s (target < 300 s); sync status {report['status']}")


if __name__ == "__main__":
    main()
