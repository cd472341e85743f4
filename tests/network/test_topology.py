"""Headquarters and two border-post nodes as separate server processes with their own databases (headquarters
and one node on PostgreSQL when it is reachable, the other node on SQLite): enrol, inspect at both posts, cut
the link, keep inspecting, restore, and compare every table by counts and checksums; a revoked node is refused.

Each installation is driven as an operator would: the ``openbmis`` console script and the HTTP API.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from tests.conftest import make_mrz

pytestmark = pytest.mark.xdist_group("topology")

PG_BASE = "postgres://postgres@127.0.0.1:5432/"


def _free_port() -> int:
    """A port nobody listens on now: two runs of the suite on one machine must not talk to each other's servers."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _pg_available() -> bool:
    try:
        import psycopg

        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", connect_timeout=3):
            return True
    except Exception:  # noqa: BLE001 - any failure: run on SQLite only
        return False


def _fresh_pg(name: str) -> str:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return PG_BASE + name


class Site:
    """One installation: its environment, its console script, its server process."""

    def __init__(self, name: str, root: Path, database_url: str, installation: str, port: int,
                 **extra_env: str) -> None:
        self.name, self.port = name, port
        self.data_dir = root / name
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.env = {**os.environ, "OPENBMIS_DATA_DIR": str(self.data_dir), "OPENBMIS_DATABASE_URL": database_url,
                    "OPENBMIS_INSTALLATION": installation, **extra_env}
        self.env.pop("DJANGO_SETTINGS_MODULE", None)
        self.server: subprocess.Popen[bytes] | None = None

    def run(self, *args: str, timeout: int = 300) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "openbmis.cli.main", *args], env=self.env, capture_output=True,
                              text=True, timeout=timeout, check=False)

    def ok(self, *args: str) -> str:
        done = self.run(*args)
        assert done.returncode == 0, f"{self.name}: openbmis {' '.join(args)}\n{done.stdout}\n{done.stderr}"
        return done.stdout

    def start(self) -> None:
        log = open(self.data_dir / "server.log", "ab")  # noqa: SIM115 - kept open by the server process
        self.server = subprocess.Popen([sys.executable, "-m", "openbmis.cli.main", "serve", "--port", str(self.port)],
                                       env=self.env, stdout=log, stderr=log)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.3)
        raise AssertionError(f"{self.name} did not start: {(self.data_dir / 'server.log').read_text()[-2000:]}")

    def spawn(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen([sys.executable, "-m", "openbmis.cli.main", *args], env=self.env, text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def kill(self) -> None:
        if self.server is not None:
            self.server.send_signal(signal.SIGKILL)
            self.server.wait(timeout=30)
            self.server = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def checksums(self, post: str) -> dict:
        return json.loads(self.ok("node", "checksum", post))


def _api(site: Site, token: str, method: str, path: str, body: dict | None = None) -> dict:
    import urllib.error
    import urllib.request

    request = urllib.request.Request(site.url + path, method=method, data=json.dumps(body).encode() if body else None,
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - loopback test server
            return json.loads(response.read())
    except urllib.error.HTTPError as exc:
        raise AssertionError(f"{site.name}: {method} {path}: {exc.code} {exc.read()[:500]!r}") from None


def _admit(site: Site, token: str, post: str, n: int) -> None:
    for _ in range(n):
        number = uuid.uuid4().hex[:8].upper()
        mrz = make_mrz(document_number=number, primary_identifier=f"TRAVELLER{number[:4]}".replace("0", "O")
                       .translate(str.maketrans("123456789", "ABCDEFGHJ")))
        inspection = _api(site, token, "POST", "/api/inspections",
                          {"border_post": post, "direction": "entry", "client_id": str(uuid.uuid4()), "mrz": mrz})
        _api(site, token, "POST", f"/api/inspections/{inspection['id']}/decision", {"decision": "admit"})


# libfaketime (Debian's faketime package, installed by .ci/run) moves one node's clock.
FAKETIME_LIB = Path("/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1")
NODE_CLOCK_AHEAD = 3 * 3600


def _nodes(hq: Site, token: str) -> dict[str, dict]:
    return {n["border_post"]: n for n in _api(hq, token, "GET", "/api/nodes")}


def _kill_mid_push(sync: subprocess.Popen[str], hq: Site, token: str, post: str, before: int, victim=None) -> int:
    """Wait until headquarters has received part of the node's push, then kill -9 ``victim`` (the node's sync
    process, or headquarters); the number of records headquarters had received."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        received = _nodes(hq, token)[post]["received_seq"]
        if received > before:
            if victim is None:
                sync.send_signal(signal.SIGKILL)
            else:
                victim.kill()
            return received
        time.sleep(0.05)
    raise AssertionError("headquarters received nothing")


@pytest.fixture
def topology(tmp_path):
    if sys.platform != "linux":
        pytest.skip("the topology test runs on Linux")
    if not FAKETIME_LIB.exists():
        pytest.skip("the node whose clock is off needs libfaketime (apt-get install faketime; .ci/run installs it)")
    pg = _pg_available()
    run = os.getpid()  # databases of their own, as ports: another run of the suite may be going on beside this one
    hq = Site("hq", tmp_path, _fresh_pg(f"openbmis_sync_hq_{run}") if pg else f"sqlite:///{tmp_path / 'hq.sqlite3'}",
              "hq", _free_port())
    # Node A's clock is 3 hours ahead; it pushes 2 records at a time, so that a push can be cut in the middle.
    node_a = Site("node-a", tmp_path, f"sqlite:///{tmp_path / 'node-a.sqlite3'}", "bcp:AIR-CAP", _free_port(),
                  LD_PRELOAD=str(FAKETIME_LIB), FAKETIME=f"+{NODE_CLOCK_AHEAD}s", OPENBMIS_SYNC_BATCH="2")
    node_b = Site("node-b", tmp_path, _fresh_pg(f"openbmis_sync_node_{run}") if pg else
                  f"sqlite:///{tmp_path / 'node-b.sqlite3'}", "bcp:LND-BRG", _free_port(), OPENBMIS_SYNC_BATCH="2")
    sites = [hq, node_a, node_b]
    try:
        yield hq, node_a, node_b
    finally:
        for site in sites:
            site.kill()
        if pg:
            import psycopg

            with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
                for name in (f"openbmis_sync_hq_{run}", f"openbmis_sync_node_{run}"):
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_two_posts_offline_and_back_lose_and_duplicate_nothing(topology):
    hq, node_a, node_b = topology
    hq.ok("demo", "--no-serve", "--crossings", "0")
    codes = {"AIR-CAP": hq.ok("node", "code", "AIR-CAP").strip(), "LND-BRG": hq.ok("node", "code", "LND-BRG").strip()}
    hq.start()
    tokens = {}
    for node, post, officer in ((node_a, "AIR-CAP", "officer"), (node_b, "LND-BRG", "officer2")):
        node.ok("migrate")
        # Reference data is headquarters': the node's copy is read-only until enrolled and pulled.
        assert node.run("createadmin", "local-admin", "--password-stdin").returncode != 0
        node.ok("node", "enrol", "--hq", hq.url, "--code", codes[post])
        report = json.loads(node.ok("sync"))
        assert report["pulled"] > 0 and report["status"] == 0
        tokens[post] = node.ok("token", "create", officer, "--scope", "inspections:write",
                               "--scope", "identities:read").strip()
        node.start()
    # A code is used once.
    assert node_a.run("node", "enrol", "--hq", hq.url, "--code", codes["AIR-CAP"]).returncode == 2

    admin = hq.ok("token", "create", "admin", "--scope", "network:read").strip()
    _admit(node_a, tokens["AIR-CAP"], "AIR-CAP", 3)
    _admit(node_b, tokens["LND-BRG"], "LND-BRG", 3)

    # kill -9 of a node in the middle of its push: the next exchange sends the rest, nothing twice.
    sync = node_a.spawn("sync")
    received = _kill_mid_push(sync, hq, admin, "AIR-CAP", _nodes(hq, admin)["AIR-CAP"]["received_seq"])
    sync.wait(timeout=30)
    assert sync.returncode == -signal.SIGKILL
    # kill -9 of headquarters in the middle of a node's push: the node says "unreachable" and loses nothing.
    sync = node_b.spawn("sync")
    _kill_mid_push(sync, hq, admin, "LND-BRG", _nodes(hq, admin)["LND-BRG"]["received_seq"], victim=hq)
    assert sync.wait(timeout=120) == 1, sync.communicate()
    hq.start()
    for node in (node_a, node_b):
        assert json.loads(node.ok("sync"))["status"] == 0
    assert _nodes(hq, admin)["AIR-CAP"]["received_seq"] > received

    # Node A's clock is 3 hours ahead: the skew is measured and shown, and its recorded times are kept as recorded.
    skews = {post: n["clock_skew_seconds"] for post, n in _nodes(hq, admin).items()}
    assert abs(skews["AIR-CAP"] - NODE_CLOCK_AHEAD) < 120 and abs(skews["LND-BRG"]) < 120, skews

    # The link is cut: both posts keep working; an exchange says "unreachable" (1) and loses nothing.
    hq.kill()
    _admit(node_a, tokens["AIR-CAP"], "AIR-CAP", 4)
    _admit(node_b, tokens["LND-BRG"], "LND-BRG", 2)
    for node in (node_a, node_b):
        cut = node.run("sync")
        assert cut.returncode == 1, cut.stdout + cut.stderr
        assert json.loads(cut.stdout)["backlog"] > 0

    hq.start()
    for node in (node_a, node_b):
        assert node.run("sync").returncode == 0
        assert node.run("sync").returncode == 0  # again: nothing new, nothing doubled
    for node, post, crossings in ((node_a, "AIR-CAP", 7), (node_b, "LND-BRG", 5)):
        at_node, at_hq = node.checksums(post), hq.checksums(post)
        assert at_node["inspections.Crossing"]["count"] == crossings
        assert at_node == at_hq, (post, at_node, at_hq)

    nodes = [json.loads(line) for line in hq.ok("node", "list").splitlines()]
    assert {n["border_post"] for n in nodes} == {"AIR-CAP", "LND-BRG"}
    assert all(n["backlog"] == 0 and n["unapplied"] == 0 and n["last_error"] == "" for n in nodes), nodes

    # Every origin's audit chain arrived whole: headquarters verifies each.
    verified = hq.run("audit", "verify", "--quiet")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert verified.stdout.count(") intact:") == 2, verified.stdout

    # A revoked node is refused (2), and says so.
    b_id = next(n["id"] for n in nodes if n["border_post"] == "LND-BRG")
    hq.ok("node", "revoke", b_id, "--reason", "laptop reported stolen")
    _admit(node_b, tokens["LND-BRG"], "LND-BRG", 1)
    refused = node_b.run("sync")
    assert refused.returncode == 2 and "revoked" in refused.stdout
