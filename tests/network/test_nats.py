"""The same exchange over NATS JetStream: a private nats-server, headquarters (its HTTP server for the enrolment and
its NATS consumer) and a node as separate processes with their own databases.

Headquarters' handling of a published batch (idempotent, signature checked) is also tested in-process below.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.utils import timezone
from tests.network.test_topology import Site, _admit, _free_port, _fresh_pg, _pg_available

from openbmis.network import records, signing

pytestmark = pytest.mark.xdist_group("topology")

NATS_SERVER = shutil.which("nats-server") or "/usr/sbin/nats-server"


def _nats_server(args: list[str], port: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen([NATS_SERVER, "-a", "127.0.0.1", "-p", str(port), *args],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            time.sleep(0.2)
    return server


@pytest.fixture
def nats_hub(tmp_path):
    """A private hub (JetStream in the domain ``hq``, listening for leaf nodes): its URL and its leaf-node port."""
    if not Path(NATS_SERVER).exists():
        pytest.skip("nats-server is not installed (Debian package nats-server)")
    port, leaf_port = _free_port(), _free_port()
    config = tmp_path / "hub.conf"
    config.write_text(f'jetstream {{ store_dir: "{tmp_path / "js"}", domain: hq }}\n'
                      f"leafnodes {{ listen: 127.0.0.1:{leaf_port} }}\n")
    server = _nats_server(["-c", str(config)], port)
    try:
        yield f"nats://127.0.0.1:{port}", leaf_port
    finally:
        server.terminate()
        server.wait(timeout=20)


@pytest.fixture
def nats_url(nats_hub):
    return nats_hub[0]


@pytest.fixture
def leaf_url(tmp_path, nats_hub):
    """The post's leaf node (no JetStream of its own), connected to the hub."""
    port = _free_port()
    config = tmp_path / "leaf.conf"
    config.write_text(f'leafnodes {{ remotes: [ {{ url: "nats-leaf://127.0.0.1:{nats_hub[1]}" }} ] }}\n')
    server = _nats_server(["-c", str(config)], port)
    time.sleep(1)  # the leaf connection to the hub is made just after the leaf listens
    try:
        yield f"nats://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=20)


class Consumer:
    """Headquarters' ``openbmis node nats-serve``."""

    def __init__(self, hq: Site) -> None:
        self.hq = hq
        self.process: subprocess.Popen[str] | None = None

    def start(self) -> None:
        log = self.hq.data_dir / "nats-serve.log"
        started = log.read_text().count("serving the nodes over NATS") if log.exists() else 0
        with open(log, "a") as out:
            self.process = subprocess.Popen([sys.executable, "-m", "openbmis.cli.main", "node", "nats-serve"],
                                            env=self.hq.env, stdout=out, stderr=subprocess.STDOUT, text=True)
        deadline = time.monotonic() + 60
        while log.read_text().count("serving the nodes over NATS") == started:
            assert self.process.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=20)
            self.process = None


def test_a_node_synchronises_over_nats_and_loses_nothing_when_headquarters_is_away(tmp_path, nats_url, leaf_url):
    pg = _pg_available()
    name = f"openbmis_nats_hq_{uuid.uuid4().hex[:8]}"
    hq = Site("hq", tmp_path, _fresh_pg(name) if pg else f"sqlite:///{tmp_path / 'hq.sqlite3'}", "hq", _free_port(),
              OPENBMIS_NATS_URL=nats_url, OPENBMIS_NATS_DOMAIN="hq")
    # The node talks to its leaf node only; the hub's JetStream is reached under its domain.
    node = Site("node", tmp_path, f"sqlite:///{tmp_path / 'node.sqlite3'}", "bcp:AIR-CAP", _free_port(),
                OPENBMIS_SYNC_TRANSPORT="nats", OPENBMIS_NATS_URL=leaf_url, OPENBMIS_NATS_DOMAIN="hq",
                OPENBMIS_SYNC_BATCH="5",
                OPENBMIS_NATS_ACK_WAIT="8")
    consumer = Consumer(hq)
    try:
        hq.ok("demo", "--no-serve", "--crossings", "0")
        code = hq.ok("node", "code", "AIR-CAP").strip()
        hq.start()  # the enrolment is over HTTPS, once
        consumer.start()
        node.ok("migrate")
        node.ok("node", "enrol", "--hq", hq.url, "--code", code)
        first = json.loads(node.ok("sync"))
        assert first["status"] == 0 and first["pulled"] > 0, first
        token = node.ok("token", "create", "officer", "--scope", "inspections:write",
                        "--scope", "identities:read").strip()
        node.start()
        _admit(node, token, "AIR-CAP", 3)
        report = json.loads(node.ok("sync"))
        assert report["status"] == 0 and report["acked"] == report["pushed"] > 0, report
        assert node.checksums("AIR-CAP") == hq.checksums("AIR-CAP")

        # Headquarters' consumer is away: the node keeps working; its batches are stored in JetStream (status 1).
        consumer.stop()
        _admit(node, token, "AIR-CAP", 2)
        away = node.run("sync")
        assert away.returncode == 1, away.stdout + away.stderr
        report = json.loads(away.stdout)
        assert report["pushed"] > 0 and report["acked"] == 0 and "not yet acknowledged" in away.stdout, report
        assert hq.checksums("AIR-CAP")["inspections.Crossing"]["count"] == 3
        # Back: the consumer takes the stored batches; the next exchange collects the acknowledgements.
        consumer.start()
        back = node.run("sync")
        assert back.returncode == 0, back.stdout + back.stderr
        assert node.run("sync").returncode == 0  # again: nothing new, nothing doubled
        at_node, at_hq = node.checksums("AIR-CAP"), hq.checksums("AIR-CAP")
        assert at_node["inspections.Crossing"]["count"] == 5
        assert at_node == at_hq, (at_node, at_hq)

        # A revoked node is refused over NATS too (2).
        [listed] = [json.loads(line) for line in hq.ok("node", "list").splitlines()]
        hq.ok("node", "revoke", listed["id"], "--reason", "laptop reported stolen")
        _admit(node, token, "AIR-CAP", 1)
        refused = node.run("sync")
        assert refused.returncode == 2 and "revoked" in refused.stdout, refused.stdout
    finally:
        consumer.stop()
        hq.kill()
        node.kill()
        if pg:
            import psycopg

            with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- headquarters' handling of a published batch, in-process ---------------------------------------------------

def _published(node_id, private, rows, start=1, at=None):
    from openbmis.network import nats_transport

    subject = f"{nats_transport.UP_SUBJECT}.{node_id}"
    batch = [{"seq": start + n, "model": type(r)._meta.label, "id": str(r.pk), "data": records.dump(r)}
             for n, r in enumerate(rows)]
    body = json.dumps({"records": batch}).encode()
    at = at or timezone.now().isoformat()
    headers = {"X-OpenBMIS-Node": node_id, "X-OpenBMIS-Time": at,
               "X-OpenBMIS-Signature": signing.sign(private, signing.request_message("PUBLISH", subject, at, body))}
    return subject, headers, body


def test_a_batch_published_twice_is_applied_once_and_a_forged_one_is_refused(db, two_posts):
    from openbmis.core.errors import AccessDenied
    from openbmis.network import nats_transport, services
    from openbmis.network.models import InboxRecord
    from openbmis.travellers.models import Traveller

    code = services.issue_enrolment_code("test", "TST-A")
    private, public = signing.new_key_pair()
    node = services.enrol(code, border_post="TST-A", public_key=public)
    rows = [Traveller(primary_identifier=f"NATS{n}", nationality="KEN") for n in range(3)]
    subject, headers, body = _published(str(node.id), private, rows)
    node_id, first = nats_transport.process_push(subject, headers, body)
    assert node_id == str(node.id) and first["applied_seq"] == 3 and first["acked"] == [1, 2, 3]
    # The same batch again (a new message id, past JetStream's duplicate window): stored and applied once.
    _node, again = nats_transport.process_push(*_published(str(node.id), private, rows))
    assert again["acked"] == [1, 2, 3] and again["applied"] == 0
    assert InboxRecord.objects.filter(node=node).count() == 3
    assert Traveller.objects.filter(primary_identifier__startswith="NATS").count() == 3
    # A forged signature, and a batch under another node's subject, are refused.
    _other_private, _ = signing.new_key_pair()
    with pytest.raises(AccessDenied, match="signature"):
        nats_transport.process_push(*_published(str(node.id), _other_private, rows))
    with pytest.raises(AccessDenied, match="another node"):
        nats_transport.process_push(f"{nats_transport.UP_SUBJECT}.{uuid.uuid4()}", headers, body)


def _run_async(coroutine):
    """Run a coroutine to its end in a thread of its own: another test of the session (a browser test) may have left
    an event loop running in this one, and asyncio.run refuses to start inside a running loop."""
    import asyncio
    import threading

    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["value"] = asyncio.run(coroutine)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the test's thread
            outcome["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=120)
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]


def test_a_node_whose_nats_server_is_down_is_told_so_at_once():
    """nats-py takes max_reconnect_attempts=0 as "try forever": the node must give up after one attempt (exit 1)."""
    import asyncio

    from openbmis.network import nats_transport

    started = time.monotonic()
    with pytest.raises(nats_transport.Unreachable):
        # Bounded here too, so that a regression fails instead of hanging the suite.
        _run_async(asyncio.wait_for(nats_transport._connect(f"nats://127.0.0.1:{_free_port()}"), 30))
    assert time.monotonic() - started < 20


def test_an_acknowledgement_signed_for_another_node_is_discarded(nats_url):
    """A signed acknowledgement copied from another node's subject must not mark this node's records received
    (the node would then purge records headquarters never had)."""

    import nats

    from openbmis.network import nats_transport
    from openbmis.network.client import SyncReport
    from openbmis.network.models import Enrolment

    hq_private, hq_public = signing.new_key_pair()
    this_node, other_node = str(uuid.uuid4()), str(uuid.uuid4())
    enrolment = Enrolment(node_id=this_node, hq_public_key=hq_public)

    def ack(payload: dict) -> tuple[bytes, dict[str, str]]:
        at = timezone.now().isoformat()
        body = json.dumps({**payload, "hq_time": at}).encode()
        return body, {"X-OpenBMIS-Time": at,
                      "X-OpenBMIS-Signature": signing.sign(hq_private, signing.response_message(at, body))}

    async def scenario() -> tuple[int, int, int]:
        nc = await nats.connect(nats_url)
        js = nc.jetstream()
        await nats_transport._ensure_streams(js)
        subject = f"{nats_transport.ACK_SUBJECT}.{this_node}"
        for payload in ({"acked": [1, 2], "node_id": other_node}, {"acked": [1, 2]}):
            body, headers = ack(payload)
            await js.publish(subject, body, headers=headers)
        forged_body, forged_headers = ack({"acked": [1, 2], "node_id": this_node})
        forged_headers["X-OpenBMIS-Signature"] = signing.sign(signing.new_key_pair()[0],
                                                              signing.response_message("x", forged_body))
        await js.publish(subject, forged_body, headers=forged_headers)
        report = SyncReport()
        pending = await nats_transport._collect_acks(js, enrolment, this_node, {1, 2}, report, 2.0)
        consumer = await js.consumer_info(nats_transport.ACK_STREAM, f"node-{this_node}")
        await nc.close()
        return pending, report.acked, consumer.num_pending + consumer.num_ack_pending

    pending, acked, left = _run_async(scenario())
    assert (pending, acked, left) == (2, 0, 0)
