"""Benchmark: the whole primary-inspection API call under concurrent load, beside the framework's floor.

For each database (SQLite file, and PostgreSQL when reachable) it prepares a database holding the
demo posts and users plus N synthetic crossings of M travellers (kept between runs), starts the real
server (`openbmis serve`, waitress, 8 threads; `--processes N` for N of them) in its own process, and
drives it from C concurrent client threads over loopback:

* floor: `GET /api/me` with a bearer token: authentication, one small query, JSON: what every API
  call pays before it does anything;
* inspection: `POST /api/inspections` with an MRZ (parse, identity resolution, every check, history,
  record, audit), half of the travellers already known, half new.

It prints p50/p95 latency and throughput for both, and the ratio. Targets (issue 6): p95 <= 150 ms and
within 5x the floor on PostgreSQL, with 1,000,000 crossings and 200,000 travellers.

    .venv/bin/python bench/bench_inspection.py                 # 1,000,000 crossings, 200,000 travellers
    .venv/bin/python bench/bench_inspection.py --quick         # 50,000 / 15,000, fewer requests
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "output"
PG_URL = "postgres://postgres@127.0.0.1:5432/openbmis_bench"


def run_django(env: dict[str, str], code: str) -> str:
    script = "import os, django; os.environ['DJANGO_SETTINGS_MODULE']='openbmis.server.settings'; django.setup()\n" + code
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(result.stderr[-3000:])
    return result.stdout


def prepare(env: dict[str, str], crossings: int, travellers: int) -> str:
    """Migrate, load posts and users, generate the traffic once; print a token for the officer."""
    code = f"""
from django.core.management import call_command
call_command('migrate', interactive=False, verbosity=0)
from openbmis.server.bootstrap import ensure_installation
ensure_installation()
from openbmis.demo import seed, crossings
from openbmis.inspections.models import Crossing
seed.load(crossings=0)
have = Crossing.objects.count()
if have < {crossings} * 0.9:
    import time; t = time.time()
    made = crossings.generate({crossings} - have, travellers={travellers}, seed=4242)
    print('generated', made.crossings, 'crossings of', made.travellers, 'travellers in', round(time.time() - t), 's',
          file=__import__('sys').stderr)
from openbmis.accounts import services
from openbmis.accounts.models import User
from openbmis.accounts.roles import SCOPES
_, secret = services.create_token('bench', User.objects.get(username='officer'), name='bench', scopes=sorted(SCOPES))
print(secret)
"""
    return run_django(env, code).strip().splitlines()[-1]


def known_documents(env: dict[str, str], count: int) -> list[dict[str, object]]:
    code = f"""
import json
from openbmis.travellers.models import TravelDocument
rows = TravelDocument.objects.select_related('traveller').order_by('?')[:{count}]
print(json.dumps([dict(number=d.number, state=d.issuing_state, surname=d.traveller.primary_identifier,
                       given=d.traveller.secondary_identifier, birth=d.traveller.birth_date.isoformat(),
                       sex=d.traveller.sex) for d in rows]))
"""
    return json.loads(run_django(env, code).strip().splitlines()[-1])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(env: dict[str, str], port: int, processes: int = 1) -> subprocess.Popen[bytes]:
    extra = ["--processes", str(processes)] if processes > 1 else []
    server = subprocess.Popen([sys.executable, "-m", "openbmis.cli.main", "serve", "--port", str(port),
                               "--threads", "8", *extra], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("server did not start")


def drive(port: int, clients: int, per_client: int, make_request) -> tuple[list[float], float, int]:
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def worker(index: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for n in range(per_client):
            method, path, body, headers = make_request(index, n)
            started = time.perf_counter()
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                if response.status >= 300:
                    errors[0] += 1
        connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, time.perf_counter() - started, errors[0]


def cpu_seconds(pids: list[int]) -> float:
    """User plus system CPU time of these processes (Linux /proc; 0 where it cannot be read)."""
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / tick


def child_pids(parent: int) -> list[int]:
    try:
        return [int(pid) for pid in Path(f"/proc/{parent}/task/{parent}/children").read_text().split()]
    except OSError:
        return []


def postgres_pids() -> list[int]:
    """The PostgreSQL server's processes on this machine (its backends do the queries' work)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() in {"postgres", "postmaster"}:
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1]


def mrz_for(doc: dict[str, object], rng: random.Random) -> str:
    from openbmis import mrz

    return mrz.make({"format": "TD3", "document_code": "P", "issuing_state": doc["state"],
                     "document_number": doc["number"], "primary_identifier": doc["surname"],
                     "secondary_identifier": doc["given"], "nationality": doc["state"],
                     "birth_date": date.fromisoformat(str(doc["birth"])), "sex": doc["sex"],
                     "expiry_date": date(2032, 1, 1), "optional_data": ""})


def bench_database(label: str, url: str, args: argparse.Namespace) -> dict[str, object]:
    env = {**os.environ, "OPENBMIS_DATABASE_URL": url, "OPENBMIS_DATA_DIR": str(OUT / "data")}
    print(f"\n== {label}: preparing {args.crossings:,} crossings / {args.travellers:,} travellers", flush=True)
    token = prepare(env, args.crossings, args.travellers)
    known = known_documents(env, 400)
    rng = random.Random(7)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    port = free_port()
    server = start_server(env, port, args.processes)
    try:
        floor = lambda i, n: ("GET", "/api/me", None, headers)  # noqa: E731
        drive(port, args.clients, 5, floor)  # warm-up
        floor_lat, floor_time, floor_err = drive(port, args.clients, args.requests, floor)

        def inspection(i: int, n: int):
            if rng.random() < 0.5 and known:
                doc = rng.choice(known)
            else:
                doc = {"number": f"N{rng.randint(0, 99_999_999):08d}", "state": "KEN", "surname": "BENCHMARK",
                       "given": rng.choice(["ALPHA", "BETA", "GAMMA", "DELTA"]),
                       "birth": f"19{rng.randint(50, 99)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
                       "sex": rng.choice("MF")}
            body = json.dumps({"border_post": "AIR-CAP", "direction": rng.choice(["entry", "exit"]),
                               "client_id": str(uuid.uuid4()), "mrz": mrz_for(doc, rng)})
            return "POST", "/api/inspections", body, headers

        drive(port, args.clients, 3, inspection)  # warm-up
        # CPU spent per inspection by the server process and by PostgreSQL: steadier than latency on a shared
        # machine, and what the latency is made of once the cores are busy
        database_pids = postgres_pids() if url.startswith("postgres") else []
        server_pids = [server.pid, *child_pids(server.pid)]  # the processes of --processes N are its children
        cpu_before = cpu_seconds(server_pids), cpu_seconds(database_pids)
        insp_lat, insp_time, insp_err = drive(port, args.clients, args.requests, inspection)
        server_cpu = (cpu_seconds(server_pids) - cpu_before[0]) * 1000 / len(insp_lat)
        database_cpu = (cpu_seconds(database_pids) - cpu_before[1]) * 1000 / len(insp_lat)
    finally:
        server.terminate()
        server.wait(timeout=20)
    row = {
        "database": label,
        "floor_p50": pct(floor_lat, 50), "floor_p95": pct(floor_lat, 95),
        "floor_rps": len(floor_lat) / floor_time, "floor_errors": floor_err,
        "insp_p50": pct(insp_lat, 50), "insp_p95": pct(insp_lat, 95),
        "insp_rps": len(insp_lat) / insp_time, "insp_errors": insp_err,
        "server_cpu": server_cpu, "database_cpu": database_cpu,
    }
    print(f"  floor  GET /api/me          p50 {row['floor_p50']:7.1f} ms  p95 {row['floor_p95']:7.1f} ms  "
          f"{row['floor_rps']:6.1f} req/s  errors {floor_err}")
    print(f"  inspection POST            p50 {row['insp_p50']:7.1f} ms  p95 {row['insp_p95']:7.1f} ms  "
          f"{row['insp_rps']:6.1f} req/s  errors {insp_err}")
    print(f"  CPU per inspection: server {server_cpu:.1f} ms, PostgreSQL {database_cpu:.1f} ms")
    print(f"  p95 ratio inspection/floor: {row['insp_p95'] / row['floor_p95']:.1f}x   (target p95 <= 150 ms, <= 5x)")
    return row


def pg_available() -> bool:
    try:
        import psycopg

        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True,
                             connect_timeout=3) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = 'openbmis_bench'").fetchone()
            if not exists:
                conn.execute("CREATE DATABASE openbmis_bench")
        return True
    except Exception:  # noqa: BLE001 - no server: the SQLite figures stand alone
        return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--crossings", type=int)
    parser.add_argument("--travellers", type=int)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, help="requests per client per endpoint")
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--processes", type=int, default=1, help="server processes (openbmis serve --processes)")
    args = parser.parse_args()
    args.crossings = args.crossings or (50_000 if args.quick else 1_000_000)
    args.travellers = args.travellers or (15_000 if args.quick else 200_000)
    args.requests = args.requests or (15 if args.quick else 60)
    OUT.mkdir(parents=True, exist_ok=True)
    print(f"clients {args.clients}, {args.requests} requests per client per endpoint, server processes "
          f"{args.processes} of 8 threads, machine: {os.cpu_count()} cores (server and clients share them)")
    rows = []
    if args.database in ("sqlite", "both"):
        rows.append(bench_database("SQLite", f"sqlite:///{OUT / f'inspection-{args.crossings}.sqlite3'}", args))
    if args.database in ("postgres", "both"):
        if pg_available():
            rows.append(bench_database("PostgreSQL", PG_URL, args))
        else:
            print("\nPostgreSQL not reachable at 127.0.0.1:5432: skipped")
    print("\n| database | floor p50 | floor p95 | inspection p50 | inspection p95 | p95 ratio | inspections/s "
          "| CPU/inspection server + database |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['database']} | {r['floor_p50']:.1f} ms | {r['floor_p95']:.1f} ms | {r['insp_p50']:.1f} ms | "
              f"{r['insp_p95']:.1f} ms | {r['insp_p95'] / r['floor_p95']:.1f}x | {r['insp_rps']:.1f} "
              f"| {r['server_cpu']:.1f} + {r['database_cpu']:.1f} ms |")


if __name__ == "__main__":
    main()
