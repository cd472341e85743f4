"""Backups that restore (issue 14): a backup taken while several processes write through the services,
restored, loses no acknowledged write; the backup and the restore check themselves.

Runs on SQLite always, and on PostgreSQL when OPENBMIS_DATABASE_URL points at one (as in CI)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest

pytestmark = pytest.mark.xdist_group("backup")

WRITERS = 8  # the evidence: a backup taken while 8 clients write
WRITER = r"""
import os, sys
os.environ["DJANGO_SETTINGS_MODULE"] = "openbmis.server.settings"
import django
django.setup()
from openbmis.borderposts import services
number, ack_path, stop_path = int(sys.argv[1]), sys.argv[2], sys.argv[3]
n = 0
with open(ack_path, "a") as ack:
    while not os.path.exists(stop_path):
        code = f"W{number}-{n:05d}"
        services.create_border_post(f"writer{number}", code=code, name=code, kind="land", country="UTO",
                                    time_zone="UTC")
        ack.write(code + "\n")  # acknowledged: the service returned, its transaction committed
        ack.flush()
        n += 1
"""


def _database_url(data_dir: Path, vendor: str) -> str:
    if vendor == "sqlite":
        return f"sqlite:///{data_dir / 'drill.sqlite3'}"
    base = os.environ["OPENBMIS_DATABASE_URL"].rsplit("/", 1)[0]
    return f"{base}/{_pg_name()}"


def _pg_name() -> str:
    return "openbmis_drill_" + os.environ.get("PYTEST_XDIST_WORKER", "main")


@pytest.fixture(params=["sqlite", "postgresql"])
def drill(request, tmp_path):
    vendor = request.param
    if vendor == "postgresql":
        url = os.environ.get("OPENBMIS_DATABASE_URL", "")
        if not url.startswith(("postgres://", "postgresql://")):
            pytest.skip("PostgreSQL drill: OPENBMIS_DATABASE_URL does not point at PostgreSQL")
        import psycopg

        admin = url.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin, autocommit=True) as db:
            db.execute(f"DROP DATABASE IF EXISTS {_pg_name()} WITH (FORCE)")
            db.execute(f"CREATE DATABASE {_pg_name()}")
    env = {**os.environ, "OPENBMIS_DATA_DIR": str(tmp_path), "OPENBMIS_DATABASE_URL": _database_url(tmp_path, vendor)}
    env.pop("DJANGO_SETTINGS_MODULE", None)

    def run(*args, check=True, timeout=300):
        result = subprocess.run([sys.executable, "-m", "openbmis.cli.main", *args], capture_output=True, text=True,
                                env=env, timeout=timeout, check=False)
        if check:
            assert result.returncode == 0, result.stdout + result.stderr
        return result

    run("migrate")
    yield vendor, tmp_path, env, run
    if vendor == "postgresql":
        import psycopg

        with psycopg.connect(os.environ["OPENBMIS_DATABASE_URL"].rsplit("/", 1)[0] + "/postgres",
                             autocommit=True) as db:
            db.execute(f"DROP DATABASE IF EXISTS {_pg_name()} WITH (FORCE)")


def _acks(data_dir: Path) -> set[str]:
    codes: set[str] = set()
    for n in range(WRITERS):
        path = data_dir / f"ack-{n}"
        if path.exists():
            codes |= {line for line in path.read_text().splitlines() if line}
    return codes


def _query(vendor: str, data_dir: Path, sql: str) -> list[tuple]:
    if vendor == "sqlite":
        with closing(sqlite3.connect(data_dir / "drill.sqlite3")) as db:
            return db.execute(sql).fetchall()
    import psycopg

    with psycopg.connect(_database_url(data_dir, vendor)) as db:
        return db.execute(sql).fetchall()


def test_backup_under_write_load_restores_every_acknowledged_write(drill):
    vendor, data_dir, env, run = drill
    stop = data_dir / "stop"
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(n), str(data_dir / f"ack-{n}"), str(stop)], env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        for n in range(WRITERS)
    ]
    try:
        deadline = time.monotonic() + 120
        while len(_acks(data_dir)) < WRITERS * 15 and time.monotonic() < deadline:
            time.sleep(0.2)
        acknowledged_before = _acks(data_dir)
        assert len(acknowledged_before) >= WRITERS * 15, "the writers did not get going"
        result = run("backup", "--output", str(data_dir / "backups"))
        acknowledged_during = _acks(data_dir)
        assert "verified" in result.stdout and "audit chain intact" in result.stdout, result.stdout
    finally:
        stop.touch()
        errors = [w.communicate(timeout=120)[1] for w in writers]
    assert all(w.returncode == 0 for w in writers), errors
    acknowledged_all = _acks(data_dir)
    assert len(acknowledged_all) > len(acknowledged_during) >= len(acknowledged_before)  # writes went on throughout

    (backup_dir,) = (data_dir / "backups").iterdir()
    manifest = json.loads((backup_dir / "manifest.json").read_text())
    assert manifest["vendor"] == vendor

    refused = run("restore", str(backup_dir), check=False)
    assert refused.returncode == 2 and "--yes" in refused.stderr
    result = run("restore", str(backup_dir), "--yes")
    assert "done and verified" in result.stdout, result.stdout
    assert "row counts" in result.stdout and "audit chain intact" in result.stdout

    restored = {row[0] for row in _query(vendor, data_dir, "SELECT code FROM borderposts_borderpost")}
    assert acknowledged_before <= restored, f"lost: {sorted(acknowledged_before - restored)[:10]}"
    assert restored <= acknowledged_all  # nothing that was not written
    assert len(restored) == manifest["tables"]["borderposts_borderpost"]
    # every restored write came with its audit event: no transaction was cut in two
    audited = {row[0] for row in _query(vendor, data_dir,
                                        "SELECT object_label FROM audit_auditevent WHERE action = 'borderpost.create'")}
    assert audited == restored
    # the restored chain verifies against the signed checkpoints, the restore itself included
    verify = run("audit", "verify")
    assert "intact" in verify.stdout and "anchored: signed checkpoint" in verify.stdout
    actions = [row[0] for row in _query(vendor, data_dir,
                                        "SELECT action FROM audit_auditevent ORDER BY seq DESC LIMIT 1")]
    assert actions == ["system.restore"]


def test_a_damaged_backup_is_refused_before_anything_is_replaced(drill):
    vendor, data_dir, _env, run = drill
    run("backup", "--output", str(data_dir / "backups"))
    (backup_dir,) = (data_dir / "backups").iterdir()
    check = run("backup", "--check", str(backup_dir))
    assert "verified" in check.stdout
    manifest = json.loads((backup_dir / "manifest.json").read_text())
    file_path = backup_dir / manifest["file"]
    data = bytearray(file_path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    file_path.write_bytes(bytes(data))
    before = _query(vendor, data_dir, "SELECT COUNT(*) FROM audit_auditevent")
    result = run("restore", str(backup_dir), "--yes", check=False)
    assert result.returncode == 1 and "SHA-256" in result.stdout
    assert _query(vendor, data_dir, "SELECT COUNT(*) FROM audit_auditevent") == before
