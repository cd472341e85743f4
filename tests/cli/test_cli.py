"""The `openbmis` console script, run as a user would run it, on its own SQLite database."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest

pytestmark = pytest.mark.xdist_group("cli")


def run(args, data_dir: Path, *, env=None, input_text=None, timeout=240):
    environment = {
        **os.environ,
        "OPENBMIS_DATA_DIR": str(data_dir),
        "OPENBMIS_DATABASE_URL": f"sqlite:///{data_dir / 'cli.sqlite3'}",
        **(env or {}),
    }
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, "-m", "openbmis.cli.main", *args], capture_output=True, text=True, env=environment,
        input=input_text, timeout=timeout, check=False,
    )


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("demo")
    result = run(["demo", "--no-serve", "--crossings", "400"], data_dir)
    assert result.returncode == 0, result.stderr
    return data_dir, result


def test_demo_prepares_data_and_prints_accounts(demo_dir):
    _, result = demo_dir
    assert "created: 6 border posts, 9 users" in result.stdout
    data_dir, _ = demo_dir
    with closing(sqlite3.connect(data_dir / "cli.sqlite3")) as db:
        (count,) = db.execute("SELECT COUNT(*) FROM inspections_crossing").fetchone()
        (entries,) = db.execute("SELECT COUNT(*) FROM inspections_crossing WHERE direction = 'entry'").fetchone()
    # the synthetic traffic (400, the last trip may add its exit) plus the test travellers' history
    assert 400 <= count <= 401 + 3
    assert 0 < entries < count
    for username in ("officer", "secondary", "supervisor", "analyst", "admin", "auditor"):
        assert f"  {username} " in result.stdout


def test_demo_second_run_reuses_everything(demo_dir):
    data_dir, _ = demo_dir
    started = time.monotonic()
    result = run(["demo", "--no-serve", "--crossings", "400"], data_dir)
    assert result.returncode == 0, result.stderr
    assert "created: 0 border posts, 0 users, 0 crossings" in result.stdout
    assert time.monotonic() - started < 60


def test_token_create_prints_a_working_token(demo_dir):
    data_dir, _ = demo_dir
    result = run(["token", "create", "officer", "--scope", "borderposts:read"], data_dir)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("obmis_")
    bad = run(["token", "create", "officer", "--scope", "root"], data_dir)
    assert bad.returncode == 2 and "unknown scope" in bad.stderr
    missing = run(["token", "create", "nobody", "--scope", "borderposts:read"], data_dir)
    assert missing.returncode == 2 and "nobody" in missing.stderr


def test_audit_verify_detects_a_forged_row(demo_dir, tmp_path):
    data_dir, _ = demo_dir
    result = run(["audit", "verify"], data_dir)
    assert result.returncode == 0, result.stderr
    assert "intact" in result.stdout
    # a copy of the database, forged with plain SQL below the application
    forged = tmp_path / "forged"
    forged.mkdir()
    (forged / "cli.sqlite3").write_bytes((data_dir / "cli.sqlite3").read_bytes())
    (forged / "secret_key").write_text((data_dir / "secret_key").read_text())
    shutil.copytree(data_dir / "audit", forged / "audit")  # the chain key and the signed checkpoints
    db = sqlite3.connect(forged / "cli.sqlite3")
    db.execute("DROP TRIGGER audit_event_no_update")
    db.execute("UPDATE audit_auditevent SET actor_label = 'nobody' WHERE seq = 5")
    db.commit()
    db.close()
    result = run(["audit", "verify"], forged)
    assert result.returncode == 1
    assert "#5" in result.stdout and "altered" in result.stdout


def test_audit_verify_detects_truncation_and_rewind_by_the_signed_checkpoints(demo_dir, tmp_path):
    """A database superuser cuts the tail off the chain and rewinds the head: the chain is whole in
    itself, but the checkpoints signed outside the database saw it longer."""
    data_dir, _ = demo_dir
    result = run(["audit", "checkpoint"], data_dir)
    assert result.returncode == 0 and "checkpoint signed" in result.stdout, result.stderr
    result = run(["audit", "verify"], data_dir)
    assert result.returncode == 0 and "anchored: signed checkpoint at #" in result.stdout
    forged = tmp_path / "rewound"
    forged.mkdir()
    (forged / "cli.sqlite3").write_bytes((data_dir / "cli.sqlite3").read_bytes())
    (forged / "secret_key").write_text((data_dir / "secret_key").read_text())
    shutil.copytree(data_dir / "audit", forged / "audit")
    with closing(sqlite3.connect(forged / "cli.sqlite3")) as db:
        (last,) = db.execute("SELECT MAX(seq) FROM audit_auditevent").fetchone()
        keep = last - 3
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            db.execute("DELETE FROM audit_auditevent WHERE seq > ?", (keep,))
        db.execute("DROP TRIGGER audit_event_no_delete")
        db.execute("DELETE FROM audit_auditevent WHERE seq > ?", (keep,))
        (kept_hash,) = db.execute("SELECT hash FROM audit_auditevent WHERE seq = ?", (keep,)).fetchone()
        db.execute("UPDATE audit_audithead SET last_seq = ?, last_hash = ?", (keep, kept_hash))
        db.commit()
    result = run(["audit", "verify"], forged)
    assert result.returncode == 1, result.stdout
    assert "[rewound]" in result.stdout and f"#{keep}" in result.stdout and f"#{last}" in result.stdout


def test_configuration_error_names_the_variable(tmp_path):
    result = run(["check"], tmp_path, env={"OPENBMIS_MODE": "production", "OPENBMIS_SECRET_KEY": ""})
    assert result.returncode == 2
    assert "OPENBMIS_SECRET_KEY" in result.stderr


def test_check_reports_pending_migrations(tmp_path):
    result = run(["check"], tmp_path)
    assert result.returncode == 1
    assert "migration(s) not applied" in result.stdout


def test_createadmin_and_worker(demo_dir):
    data_dir, _ = demo_dir
    result = run(["createadmin", "chief", "--password-stdin"], data_dir, input_text="a-Long-enough-pass-42\n")
    assert result.returncode == 0, result.stderr
    assert "One-time enrolment code" in result.stdout  # production asks for it at the first login
    again = run(["createadmin", "chief", "--password-stdin"], data_dir, input_text="a-Long-enough-pass-42\n")
    assert again.returncode == 2 and "already exists" in again.stderr
    # enqueue a background job, then let the worker run what is waiting
    enqueue = subprocess.run(
        [sys.executable, "-c",
         "import os, django; os.environ['DJANGO_SETTINGS_MODULE']='openbmis.server.settings'; django.setup();"
         "from openbmis.audit.tasks import verify_audit_chain; print(verify_audit_chain.enqueue().id)"],
        capture_output=True, text=True, check=False, timeout=120,
        env={**os.environ, "OPENBMIS_DATA_DIR": str(data_dir),
             "OPENBMIS_DATABASE_URL": f"sqlite:///{data_dir / 'cli.sqlite3'}"},
    )
    assert enqueue.returncode == 0, enqueue.stderr
    result = run(["worker", "--batch"], data_dir)
    assert result.returncode == 0, result.stderr
    # the daily jobs are queued for their next run by the first worker, and only once
    assert "permits.tasks.detect_overstays_job" in result.stdout
    assert "core.tasks.retention_job" in result.stdout
    # Read the result back the way the application does, through the task backend.
    check = subprocess.run(
        [sys.executable, "-c",
         "import os, sys, django; os.environ['DJANGO_SETTINGS_MODULE']='openbmis.server.settings'; django.setup();"
         "from openbmis.audit.tasks import verify_audit_chain; import json;"
         "r = verify_audit_chain.get_result(sys.argv[1]); print(json.dumps([r.status, r.return_value]))",
         enqueue.stdout.strip()],
        capture_output=True, text=True, check=False, timeout=120,
        env={**os.environ, "OPENBMIS_DATA_DIR": str(data_dir),
             "OPENBMIS_DATABASE_URL": f"sqlite:///{data_dir / 'cli.sqlite3'}"},
    )
    assert check.returncode == 0, check.stderr
    status, value = json.loads(check.stdout.strip().splitlines()[-1])
    assert status == "SUCCESSFUL"
    assert value["ok"] is True and value["checked"] > 0


def test_make_demo_takes_the_port_and_address_from_the_command_line():
    import subprocess
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    shown = subprocess.run(["make", "-n", "demo", "PORT=8080", "HOST=0.0.0.0"], cwd=root, capture_output=True,
                           text=True, check=True).stdout
    assert "openbmis demo --host 0.0.0.0 --port 8080" in shown


# --- security: public credentials, token expiry, account lifecycle from the console (issue 13) -------------

PRODUCTION = {"OPENBMIS_MODE": "production", "OPENBMIS_SECRET_KEY": "q3V9-kT2mZpL8wRx4YbN7cHs1JfD6gUaE0oWiQ5vXrK",
              "OPENBMIS_ALLOWED_HOSTS": "bmis.example"}


def test_demo_is_refused_in_production(tmp_path):
    result = run(["demo", "--no-serve", "--crossings", "0"], tmp_path, env=PRODUCTION)
    assert result.returncode == 2
    assert "refused in production" in result.stderr
    assert not (tmp_path / "cli.sqlite3").exists() or "Demo accounts" not in result.stdout


def test_token_expiry_of_zero_or_less_is_refused(demo_dir):
    data_dir, _ = demo_dir
    for days in ("0", "-5"):
        result = run(["token", "create", "officer", "--scope", "borderposts:read", "--expires-days", days], data_dir)
        assert result.returncode == 2, result.stdout
        assert "expires after 1 to 3650 days" in result.stderr
        assert "obmis_" not in result.stdout


def test_user_lifecycle_from_the_console(demo_dir):
    data_dir, _ = demo_dir
    issued = run(["user", "enrolment", "auditor"], data_dir)
    assert issued.returncode == 0, issued.stderr
    assert "one-time enrolment code for auditor" in issued.stdout
    weak = run(["user", "reset-password", "analyst", "--password-stdin"], data_dir, input_text="openbmis-demo\n")
    assert weak.returncode == 2 and "publicly known" in weak.stderr
    reset = run(["user", "reset-password", "analyst", "--password-stdin"], data_dir,
                input_text="a-private-phrase-for-lucy-9\n")
    assert reset.returncode == 0, reset.stderr
    gone = run(["user", "deactivate", "officer2", "--reason", "transferred"], data_dir)
    assert gone.returncode == 0 and "officer2 deactivated" in gone.stdout
    back = run(["user", "activate", "officer2", "--reason", "back from transfer"], data_dir)
    assert back.returncode == 0, back.stderr
    with closing(sqlite3.connect(data_dir / "cli.sqlite3")) as db:
        actions = {row[0] for row in db.execute("SELECT action FROM audit_auditevent WHERE actor_label = 'cli'")}
    assert {"totp.enrolment_issue", "user.password_reset", "user.deactivate", "user.activate"} <= actions
