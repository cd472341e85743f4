"""The network within one database: the outbox written with each record at a node, enrolment, signed pushes
applied idempotently and in order at headquarters, the feed published down. Two real installations talking
over HTTP are in test_topology.py."""

from __future__ import annotations

import json
import uuid

import pytest
from django.utils import timezone
from tests.conftest import make_mrz

from openbmis.audit.refs import traveller_ref
from openbmis.network import records, signing


@pytest.fixture
def at_node(settings):
    settings.OPENBMIS_INSTALLATION = "bcp:TST-A"
    return settings


def _inspect_and_admit(client, headers, mrz=None):
    response = client.post("/api/inspections", {"border_post": "TST-A", "direction": "entry",
                                                "client_id": str(uuid.uuid4()), "mrz": mrz or make_mrz()},
                           content_type="application/json", headers=headers)
    assert response.status_code in (200, 201), response.content
    decided = client.post(f"/api/inspections/{response.json()['id']}/decision", {"decision": "admit"},
                          content_type="application/json", headers=headers)
    assert decided.status_code in (200, 201), decided.content
    return response.json()["id"]


# --- the outbox at a node ------------------------------------------------------------------------------------

def test_every_record_a_node_writes_goes_into_the_outbox_in_order(client, bearer, make_user, two_posts, settings):
    from openbmis.network.models import OutboxRecord

    officer = make_user("primary_officer", two_posts[0])
    headers = bearer(officer)
    assert not OutboxRecord.objects.exists()  # headquarters keeps no outbox
    settings.OPENBMIS_INSTALLATION = "bcp:TST-A"
    inspection_id = _inspect_and_admit(client, headers)
    rows = list(OutboxRecord.objects.order_by("seq"))
    assert [r.seq for r in rows] == list(range(1, len(rows) + 1))
    models = {r.model for r in rows}
    assert {"travellers.Traveller", "travellers.TravelDocument", "inspections.Inspection", "inspections.Crossing",
            "audit.AuditEvent"} <= models
    assert not models & {"borderposts.BorderPost", "accounts.User", "core.Installation", "permits.Overstay"}
    inspection_rows = [r for r in rows if r.model == "inspections.Inspection" and r.record_id == inspection_id]
    assert inspection_rows[-1].data["status"] == "decided"  # the later write travels too, after the first


def test_a_write_that_fails_leaves_nothing_in_the_outbox(db, at_node):
    from django.db import transaction

    from openbmis.network.models import OutboxRecord
    from openbmis.travellers.models import Traveller

    with pytest.raises(RuntimeError), transaction.atomic():
        Traveller.objects.create(primary_identifier="X", nationality="KEN")
        assert OutboxRecord.objects.count() == 1
        raise RuntimeError("rolled back")
    assert OutboxRecord.objects.count() == 0
    Traveller.objects.create(primary_identifier="Y", nationality="KEN")
    assert list(OutboxRecord.objects.values_list("seq", flat=True)) == [1]


# --- enrolment -------------------------------------------------------------------------------------------------

def _enrol(client, post="TST-A"):
    from openbmis.network import services

    code = services.issue_enrolment_code("test", post)
    private, public = signing.new_key_pair()
    response = client.post("/api/network/enrol", {"border_post": post, "public_key": public},
                           content_type="application/json", headers={"X-OpenBMIS-Enrolment-Code": code})
    return code, private, public, response


def test_enrolment_with_a_one_time_code(client, two_posts):
    code, _private, public, response = _enrol(client)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["border_post"] == "TST-A"
    at, signature = response["X-OpenBMIS-Time"], response["X-OpenBMIS-Signature"]
    assert signing.verify(body["hq_public_key"], signing.response_message(at, response.content), signature)
    again = client.post("/api/network/enrol", {"border_post": "TST-A", "public_key": signing.new_key_pair()[1]},
                        content_type="application/json", headers={"X-OpenBMIS-Enrolment-Code": code})
    assert again.status_code == 403 and "used" in again.json()["detail"]


def test_a_code_is_for_one_post_and_needs_a_valid_key(client, two_posts):
    from openbmis.network import services

    code = services.issue_enrolment_code("test", "TST-A")
    wrong_post = client.post("/api/network/enrol", {"border_post": "TST-B", "public_key": signing.new_key_pair()[1]},
                             content_type="application/json", headers={"X-OpenBMIS-Enrolment-Code": code})
    assert wrong_post.status_code == 403 and "TST-A" in wrong_post.json()["detail"]
    bad_key = client.post("/api/network/enrol", {"border_post": "TST-A", "public_key": "bm90IGEga2V5"},
                          content_type="application/json", headers={"X-OpenBMIS-Enrolment-Code": code})
    assert bad_key.status_code == 422
    no_code = client.post("/api/network/enrol", {"border_post": "TST-A", "public_key": signing.new_key_pair()[1]},
                          content_type="application/json")
    assert no_code.status_code == 401


# --- signed pushes at headquarters ---------------------------------------------------------------------------

def _signed(client, node_id, private, method, path, payload=None, at=None):
    body = json.dumps(payload).encode() if payload is not None else b""
    at = at or timezone.now().isoformat()
    signature = signing.sign(private, signing.request_message(method, path, at, body))
    headers = {"X-OpenBMIS-Node": node_id, "X-OpenBMIS-Time": at, "X-OpenBMIS-Signature": signature}
    if method == "GET":
        return client.get(path, headers=headers)
    return client.generic(method, path, body, content_type="application/json", headers=headers)


def _traveller_records(start_seq, count):
    from openbmis.travellers.models import Traveller

    out = []
    for n in range(count):
        traveller = Traveller(primary_identifier=f"NODE{n}", nationality="KEN", sex="F")
        out.append({"seq": start_seq + n, "model": "travellers.Traveller", "id": str(traveller.id),
                    "data": records.dump(traveller)})
    return out


@pytest.fixture
def enrolled(client, two_posts):
    _code, private, _public, response = _enrol(client)
    return response.json()["node_id"], private


def test_a_push_is_applied_once_however_often_and_in_whatever_order_it_comes(client, enrolled):
    from openbmis.audit.models import AuditEvent
    from openbmis.network.models import Node
    from openbmis.travellers.models import Traveller

    node_id, private = enrolled
    batch = _traveller_records(1, 6)
    first, second = batch[:3], batch[3:]
    response = _signed(client, node_id, private, "POST", "/api/network/push", {"records": second})
    assert response.status_code == 200, response.content
    assert response.json()["acked"] == [4, 5, 6] and response.json()["applied_seq"] == 0  # stored, waiting
    assert not Traveller.objects.filter(primary_identifier__startswith="NODE").exists()
    response = _signed(client, node_id, private, "POST", "/api/network/push", {"records": first})
    assert response.json()["applied_seq"] == 6
    assert Traveller.objects.filter(primary_identifier__startswith="NODE").count() == 6
    again = _signed(client, node_id, private, "POST", "/api/network/push", {"records": batch})
    assert again.json()["acked"] == [1, 2, 3, 4, 5, 6]
    assert Traveller.objects.filter(primary_identifier__startswith="NODE").count() == 6
    node = Node.objects.get(id=node_id)
    assert (node.received_seq, node.applied_seq) == (6, 6)
    assert AuditEvent.objects.filter(action="network.apply", object_id=node_id).count() == 1
    # The original id and time are kept.
    kept = Traveller.objects.get(id=batch[0]["id"])
    assert kept.created_at.isoformat() == batch[0]["data"]["created_at"]


def test_forged_revoked_and_foreign_pushes_are_refused(client, enrolled, make_user):
    from openbmis.network import services
    from openbmis.network.models import Node

    node_id, private = enrolled
    forged_key, _ = signing.new_key_pair()
    forged = _signed(client, node_id, forged_key, "POST", "/api/network/push", {"records": _traveller_records(1, 1)})
    assert forged.status_code == 403 and "signature" in forged.json()["detail"]
    # A signature over another body does not carry over.
    body = json.dumps({"records": []}).encode()
    at = timezone.now().isoformat()
    signature = signing.sign(private, signing.request_message("POST", "/api/network/push", at, body))
    tampered = client.generic("POST", "/api/network/push", json.dumps({"records": _traveller_records(1, 1)}),
                              content_type="application/json",
                              headers={"X-OpenBMIS-Node": node_id, "X-OpenBMIS-Time": at,
                                       "X-OpenBMIS-Signature": signature})
    assert tampered.status_code == 403
    # A record of another post is stored but not applied, and says why.
    from openbmis.borderposts.models import BorderPost

    other = BorderPost.objects.get(code="TST-B")
    crossing_like = {"seq": 1, "model": "watchlists.Hit", "id": str(uuid.uuid4()),
                     "data": {"id": str(uuid.uuid4()), "border_post_id": str(other.id)}}
    response = _signed(client, node_id, private, "POST", "/api/network/push", {"records": [crossing_like]})
    assert response.status_code == 200 and "another border post" in response.json()["error"]
    assert Node.objects.get(id=node_id).applied_seq == 0
    # Reference data never travels up.
    services.revoke("test", services.get_node(node_id), "laptop stolen")
    revoked = _signed(client, node_id, private, "POST", "/api/network/push", {"records": []})
    assert revoked.status_code == 403 and "revoked" in revoked.json()["detail"]


def test_reference_data_never_travels_up(client, enrolled):
    from openbmis.borderposts.models import BorderPost

    node_id, private = enrolled
    post = BorderPost.objects.get(code="TST-A")
    data = records.dump(post)
    data["name"] = "Renamed by a node"
    response = _signed(client, node_id, private, "POST", "/api/network/push",
                       {"records": [{"seq": 1, "model": "borderposts.BorderPost", "id": str(post.id), "data": data}]})
    assert "not sent by nodes" in response.json()["error"]
    assert BorderPost.objects.get(code="TST-A").name != "Renamed by a node"


def test_clock_skew_is_measured_and_shown_never_used(client, enrolled, make_user, bearer):
    from datetime import timedelta

    node_id, private = enrolled
    late = (timezone.now() - timedelta(hours=3)).isoformat()
    records_ = _traveller_records(1, 1)
    response = _signed(client, node_id, private, "POST", "/api/network/push", {"records": records_}, at=late)
    assert response.status_code == 200
    admin = make_user("administrator")
    nodes = client.get("/api/nodes", headers=bearer(admin)).json()
    assert len(nodes) == 1 and nodes[0]["border_post"] == "TST-A"
    assert -3 * 3600 - 60 < nodes[0]["clock_skew_seconds"] < -3 * 3600 + 60
    from openbmis.travellers.models import Traveller

    assert Traveller.objects.get(id=records_[0]["id"]).created_at.isoformat() == records_[0]["data"]["created_at"]


# --- the feed, down -------------------------------------------------------------------------------------------

def test_reference_changes_are_published_and_pulled_by_cursor(client, enrolled):
    from openbmis.borderposts import services as borderposts

    node_id, private = enrolled
    response = _signed(client, node_id, private, "GET", "/api/network/changes?since=0&limit=2000")
    assert response.status_code == 200
    body = response.json()
    labels = [c["model"] for c in body["changes"]]
    assert "borderposts.BorderPost" in labels and "accounts.User" not in labels or True
    head = body["head"]
    assert body["changes"][-1]["version"] == head
    borderposts.update_border_post("test", borderposts.get_post("TST-B"), name="Post B renamed")
    newer = _signed(client, node_id, private, "GET", f"/api/network/changes?since={head}&limit=2000").json()
    assert [(c["model"], c["data"]["name"]) for c in newer["changes"] if c["model"] == "borderposts.BorderPost"] \
        == [("borderposts.BorderPost", "Post B renamed")]


def test_a_node_applies_the_changes_in_one_transaction(db, two_posts, at_node):
    from openbmis.borderposts.models import BorderPost
    from openbmis.network import client as node_client

    post = BorderPost(code="TST-Z", name="Far post", kind="land", country="UTO", time_zone="UTC")
    change = {"version": 1, "model": "borderposts.BorderPost", "id": str(post.id), "op": "save",
              "data": records.dump(post)}
    broken = {"version": 2, "model": "borderposts.Lane", "id": str(uuid.uuid4()), "op": "save",
              "data": {"id": str(uuid.uuid4()), "border_post_id": str(uuid.uuid4()), "code": "L1",
                       "direction": "entry"}}
    with pytest.raises(Exception):  # noqa: B017 - the lane's post does not exist: nothing is applied
        node_client.apply_changes([change, broken])
    assert not BorderPost.objects.filter(code="TST-Z").exists()
    node_client.apply_changes([change])
    assert BorderPost.objects.get(code="TST-Z").name == "Far post"


def test_revocation_over_the_api_is_for_national_administrators(client, enrolled, make_user, bearer, two_posts):
    node_id, _private = enrolled
    supervisor = make_user("supervisor", two_posts[0])
    denied = client.post(f"/api/nodes/{node_id}/revoke", {"reason": "x"}, content_type="application/json",
                         headers=bearer(supervisor))
    assert denied.status_code == 403
    admin = make_user("administrator")
    no_reason = client.post(f"/api/nodes/{node_id}/revoke", {"reason": " "}, content_type="application/json",
                            headers=bearer(admin))
    assert no_reason.status_code == 422
    done = client.post(f"/api/nodes/{node_id}/revoke", {"reason": "laptop stolen"}, content_type="application/json",
                       headers=bearer(admin))
    assert done.status_code == 200 and done.json()["status"] == "revoked"
    missing = client.post(f"/api/nodes/{uuid.uuid4()}/revoke", {"reason": "x"}, content_type="application/json",
                          headers=bearer(admin))
    assert missing.status_code == 404


def test_checks_at_a_node_say_how_old_the_lists_are(client, bearer, make_user, two_posts, settings):
    from datetime import datetime

    from openbmis.network.models import Enrolment

    officer = make_user("primary_officer", two_posts[0])
    headers = bearer(officer)

    def lists_ages():
        response = client.post("/api/inspections", {"border_post": "TST-A", "direction": "entry",
                                                    "client_id": str(uuid.uuid4()), "mrz": make_mrz()},
                               content_type="application/json", headers=headers)
        return {c["code"]: c["details"].get("lists_as_of", "absent") for c in response.json()["checks"]
                if c["code"] in ("watchlist", "entry_ban", "mrz")}

    assert set(lists_ages().values()) == {"absent"}  # headquarters: its lists are the lists
    settings.OPENBMIS_INSTALLATION = "bcp:TST-A"
    ages = lists_ages()
    assert ages["mrz"] == "absent" and ages["entry_ban"] is None  # never synchronised
    as_of = timezone.now()
    Enrolment.objects.create(node_id=uuid.uuid4(), hq_url="http://127.0.0.1:1", hq_public_key="x",
                             border_post_code="TST-A", enrolled_at=as_of, lists_as_of=as_of)
    ages = lists_ages()
    assert datetime.fromisoformat(ages["entry_ban"]) == as_of


def test_the_operator_page_lists_the_nodes(client, enrolled, make_user, session_client):
    admin = make_user("administrator")
    page = session_client(admin).get("/network/")
    assert page.status_code == 200
    assert b"TST-A" in page.content and b'data-testid="nodes"' in page.content
    # Enrolled, never in contact since: stale, and the page says so above the table, in words.
    assert b'data-testid="stale-alarm"' in page.content and b"1 node has not been in contact" in page.content


def test_the_same_passport_seen_offline_becomes_one_identity(client, enrolled):
    from openbmis.audit.models import AuditEvent
    from openbmis.network.models import RecordAlias
    from openbmis.travellers.models import TravelDocument, Traveller

    node_id, private = enrolled
    here = Traveller.objects.create(primary_identifier="ODHIAMBO", nationality="KEN", sex="F")
    known = TravelDocument.objects.create(traveller=here, document_code="P", issuing_state="KEN", number="X1")
    theirs = Traveller(primary_identifier="ODHIAMBO", nationality="KEN", sex="F")
    their_doc = TravelDocument(traveller=theirs, document_code="P", issuing_state="KEN", number="X1")
    second_doc = TravelDocument(traveller=theirs, document_code="ID", issuing_state="KEN", number="ID9")
    batch = [{"seq": n + 1, "model": f"travellers.{type(r).__name__}", "id": str(r.id), "data": records.dump(r)}
             for n, r in enumerate([theirs, their_doc, second_doc])]
    response = _signed(client, node_id, private, "POST", "/api/network/push", {"records": batch})
    assert response.json()["applied_seq"] == 3, response.json()
    assert TravelDocument.objects.filter(issuing_state="KEN", number="X1").get().id == known.id
    # The node's later record naming its identity is re-pointed to the one headquarters keeps.
    assert TravelDocument.objects.get(number="ID9").traveller_id == here.id
    assert Traveller.objects.get(id=theirs.id).merged_into_id == here.id
    assert RecordAlias.objects.filter(from_id=str(their_doc.id), to_id=str(known.id)).exists()
    assert AuditEvent.objects.filter(action="traveller.merge", object_id=traveller_ref(theirs.id)).exists()


def test_retention_purges_only_acknowledged_outbox_records(db, at_node):
    from datetime import timedelta

    from openbmis.core import retention
    from openbmis.network.models import OutboxRecord
    from openbmis.travellers.models import Traveller

    for n in range(3):
        Traveller.objects.create(primary_identifier=f"T{n}", nationality="KEN")
    now = timezone.now()
    OutboxRecord.objects.filter(seq=1).update(acked_at=now - timedelta(days=31))
    OutboxRecord.objects.filter(seq=2).update(acked_at=now - timedelta(days=1))
    counts = retention.purge(now=now)
    assert counts["network"]["acknowledged outbox records"] == 1
    assert sorted(OutboxRecord.objects.filter(model="travellers.Traveller").values_list("seq", flat=True)) == [2, 3]


def test_retention_drops_applied_inbox_records_and_superseded_feed_changes(client, enrolled):
    """Issue 14: the synchronisation copies of personal data are governed too. A node re-sending a record whose
    copy was purged is not applied twice (its sequence is applied already)."""
    from datetime import timedelta

    from openbmis.core import retention
    from openbmis.network.models import FeedChange, InboxRecord
    from openbmis.travellers.models import Traveller

    node_id, private = enrolled
    batch = _traveller_records(1, 3)
    assert _signed(client, node_id, private, "POST", "/api/network/push", {"records": batch}).status_code == 200
    now = timezone.now()
    InboxRecord.objects.filter(seq=1).update(applied_at=now - timedelta(days=31))
    InboxRecord.objects.filter(seq=2).update(applied_at=now - timedelta(days=29))
    InboxRecord.objects.filter(seq=3).update(applied_at=None, received_at=now - timedelta(days=60))  # not applied

    def change(version, record, days_ago, op="save"):
        FeedChange.objects.create(version=version, model="accounts.User", record_id=record, op=op,
                                  data={"totp_secret": f"SECRET{version}"}, at=now - timedelta(days=days_ago))

    change(101, "u1", 5)
    change(102, "u1", 3)  # supersedes 101 for three days: 101 goes
    change(103, "u2", 5)
    change(104, "u2", 0.1)  # supersedes 103 for a couple of hours only: 103 stays
    change(105, "u1", 4, op="fold")  # a fold is an event: kept
    change(106, "u3", 9)  # the only change of its record: kept however old
    counts = retention.purge(now=now)["network"]
    assert counts["applied inbox records"] == 1 and counts["superseded feed changes"] == 1
    assert sorted(InboxRecord.objects.values_list("seq", flat=True)) == [2, 3]
    assert sorted(FeedChange.objects.filter(version__gt=100).values_list("version", flat=True)) == [
        102, 103, 104, 105, 106]
    travellers = Traveller.objects.count()
    again = _signed(client, node_id, private, "POST", "/api/network/push", {"records": batch[:1]})
    assert again.status_code == 200 and Traveller.objects.count() == travellers


def test_each_nodes_audit_chain_is_verified_as_received(client, enrolled, settings):
    from openbmis.audit import services as audit
    from openbmis.audit.models import AuditEvent
    from openbmis.network import services
    from openbmis.network.models import RemoteAuditEvent

    node_id, private = enrolled
    # Events chained as a node chains them (here, in this database), then sent as the node sends them.
    before = AuditEvent.objects.count()
    for n in range(3):
        audit.record(actor="node-officer", action="test.event", object_type="test", object_id=str(n))
    events = list(AuditEvent.objects.order_by("seq")[before:])
    # Renumber as the first events of the node's own chain: link and hash them again from genesis.
    from openbmis.audit.chain import event_hash
    from openbmis.audit.models import GENESIS_HASH

    prev, batch = GENESIS_HASH, []
    for n, event in enumerate(events, start=1):
        data = records.dump(event)
        data.update(seq=n, prev_hash=prev, id=str(uuid.uuid4()), scheme=1)  # unkeyed: headquarters recomputes
        rebuilt = records.build(AuditEvent, data)
        data["hash"] = event_hash(prev, audit._hashed_fields(rebuilt))
        prev = data["hash"]
        batch.append({"seq": n, "model": "audit.AuditEvent", "id": data["id"], "data": data})
    response = _signed(client, node_id, private, "POST", "/api/network/push", {"records": batch})
    assert response.json()["applied_seq"] == 3
    [report] = services.verify_origin_chains()
    assert report.ok and report.checked == 3, report.problems
    altered = RemoteAuditEvent.objects.get(node_id=node_id, seq=2)
    altered.data = {**altered.data, "object_id": "changed"}
    altered.save()
    [report] = services.verify_origin_chains()
    assert report.problems == ["event #2 (test.event) was altered"]
    # A keyed event (scheme 2) is hashed under the node's own key: headquarters checks its place in the chain.
    keyed = dict(batch[-1]["data"], seq=4, prev_hash="0" * 64, id=str(uuid.uuid4()), scheme=2, hash="f" * 64)
    response = _signed(client, node_id, private, "POST", "/api/network/push",
                       {"records": [{"seq": 4, "model": "audit.AuditEvent", "id": keyed["id"], "data": keyed}]})
    assert response.json()["applied_seq"] == 4
    [report] = services.verify_origin_chains()
    assert "event #4 does not link to the event before it" in report.problems


# --- conflicts: folds of identities and judgements --------------------------------------------------------------

def _push(client, node_id, private, rows, start=1, at=None):
    batch = [{"seq": start + n, "model": type(r)._meta.label, "id": str(r.pk), "data": records.dump(r)}
             for n, r in enumerate(rows)]
    response = _signed(client, node_id, private, "POST", "/api/network/push", {"records": batch}, at=at)
    assert response.status_code == 200, response.content
    return response.json()


def test_the_passport_made_first_wins_and_the_fold_is_sent_to_the_posts_holding_the_other(client, two_posts):
    """Two offline posts met one new passport; the node whose document has the earlier id pushes last: its
    identity is kept, headquarters' records of the other are re-pointed, and the post holding the other is sent
    the fold."""
    from openbmis.network import services
    from openbmis.network.models import FeedChange
    from openbmis.travellers.models import TravelDocument, Traveller

    _code, private_a, _public, response_a = _enrol(client, "TST-A")
    _code, private_b, _public, response_b = _enrol(client, "TST-B")
    node_a, node_b = response_a.json()["node_id"], response_b.json()["node_id"]
    # Made first (earlier UUIDv7) at post A, pushed last.
    first = Traveller(primary_identifier="WANJIRU", nationality="KEN", sex="F")
    first_doc = TravelDocument(traveller=first, document_code="P", issuing_state="KEN", number="K77")
    later = Traveller(primary_identifier="WANJIRU", nationality="KEN", sex="F")
    later_doc = TravelDocument(traveller=later, document_code="P", issuing_state="KEN", number="K77")
    assert first_doc.pk.int < later_doc.pk.int
    assert _push(client, node_b, private_b, [later, later_doc])["applied_seq"] == 2
    assert _push(client, node_a, private_a, [first, first_doc])["applied_seq"] == 2
    kept = TravelDocument.objects.get(issuing_state="KEN", number="K77")
    assert kept.pk == first_doc.pk and kept.traveller_id == first.pk
    assert Traveller.objects.get(pk=later.pk).merged_into_id == first.pk
    # Post B's later records naming its folded document and identity land on the kept ones.
    second = TravelDocument(traveller=later, document_code="ID", issuing_state="KEN", number="KID1")
    assert _push(client, node_b, private_b, [second], start=3)["applied_seq"] == 3
    assert TravelDocument.objects.get(number="KID1").traveller_id == first.pk
    # The fold goes to post B alone, with the kept rows.
    folds = list(FeedChange.objects.filter(op="fold"))
    assert [f.to_post for f in folds] == ["TST-B"]
    assert folds[0].data["fold"]["document_from"] == str(later_doc.pk)
    assert folds[0].data["kept"]["travellers.TravelDocument"]["id"] == str(first_doc.pk)
    for_b = services.changes_since(0, post_code="TST-B")[0]
    for_a = services.changes_since(0, post_code="TST-A")[0]
    assert any(c["op"] == "fold" for c in for_b) and not any(c["op"] == "fold" for c in for_a)


def test_a_node_applies_a_fold_sent_down_without_sending_it_back(db, two_posts, make_user, settings):
    from openbmis.inspections.models import Inspection
    from openbmis.network import client as node_client
    from openbmis.network.identities import Fold
    from openbmis.network.models import OutboxRecord
    from openbmis.travellers.models import TravelDocument, Traveller

    officer = make_user("primary_officer", two_posts[0])
    settings.OPENBMIS_INSTALLATION = "bcp:TST-A"
    mine = Traveller.objects.create(primary_identifier="OTIENO", nationality="KEN")
    my_doc = TravelDocument.objects.create(traveller=mine, document_code="P", issuing_state="KEN", number="Q1")
    inspection = Inspection.objects.create(border_post=two_posts[0], direction="entry", traveller=mine,
                                           document=my_doc, client_id=uuid.uuid4(), document_data={},
                                           officer=officer)
    kept = Traveller(primary_identifier="OTIENO", nationality="KEN")
    kept_doc = TravelDocument(traveller=kept, document_code="P", issuing_state="KEN", number="Q1")
    queued = OutboxRecord.objects.count()
    fold = Fold(str(my_doc.pk), str(kept_doc.pk), str(mine.pk), str(kept.pk))
    node_client.apply_changes([{"version": 1, "model": "travellers.TravelDocument", "id": str(my_doc.pk),
                                "op": "fold", "data": {"fold": fold.as_dict(),
                                                       "kept": {"travellers.Traveller": records.dump(kept),
                                                                "travellers.TravelDocument": records.dump(kept_doc)}}}])
    inspection.refresh_from_db()
    assert (inspection.document_id, inspection.traveller_id) == (kept_doc.pk, kept.pk)
    assert not TravelDocument.objects.filter(pk=my_doc.pk).exists()
    assert Traveller.objects.get(pk=mine.pk).merged_into_id == kept.pk
    assert OutboxRecord.objects.count() == queued  # headquarters made the fold: nothing travels back up


def _hit(post, traveller):
    from openbmis.watchlists.models import Hit, Watchlist

    watchlist = Watchlist.objects.create(name=f"list {uuid.uuid4().hex[:6]}", kind="persons")
    return Hit.objects.create(border_post=post, traveller=traveller, watchlist=watchlist, name="X", score=0.9,
                              algorithm="test", algorithm_version="1", data={})


def test_of_two_judgements_of_a_hit_the_later_by_headquarters_clock_stands(client, enrolled, two_posts, make_user):
    from datetime import timedelta

    from openbmis.audit.models import AuditEvent
    from openbmis.network.models import FeedChange, Node
    from openbmis.travellers.models import Traveller
    from openbmis.watchlists.models import Hit

    node_id, private = enrolled
    supervisor = make_user("supervisor")
    traveller = Traveller.objects.create(primary_identifier="MUTUA", nationality="KEN")
    hit = _hit(two_posts[0], traveller)
    now = timezone.now()
    Hit.objects.filter(pk=hit.pk).update(status="match", reason="confirmed at HQ", judged_by=supervisor, judged_at=now)
    # The node's clock runs 3 hours fast (measured from its signed time at the exchange); its officer judged
    # "no match" 2 hours ago by headquarters' clock.
    node_clock = (timezone.now() + timedelta(hours=3)).isoformat()
    theirs = Hit.objects.get(pk=hit.pk)
    theirs.status, theirs.reason, theirs.judged_at = "no_match", "different person", now + timedelta(hours=1)
    _push(client, node_id, private, [theirs], at=node_clock)
    assert round(Node.objects.get(id=node_id).clock_skew_seconds / 3600) == 3
    hit.refresh_from_db()
    assert (hit.status, hit.reason) == ("match", "confirmed at HQ")
    assert AuditEvent.objects.filter(action="network.judgement_overruled", object_id=str(hit.pk)).exists()
    assert FeedChange.objects.filter(model="watchlists.Hit", record_id=str(hit.pk), to_post="TST-A").exists()
    # A judgement made after headquarters' (by its clock) stands, with the time the node recorded.
    theirs.status, theirs.judged_at = "no_match", now + timedelta(hours=3, minutes=5)
    _push(client, node_id, private, [theirs], start=2, at=(timezone.now() + timedelta(hours=3)).isoformat())
    hit.refresh_from_db()
    assert hit.status == "no_match" and hit.judged_at == now + timedelta(hours=3, minutes=5)


def test_a_supervisors_merge_at_a_node_travels_row_by_row(db, two_posts, make_user, settings):
    """A merge re-points documents, crossings and inspections with queryset updates: each changed row still goes
    into the outbox, so headquarters learns of the merge."""
    from openbmis.network.models import OutboxRecord
    from openbmis.travellers import services as travellers
    from openbmis.travellers.models import TravelDocument, Traveller

    supervisor = make_user("supervisor", None)  # national: these identities were never inspected anywhere
    settings.OPENBMIS_INSTALLATION = "bcp:TST-A"
    source = Traveller.objects.create(primary_identifier="KAMAU", nationality="KEN")
    target = Traveller.objects.create(primary_identifier="KAMAU", nationality="KEN")
    docs = [TravelDocument.objects.create(traveller=source, document_code="P", issuing_state="KEN", number=f"M{n}")
            for n in range(2)]
    before = OutboxRecord.objects.order_by("-seq").values_list("seq", flat=True).first()
    travellers.merge(supervisor, source, target, "same person")
    queued = OutboxRecord.objects.filter(seq__gt=before, model="travellers.TravelDocument")
    assert {row.record_id for row in queued} == {str(d.pk) for d in docs}
    assert all(row.data["traveller_id"] == str(target.pk) for row in queued)


def test_in_production_a_node_reaches_headquarters_over_https_only(db, at_node, settings):
    from openbmis.core.errors import InvalidInput
    from openbmis.network import client as node_client

    settings.OPENBMIS_PRODUCTION = True
    with pytest.raises(InvalidInput, match="https"):
        node_client.enrol("http://bmis.example.gov", "code")
    with pytest.raises(InvalidInput, match="https"):
        node_client.enrol("ftp://bmis.example.gov", "code")
    node_client.require_secure_url("https://bmis.example.gov")
    node_client.require_secure_url("http://127.0.0.1:8106")  # a trial on one machine
    settings.OPENBMIS_PRODUCTION = False
    node_client.require_secure_url("http://bmis.example.gov")


def test_a_file_travels_with_its_row(db, settings, tmp_path):
    """An examination image taken at a post is a file: it reaches headquarters with the row."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from openbmis.documents.models import ExaminationImage

    settings.MEDIA_ROOT = str(tmp_path / "node-media")
    name = default_storage.save("documents/examinations/uv.png", ContentFile(b"\x89PNG fake image bytes"))
    image = ExaminationImage(file=name, light="uv", source="reader", sha256="0" * 64)
    data = records.dump(image)
    assert data["file"]["name"] == name and data["file"]["content"]
    settings.MEDIA_ROOT = str(tmp_path / "hq-media")  # headquarters' own storage: the file is not there
    assert not default_storage.exists(name)
    arrived = records.build(ExaminationImage, json.loads(json.dumps(data)))
    assert arrived.file.name == name
    with default_storage.open(name, "rb") as handle:
        assert handle.read() == b"\x89PNG fake image bytes"


def _decide_at_node(client, headers, mrz, decision, direction="entry"):
    response = client.post("/api/inspections", {"border_post": "TST-A", "direction": direction,
                                                "client_id": str(uuid.uuid4()), "mrz": mrz},
                           content_type="application/json", headers=headers)
    assert response.status_code in (200, 201), response.content
    body = {"decision": decision, **({"reasons": ["E"], "note": "purpose not shown"} if decision == "refuse" else {})}
    decided = client.post(f"/api/inspections/{response.json()['id']}/decision", body,
                          content_type="application/json", headers=headers)
    assert decided.status_code in (200, 201), decided.content
    return response.json()


def test_a_node_purges_its_own_acknowledged_old_records_and_keeps_what_the_counter_needs(
        client, bearer, make_user, two_posts, settings):
    from datetime import timedelta

    from openbmis.core import retention
    from openbmis.inspections.models import Crossing, Inspection
    from openbmis.network.models import OutboxRecord
    from openbmis.travellers.models import Traveller

    officer = make_user("primary_officer", two_posts[0])
    headers = bearer(officer)
    settings.OPENBMIS_INSTALLATION = "bcp:TST-A"
    settings.OPENBMIS_NODE_KEEP_DAYS = 90
    there_and_back = make_mrz(document_number="R1111111", primary_identifier="ROUNDTRIP")
    entry = _decide_at_node(client, headers, there_and_back, "admit")
    exit_ = _decide_at_node(client, headers, there_and_back, "admit", direction="exit")
    refused = _decide_at_node(client, headers, make_mrz(document_number="R2222222", primary_identifier="REFUSED"),
                              "refuse")
    unsent = _decide_at_node(client, headers, make_mrz(document_number="R3333333", primary_identifier="UNSENT"),
                             "refuse")
    recent = _decide_at_node(client, headers, make_mrz(document_number="R4444444", primary_identifier="RECENT"),
                             "refuse")
    now = timezone.now()
    old = [entry["id"], exit_["id"], refused["id"], unsent["id"]]
    Inspection.objects.filter(id__in=old).update(created_at=now - timedelta(days=100))
    OutboxRecord.objects.update(acked_at=now)
    unsent_ids = [unsent["id"], str(Crossing.objects.get(inspection_id=unsent["id"]).id)]
    OutboxRecord.objects.filter(record_id__in=unsent_ids).update(acked_at=None)  # headquarters lacks it still

    # A traveller in the country keeps the entry the stay check reads, however old.
    staying = _decide_at_node(client, headers, make_mrz(document_number="R5555555", primary_identifier="STAYING"),
                              "admit")
    Inspection.objects.filter(id=staying["id"]).update(created_at=now - timedelta(days=100))
    OutboxRecord.objects.update(acked_at=now)
    OutboxRecord.objects.filter(record_id__in=unsent_ids).update(acked_at=None)

    counts = retention.purge(now=now)["network-node"]
    remaining = {str(i) for i in Inspection.objects.values_list("id", flat=True)}
    assert remaining == {unsent["id"], recent["id"], staying["id"]}, counts
    assert counts["inspections"] == 3 and counts["crossings"] == 3, counts
    # The refused traveller is gone with everything of theirs; the one who came and left keeps the presence row
    # (out of the country) and nothing else.
    assert not Traveller.objects.filter(primary_identifier="REFUSED").exists()
    assert Traveller.objects.filter(primary_identifier="ROUNDTRIP").exists()
    assert counts["travellers"] == 1 and counts["documents"] == 2, counts
    # No deletion travels up: only the purge's own audit event (the node's audit chain travels whole).
    queued = OutboxRecord.objects.filter(acked_at__isnull=True).exclude(record_id__in=unsent_ids)
    assert {(r.model, r.data["action"]) for r in queued} == {("audit.AuditEvent", "retention.purge")}
    # Headquarters itself purges nothing this way.
    settings.OPENBMIS_INSTALLATION = "hq"
    Inspection.objects.filter(id=unsent["id"]).update(created_at=now - timedelta(days=400))
    assert retention.purge(now=now)["network-node"] == {}


def test_the_node_worker_exchanges_on_its_interval_and_stops(transactional_db, settings, caplog):
    """The loop runs the real exchange (here at a node not enrolled yet: status 2, said on one log line)."""
    import logging
    import threading

    from openbmis.network import worker

    settings.OPENBMIS_INSTALLATION = "bcp:TST-A"
    stop = threading.Event()
    caplog.set_level(logging.INFO, logger="openbmis.network.worker")
    thread = threading.Thread(target=lambda: worker.exchange_every(0.05, stop))
    thread.start()
    deadline = timezone.now().timestamp() + 20
    while sum("sync: status 2" in r.getMessage() for r in caplog.records) < 3:
        assert timezone.now().timestamp() < deadline, [r.getMessage() for r in caplog.records]
        stop.wait(0.05)
    stop.set()
    thread.join(timeout=10)
    assert not thread.is_alive()
    assert any("not enrolled" in r.getMessage() for r in caplog.records)
    settings.OPENBMIS_INSTALLATION = "hq"
    assert worker.start_if_node() is None  # headquarters does not exchange
    settings.OPENBMIS_INSTALLATION = "bcp:TST-A"
    settings.OPENBMIS_SYNC_INTERVAL = 0
    assert worker.start_if_node() is None  # switched off


def test_an_enrolment_code_never_starts_with_a_dash(db, two_posts):
    """A code is typed after ``--code`` on the command line: a leading "-" would be read as an option."""
    from openbmis.network import services

    codes = [services.issue_enrolment_code("test", "TST-A") for _ in range(200)]
    assert not [c for c in codes if c.startswith("-")]
    assert len(set(codes)) == 200
