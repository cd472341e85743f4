"""A real OpenBMIS server for attack tests: `openbmis serve` (waitress) on 127.0.0.1 over a fresh database.

The database is the suite's kind: a new SQLite file, or, when OPENBMIS_DATABASE_URL names PostgreSQL, a new
database beside it (dropped afterwards). The server runs in production mode unless asked otherwise.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SECRET = "live-" + "k9Qz3xW7pL2mN8vB4cR6tY1uH5jD0fGs" * 2


@dataclass
class Live:
    url: str
    tokens: dict[str, str]
    password: str
    database_url: str
    env: dict[str, str]
    pid: int = 0  # the `openbmis serve` process

    def headers(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}"}

    def call(self, method: str, path: str, *, role: str | None = None, body: bytes | None = None,
             json_body: Any = None, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        """One request through the socket; returns (status, headers, body) without raising on 4xx/5xx."""
        sent = dict(headers or {})
        if role:
            sent.update(self.headers(role))
        if json_body is not None:
            body = json.dumps(json_body).encode()
            sent.setdefault("Content-Type", "application/json")
        request = urllib.request.Request(self.url + path, data=body, method=method, headers=sent)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 (127.0.0.1 only)
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, dict(exc.headers), exc.read()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _postgres_url() -> str | None:
    url = os.environ.get("OPENBMIS_DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://", "pgsql://")) else None


@contextmanager
def _database(tmp_path: Path) -> Iterator[str]:
    base = _postgres_url()
    if base is None:
        yield f"sqlite:///{tmp_path / 'live.sqlite3'}"
        return
    import psycopg

    root, _, name = base.rpartition("/")
    live_name = f"{name or 'openbmis'}_live_{uuid.uuid4().hex[:8]}"
    admin_url = f"{root}/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{live_name}"')
    try:
        yield f"{root}/{live_name}"
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{live_name}" WITH (FORCE)')


@contextmanager
def served(tmp_path: Path, *, production: bool = True, extra_env: dict[str, str] | None = None,
           serve_args: tuple[str, ...] = ()) -> Iterator[Live]:
    with _database(tmp_path) as database_url:
        env = {k: v for k, v in os.environ.items() if not k.startswith("OPENBMIS_")}
        env.update({
            "OPENBMIS_MODE": "production" if production else "development",
            "OPENBMIS_DATA_DIR": str(tmp_path / "data"),
            "OPENBMIS_DATABASE_URL": database_url,
            "OPENBMIS_SECRET_KEY": SECRET,
            "OPENBMIS_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SETTINGS_MODULE": "openbmis.server.settings",
            **(extra_env or {}),
        })
        (tmp_path / "data").mkdir(exist_ok=True)
        setup = subprocess.run([sys.executable, str(HERE / "attack_server_setup.py")], env=env, capture_output=True,
                               text=True, timeout=300, check=False)
        assert setup.returncode == 0, setup.stderr[-3000:]
        made = json.loads(setup.stdout.strip().splitlines()[-1])
        port = _free_port()
        log = (tmp_path / "server.log").open("w")
        server = subprocess.Popen(
            [sys.executable, "-c", "import sys; from openbmis.cli.main import main; sys.exit(main())",
             "serve", "--host", "127.0.0.1", "--port", str(port), "--threads", "4", *serve_args],
            env=env, stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    with urllib.request.urlopen(url + "/api/openapi.json", timeout=5):  # noqa: S310
                        break
                except (urllib.error.URLError, ConnectionError):
                    if server.poll() is not None or time.monotonic() > deadline:
                        raise AssertionError((tmp_path / "server.log").read_text()[-3000:]) from None
                    time.sleep(0.2)
            yield Live(url=url, tokens=made["tokens"], password=made["password"], database_url=database_url,
                       env=env, pid=server.pid)
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
            log.close()
