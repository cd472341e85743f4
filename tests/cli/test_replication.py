"""PostgreSQL streaming replication (issue 14, docs/data-protection.md): a throwaway primary and a standby
made with ``pg_basebackup -R``; the application writes through its services on the primary, the primary
is stopped, the standby promoted, and the application, configured with both hosts and
``target_session_attrs=read-write``, reconnects to the promoted standby and finds every acknowledged write.

Runs its own two servers as the ``postgres`` user (initdb refuses root) on loopback addresses of its own;
skipped with the reason where the PostgreSQL 15 server binaries or that user are absent."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("replication")]

BIN = Path("/usr/lib/postgresql/15/bin")
PRIMARY, STANDBY = "127.0.0.2", "127.0.0.3"  # one port on two loopback addresses: one URL names both

WRITE = r"""
import os, sys
os.environ["DJANGO_SETTINGS_MODULE"] = "openbmis.server.settings"
import django
django.setup()
from openbmis.borderposts import services
for code in sys.argv[1:]:
    services.create_border_post("replication-test", code=code, name=code, kind="land", country="UTO",
                                time_zone="UTC")
    print(code, flush=True)  # acknowledged: the service returned, its transaction committed
"""

READ = r"""
import os
os.environ["DJANGO_SETTINGS_MODULE"] = "openbmis.server.settings"
import django
django.setup()
from django.db import connection
from openbmis.borderposts.models import BorderPost
with connection.cursor() as cursor:
    cursor.execute("SELECT host(inet_server_addr()), pg_is_in_recovery()")
    print("server", *cursor.fetchone())
for code in BorderPost.objects.order_by("code").values_list("code", flat=True):
    print("post", code)
"""


def _free_port() -> int:
    """A port free on both loopback addresses."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind((PRIMARY, 0))
            port = int(probe.getsockname()[1])
            with socket.socket() as other:
                try:
                    other.bind((STANDBY, port))
                except OSError:
                    continue
            return port
    raise RuntimeError("no port free on both loopback addresses")


@pytest.fixture
def cluster():
    if not (BIN / "initdb").exists() or not (BIN / "pg_basebackup").exists():
        pytest.skip(f"streaming replication test: the PostgreSQL 15 server binaries are not in {BIN}")
    as_user: list[str] = []
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("streaming replication test: running as root and there is no postgres user to run initdb")
        if not shutil.which("runuser"):
            pytest.skip("streaming replication test: running as root without runuser to switch to postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    # not pytest's tmp_path: the postgres user must be able to enter it
    root = Path(tempfile.mkdtemp(prefix="openbmis-replication-"))
    root.chmod(0o755)
    if as_user:
        shutil.chown(root, "postgres")
    port = _free_port()
    started: list[Path] = []

    def pg(program: str, *args: str) -> str:
        result = subprocess.run([*as_user, str(BIN / program), *args], capture_output=True, text=True,
                                timeout=120, check=False)
        assert result.returncode == 0, f"{program} {args}: {result.stdout}{result.stderr}"
        return result.stdout

    def start(data: Path, address: str) -> None:
        with (data / "postgresql.auto.conf").open("a") as conf:
            # no Unix socket: the two servers share a port number, and TCP is what the application uses
            conf.write(f"listen_addresses = '{address}'\nport = {port}\nunix_socket_directories = ''\n")
        pg("pg_ctl", "-D", str(data), "-l", str(root / f"{data.name}.log"), "-w", "start")
        started.append(data)

    primary, standby = root / "primary", root / "standby"
    pg("initdb", "-D", str(primary), "-U", "postgres", "--auth=trust", "--no-sync")
    with (primary / "pg_hba.conf").open("a") as hba:
        hba.write("host all all 127.0.0.0/8 trust\nhost replication all 127.0.0.0/8 trust\n")
    start(primary, PRIMARY)
    try:
        yield pg, start, primary, standby, port
    finally:
        for data in reversed(started):
            subprocess.run([*as_user, str(BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                           capture_output=True, timeout=60, check=False)
        shutil.rmtree(root, ignore_errors=True)


def _app(script: str, env: dict[str, str], *args: str) -> list[str]:
    result = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, env=env,
                            timeout=300, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout.split("\n")


def test_the_application_reconnects_to_the_promoted_standby_and_sees_every_write(cluster, tmp_path):
    pg, start, primary, standby, port = cluster
    pg("psql", "-h", PRIMARY, "-p", str(port), "-U", "postgres", "-c", "CREATE DATABASE openbmis")
    # both hosts in one URL; libpq takes the first that accepts writes
    url = f"postgres://postgres@{PRIMARY}%2C{STANDBY}:{port}/openbmis?target_session_attrs=read-write"
    env = {**os.environ, "OPENBMIS_DATA_DIR": str(tmp_path), "OPENBMIS_DATABASE_URL": url}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    cli = subprocess.run([sys.executable, "-m", "openbmis.cli.main", "migrate"], capture_output=True, text=True,
                         env=env, timeout=300, check=False)
    assert cli.returncode == 0, cli.stdout + cli.stderr

    pg("pg_basebackup", "-h", PRIMARY, "-p", str(port), "-U", "postgres", "-D", str(standby), "-R",
       "-X", "stream", "--checkpoint=fast", "--no-sync")
    start(standby, STANDBY)

    first = [f"R1-{n:03d}" for n in range(20)]
    acknowledged = [line for line in _app(WRITE, env, *first) if line]
    assert acknowledged == first
    assert any(line == f"server {PRIMARY} False" for line in _app(READ, env))

    # the standby has replayed everything the primary wrote before the primary is lost
    lsn = pg("psql", "-h", PRIMARY, "-p", str(port), "-U", "postgres", "-At", "-c",
             "SELECT pg_current_wal_lsn()").strip()
    deadline = time.monotonic() + 60
    while True:
        caught_up = pg("psql", "-h", STANDBY, "-p", str(port), "-U", "postgres", "-At", "-c",
                       f"SELECT pg_last_wal_replay_lsn() >= '{lsn}'::pg_lsn").strip()
        if caught_up == "t" or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert caught_up == "t", "the standby did not catch up within 60 s"

    pg("pg_ctl", "-D", str(primary), "-m", "fast", "-w", "stop")  # the primary is lost
    pg("pg_ctl", "-D", str(standby), "-w", "promote")

    # the same configuration now reaches the promoted standby, reads every write and writes again
    read = _app(READ, env)
    assert f"server {STANDBY} False" in read
    assert [line.removeprefix("post ") for line in read if line.startswith("post R1-")] == first
    assert [line for line in _app(WRITE, env, "R2-000") if line] == ["R2-000"]
    verify = subprocess.run([sys.executable, "-m", "openbmis.cli.main", "audit", "verify"], capture_output=True,
                            text=True, env=env, timeout=300, check=False)
    assert verify.returncode == 0 and "intact" in verify.stdout, verify.stdout + verify.stderr
