"""Backups that restore: a consistent copy of the database with a manifest, checked when made and
checked again when restored (docs/data-protection.md).

A backup is a directory holding the database copy and ``manifest.json``: the database kind, the time,
the SHA-256 of the copy, the row count of every table and the audit chain head, all read from the same
snapshot as the copy.

- SQLite: SQLite's online backup API copies the whole database in one step, which reads one
  consistent snapshot while writers go on (WAL). The copy is checked with ``PRAGMA integrity_check``,
  its row counts and its audit chain (``openbmis audit verify`` on the copy).
- PostgreSQL: a REPEATABLE READ transaction exports its snapshot; the row counts and the audit head
  are read in it and ``pg_dump --snapshot`` dumps exactly that state (custom format). The archive is
  checked with ``pg_restore --list``; the full check (counts, audit chain) runs after a restore.

A restore replaces the configured database with the backup (server and workers stopped), checks it,
then signs a "restore" checkpoint of the restored chain head (the events after the backup are gone,
knowingly) and records ``system.restore`` in the audit trail.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess  # noqa: S404 - pg_dump/pg_restore, with argument lists
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, connections, transaction

from openbmis.accounts.actors import Actor
from openbmis.core.errors import InvalidInput

MANIFEST = "manifest.json"
FORMAT = 1
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
CHECK_ALIAS = "openbmis_backup_check"


@dataclass
class Outcome:
    path: Path
    manifest: dict[str, Any]
    problems: list[str] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)  # what was checked and found right

    @property
    def ok(self) -> bool:
        return not self.problems


def _vendor() -> str:
    return "postgresql" if connection.vendor == "postgresql" else "sqlite"


def _tables() -> list[str]:
    return sorted(connection.introspection.django_table_names(only_existing=True, include_views=False))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _new_backup_dir(parent: Path) -> Path:
    parent.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    path = parent / f"openbmis-{stamp}"
    path.mkdir()
    return path


def _write_manifest(path: Path, manifest: dict[str, Any]) -> None:
    tmp = path / (MANIFEST + ".tmp")
    tmp.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    os.replace(tmp, path / MANIFEST)


def read_manifest(path: Path) -> dict[str, Any]:
    manifest_path = path / MANIFEST
    if not manifest_path.is_file():
        raise InvalidInput(f"{path} is not an OpenBMIS backup (no {MANIFEST})", field="backup")
    manifest: dict[str, Any] = json.loads(manifest_path.read_text())
    if manifest.get("format") != FORMAT:
        raise InvalidInput(f"unknown backup format {manifest.get('format')!r}", field="backup")
    return manifest


# --- SQLite ------------------------------------------------------------------------------------------

def _sqlite_path() -> Path:
    return Path(str(settings.DATABASES["default"]["NAME"]))


def _sqlite_counts(db: sqlite3.Connection, tables: list[str]) -> dict[str, int]:
    return {table: int(db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]) for table in tables}  # noqa: S608


def _sqlite_head(db: sqlite3.Connection) -> dict[str, Any]:
    row = db.execute("SELECT last_seq, last_hash FROM audit_audithead WHERE id = 1").fetchone()
    return {"seq": int(row[0]), "hash": str(row[1])} if row else {"seq": 0, "hash": "0" * 64}


def _backup_sqlite(target: Path) -> dict[str, Any]:
    copy = target / SQLITE_FILE
    source = sqlite3.connect(f"file:{_sqlite_path()}?mode=ro", uri=True, timeout=30)
    destination = sqlite3.connect(copy)
    try:
        source.backup(destination)  # pages=-1: the whole database in one step, from one snapshot
        destination.execute("PRAGMA journal_mode=DELETE")  # a single self-contained file
        tables = _tables()
        manifest = {"tables": _sqlite_counts(destination, tables), "audit": _sqlite_head(destination)}
    finally:
        destination.close()
        source.close()
    return manifest


def _check_sqlite_file(path: Path, manifest: dict[str, Any], outcome: Outcome) -> None:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        result = [row[0] for row in db.execute("PRAGMA integrity_check")]
        if result != ["ok"]:
            outcome.problems.append(f"integrity check failed: {'; '.join(result[:5])}")
        else:
            outcome.checks.append("integrity check: ok")
        _compare_counts(_sqlite_counts(db, list(manifest["tables"])), manifest, outcome)
    finally:
        db.close()


def _verify_chain_of_copy(path: Path, outcome: Outcome) -> None:
    """``audit verify`` on the copy, through a second, temporary database alias."""
    from openbmis.audit import services as audit

    settings_dict = dict(connections.databases["default"])
    settings_dict.update({"NAME": str(path), "OPTIONS": {"timeout": 30}, "CONN_MAX_AGE": 0})
    connections.databases[CHECK_ALIAS] = settings_dict
    try:
        _report_chain(audit.verify(using=CHECK_ALIAS, anchored=False), outcome)
    finally:
        connections[CHECK_ALIAS].close()
        del connections[CHECK_ALIAS]
        del connections.databases[CHECK_ALIAS]


# --- PostgreSQL --------------------------------------------------------------------------------------

def _pg_command(program: str) -> list[str]:
    db = settings.DATABASES["default"]
    args = [shutil.which(program) or program]
    if db.get("HOST"):
        args += ["-h", str(db["HOST"])]
    if db.get("PORT"):
        args += ["-p", str(db["PORT"])]
    if db.get("USER"):
        args += ["-U", str(db["USER"])]
    return args


def _pg_env() -> dict[str, str]:
    env = dict(os.environ)
    password = settings.DATABASES["default"].get("PASSWORD")
    if password:
        env["PGPASSWORD"] = str(password)
    return env


def _run(args: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, env=_pg_env(), check=False)  # noqa: S603


def _backup_postgresql(target: Path, outcome_chain: list[Any]) -> dict[str, Any]:
    """Dump the database from one exported snapshot; the counts, the head and the audit chain check
    (appended to ``outcome_chain``) are read from that same snapshot."""
    from openbmis.audit import services as audit

    dump = target / PG_FILE
    name = str(settings.DATABASES["default"]["NAME"])
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        tables = _tables()
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 - Django's own table names
            counts[table] = int(cursor.fetchone()[0])
        cursor.execute("SELECT last_seq, last_hash FROM audit_audithead WHERE id = 1")
        row = cursor.fetchone()
        head = {"seq": int(row[0]), "hash": str(row[1])} if row else {"seq": 0, "hash": "0" * 64}
        outcome_chain.append(audit.verify(anchored=False))
        # pg_dump reads the very snapshot this transaction holds open
        result = _run([*_pg_command("pg_dump"), "--snapshot", snapshot, "--format=custom", "--no-owner",
                       "--file", str(dump), name])
        if result.returncode != 0:
            raise RuntimeError(f"pg_dump failed: {result.stderr.strip()}")
    return {"tables": counts, "audit": head}


def _check_pg_archive(path: Path, manifest: dict[str, Any], outcome: Outcome) -> None:
    result = _run([shutil.which("pg_restore") or "pg_restore", "--list", str(path)])
    if result.returncode != 0:
        outcome.problems.append(f"pg_restore cannot read the archive: {result.stderr.strip()}")
        return
    missing = [t for t in manifest["tables"] if f"TABLE DATA public {t} " not in result.stdout]
    if missing:
        outcome.problems.append(f"the archive lacks the data of {len(missing)} table(s): {', '.join(missing[:5])}")
    else:
        outcome.checks.append(f"archive readable: data of all {len(manifest['tables'])} tables present")


# --- shared ------------------------------------------------------------------------------------------

def _compare_counts(found: dict[str, int], manifest: dict[str, Any], outcome: Outcome) -> None:
    expected: dict[str, int] = manifest["tables"]
    wrong = [f"{t}: {found.get(t)} rows, expected {n}" for t, n in expected.items() if found.get(t) != n]
    if wrong:
        outcome.problems.append("row counts differ: " + "; ".join(wrong[:10]))
    else:
        outcome.checks.append(f"row counts: {len(expected)} tables, {sum(expected.values())} rows as recorded")


def _report_chain(report: Any, outcome: Outcome) -> None:
    if report.ok:
        outcome.checks.append(f"audit chain intact: {report.checked} events, head #{report.head_seq}")
    else:
        outcome.problems.extend(f"audit chain: {p.message}" for p in report.problems)


def create(parent: Path, *, actor: Actor = "cli", progress: Callable[[str], None] | None = None) -> Outcome:
    """Back up the configured database into a new directory under ``parent``, then check the copy."""
    from openbmis.audit import services as audit

    say = progress or (lambda _message: None)
    target = _new_backup_dir(parent)
    vendor = _vendor()
    say(f"backing up the {vendor} database into {target}")
    taken_at = _now()
    chain_reports: list[Any] = []
    content = _backup_sqlite(target) if vendor == "sqlite" else _backup_postgresql(target, chain_reports)
    file_name = SQLITE_FILE if vendor == "sqlite" else PG_FILE
    manifest = {
        "format": FORMAT, "vendor": vendor, "taken_at": taken_at, "file": file_name,
        "sha256": _sha256(target / file_name), "origin": audit.origin(), **content,
    }
    _write_manifest(target, manifest)
    outcome = check(target)
    for report in chain_reports:  # PostgreSQL: the chain as dumped, checked in the dump's snapshot
        _report_chain(report, outcome)
    audit.record(actor=actor, action="system.backup", object_type="backup", object_id=target.name[:64],
                 object_label=str(target)[:200],
                 after={"vendor": vendor, "rows": sum(manifest["tables"].values()), "audit_seq": manifest["audit"]["seq"],
                        "sha256": manifest["sha256"], "verified": outcome.ok})
    return outcome


def check(path: Path) -> Outcome:
    """Check a backup directory: the file's SHA-256, then integrity, row counts and the audit chain
    (SQLite), or that the archive is readable and complete (PostgreSQL)."""
    manifest = read_manifest(path)
    outcome = Outcome(path, manifest)
    file_path = path / manifest["file"]
    if not file_path.is_file():
        outcome.problems.append(f"the backup file {manifest['file']} is missing")
        return outcome
    if _sha256(file_path) != manifest["sha256"]:
        outcome.problems.append("the backup file does not match its manifest (SHA-256): damaged or altered")
        return outcome
    outcome.checks.append("SHA-256 matches the manifest")
    if manifest["vendor"] == "sqlite":
        _check_sqlite_file(file_path, manifest, outcome)
        if outcome.ok:
            _verify_chain_of_copy(file_path, outcome)
    else:
        _check_pg_archive(file_path, manifest, outcome)
    return outcome


def restore(path: Path, *, actor: Actor = "cli", progress: Callable[[str], None] | None = None) -> Outcome:
    """Replace the configured database with the backup in ``path``; stop the server and workers first.

    The backup is checked before anything is replaced; the restored database is checked after (integrity,
    row counts, audit chain), then a "restore" checkpoint is signed and ``system.restore`` recorded.
    """
    from openbmis.audit import services as audit

    say = progress or (lambda _message: None)
    before = check(path)
    if not before.ok:
        return before
    manifest = before.manifest
    vendor = _vendor()
    if manifest["vendor"] != vendor:
        raise InvalidInput(f"this backup is of a {manifest['vendor']} database; the configured one is {vendor}",
                           field="backup")
    file_path = path / manifest["file"]
    say(f"restoring {file_path} into the configured {vendor} database")
    connection.close()
    outcome = Outcome(path, manifest, checks=[f"backup checked: {c}" for c in before.checks])
    if vendor == "sqlite":
        source = sqlite3.connect(f"file:{file_path}?mode=ro", uri=True)
        destination = sqlite3.connect(_sqlite_path(), timeout=30)
        try:
            source.backup(destination)
            integrity = [row[0] for row in destination.execute("PRAGMA integrity_check")]
            if integrity != ["ok"]:
                outcome.problems.append(f"integrity check of the restored database failed: {'; '.join(integrity[:5])}")
            else:
                outcome.checks.append("integrity check of the restored database: ok")
        finally:
            destination.close()
            source.close()
    else:
        name = str(settings.DATABASES["default"]["NAME"])
        result = _run([*_pg_command("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction",
                       "--exit-on-error", "--dbname", name, str(file_path)])
        if result.returncode != 0:
            outcome.problems.append(f"pg_restore failed: {result.stderr.strip()}")
            return outcome
    found: dict[str, int] = {}
    known = set(_tables())
    with connection.cursor() as cursor:
        for table in manifest["tables"]:
            if table not in known:
                continue  # counted as missing below
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 - table names from our manifest, checked
            found[table] = int(cursor.fetchone()[0])
    _compare_counts(found, manifest, outcome)
    if not outcome.ok:
        return outcome
    # The events after the backup are gone on purpose: sign that, so that verification goes on from here.
    audit.checkpoint(kind="restore")
    _report_chain(audit.verify(), outcome)
    audit.record(actor=actor, action="system.restore", object_type="backup", object_id=path.name[:64],
                 object_label=str(path)[:200],
                 after={"vendor": vendor, "taken_at": manifest["taken_at"], "audit_seq": manifest["audit"]["seq"],
                        "rows": sum(manifest["tables"].values()), "verified": outcome.ok})
    return outcome
