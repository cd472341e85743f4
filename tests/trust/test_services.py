"""Trust-store services: imports (added and rejected, with reasons), expire, remove, audit, the cached store."""

from __future__ import annotations

import base64
import hashlib

import pytest
from asn1crypto import pem
from tests.epassport.epassport_pki import NOW, Party, make_cert, make_crl, name, new_key, signed_data, tlv

from openbmis.audit.models import AuditEvent
from openbmis.core.errors import Conflict, InvalidInput
from openbmis.trust import services
from openbmis.trust.models import TrustEntry, TrustImport

pytestmark = pytest.mark.django_db


def master_list(pki, signer_country: str, certs: list[bytes]) -> bytes:
    """A CSCA master list (ICAO Doc 9303 Part 12) signed by a signer certified by ``signer_country``'s CSCA."""
    csca, _ = pki.country(signer_country)
    key = new_key("p256")
    signer = Party(key, make_cert(name("ML signer"), key, csca, ca=False, serial=555))
    content = tlv(0x30, b"\x02\x01\x00" + tlv(0x31, b"".join(sorted(certs))))
    return signed_data("2.23.136.1.1.2", content, signer)


def ldif(entries: list[tuple[str, str, bytes]]) -> bytes:
    blocks = [f"dn: {dn}\n{attr}:: {base64.b64encode(value).decode()}\n" for dn, attr, value in entries]
    return "\n".join(blocks).encode()


def test_csca_import_stores_der_and_its_facts(pki, admin):
    csca, _ = pki.country("p256")
    der = csca.cert.dump()
    record = services.import_file(admin, file_name="csca.pem", data=pem.armor("CERTIFICATE", der))
    assert (record.added_count, record.rejected_count) == (1, 0)
    entry = TrustEntry.objects.get()
    assert entry.kind == "csca" and entry.status == "active"
    assert bytes(entry.der) == der
    assert entry.fingerprint == hashlib.sha256(der).hexdigest()
    assert entry.serial == format(csca.cert.serial_number, "x")
    assert entry.country == "UT"
    assert entry.not_before == csca.cert["tbs_certificate"]["validity"]["not_before"].native
    assert entry.not_after == csca.cert["tbs_certificate"]["validity"]["not_after"].native
    assert "CSCA p256" in entry.subject and entry.imported_by == record
    event = AuditEvent.objects.get(action="trust.import")
    assert event.object_id == str(record.id) and event.actor_id == admin.id
    assert event.after["added"] == [["csca", entry.fingerprint, entry.subject]]
    assert event.after["file_sha256"] == hashlib.sha256(pem.armor("CERTIFICATE", der)).hexdigest()


@pytest.mark.parametrize(
    ("file_name", "content", "reason"),
    [
        ("garbage.cer", b"not a certificate", "not a certificate ("),
        ("broken.pem", pem.armor("CERTIFICATE", b"\x30\x03\x02\x01\x01"), "not a certificate ("),
        ("list.crl", b"\x30\x00", "not a CRL ("),
        ("unknown.bin", b"\x30\x03\x02\x01\x01", "ContentInfo: malformed ASN.1"),  # tried as a master list
    ],
)
def test_rejections_carry_their_reason(admin, file_name, content, reason):
    record = services.import_file(admin, file_name=file_name, data=content)
    assert record.added_count == 0 and record.rejected_count == 1
    rejected = record.report["rejected"][0]
    assert rejected["source"] == file_name
    assert reason in rejected["reason"]
    assert TrustEntry.objects.count() == 0
    assert AuditEvent.objects.filter(action="trust.import", object_id=str(record.id)).exists()


def test_empty_file_is_invalid(admin):
    with pytest.raises(InvalidInput) as info:
        services.import_file(admin, file_name="empty.cer", data=b"")
    assert info.value.field == "file"


def test_second_import_of_the_same_csca_is_rejected_as_duplicate(pki, admin):
    der = pki.country("p256")[0].cert.dump()
    services.import_file(admin, file_name="a.der", data=der)
    record = services.import_file(admin, file_name="b.der", data=der)
    assert record.added_count == 0
    assert record.report["rejected"][0]["reason"] == "already in the trust store"
    assert TrustEntry.objects.count() == 1


def test_master_list_import_needs_a_trusted_signer(pki, admin):
    data = master_list(pki, "p256", [pki.country("rsa")[0].cert.dump(), pki.country("rsa-pss")[0].cert.dump()])
    first = services.import_file(admin, file_name="ut.ml", data=data)
    assert first.added_count == 0
    assert "does not chain to a trusted CSCA" in first.report["rejected"][0]["reason"]
    services.import_file(admin, file_name="signer-csca.der", data=pki.country("p256")[0].cert.dump())
    second = services.import_file(admin, file_name="ut.ml", data=data)
    kinds = sorted(item["kind"] for item in second.report["added"])
    assert kinds == ["csca", "csca", "master_list"], second.report
    stored = TrustEntry.objects.get(kind="master_list")
    assert bytes(stored.der) == data and "Common Name: ML signer" in stored.subject and stored.serial == format(555, "x")


def test_ldif_brings_dscs_and_crls(pki, admin):
    doc = pki.document("rsa")
    services.import_file(admin, file_name="csca.der", data=doc.csca.cert.dump())
    text = ldif([
        ("cn=dsc,o=dsc,c=UT,dc=data", "userCertificate;binary", doc.dsc.cert.dump()),
        ("cn=crl,o=crl,c=UT,dc=data", "certificateRevocationList;binary", make_crl(doc.csca, [])),
    ])
    record = services.import_file(admin, file_name="pkd.ldif", data=text)
    assert sorted(item["kind"] for item in record.report["added"]) == ["crl", "dsc"]
    crl_entry = TrustEntry.objects.get(kind="crl")
    assert crl_entry.subject == crl_entry.issuer and crl_entry.serial == ""


def test_expire_and_remove_are_audited_with_their_reason(pki, admin):
    record = services.import_file(admin, file_name="csca.der", data=pki.country("p256")[0].cert.dump())
    entry = TrustEntry.objects.get(imported_by=record)
    with pytest.raises(InvalidInput):
        services.expire_entry(admin, entry, reason="  ")
    services.expire_entry(admin, entry, reason="superseded by the 2025 CSCA")
    entry.refresh_from_db()
    assert entry.status == "expired" and entry.status_reason == "superseded by the 2025 CSCA"
    event = AuditEvent.objects.get(action="trust.expire")
    assert (event.before["status"], event.after["status"]) == ("active", "expired")
    assert event.reason == "superseded by the 2025 CSCA"
    with pytest.raises(Conflict):
        services.expire_entry(admin, entry, reason="again")
    services.remove_entry(admin, entry, reason="key compromised")
    entry.refresh_from_db()
    assert entry.status == "removed"
    assert AuditEvent.objects.get(action="trust.remove").after["status"] == "removed"
    with pytest.raises(Conflict):
        services.expire_entry(admin, entry, reason="no")


def test_reimport_reactivates_a_removed_entry(pki, admin):
    der = pki.country("p256")[0].cert.dump()
    services.import_file(admin, file_name="a.der", data=der)
    entry = TrustEntry.objects.get()
    services.remove_entry(admin, entry, reason="mistake")
    record = services.import_file(admin, file_name="a.der", data=der)
    entry.refresh_from_db()
    assert entry.status == "active" and record.added_count == 1
    assert "re-imported (was removed)" in record.report["added"][0]["note"]


def test_cached_store_follows_every_change(pki, admin):
    doc = pki.document("p256")
    store, version = services.current_store()
    assert len(store) == 0
    services.import_file(admin, file_name="csca.der", data=doc.csca.cert.dump())
    store, new_version = services.current_store()
    assert new_version == version + 1 and [c.dump() for c in store.anchors] == [doc.csca.cert.dump()]
    assert services.current_store()[0] is store  # unchanged: the same object
    services.expire_entry(admin, TrustEntry.objects.get(), reason="test")
    store, _ = services.current_store()
    assert len(store) == 0


def test_cli_actor_is_recorded_by_name(pki, db):
    record = services.import_file("cli", file_name="csca.der", data=pki.country("p256")[0].cert.dump(),
                                  channel="cli")
    assert record.actor is None and record.actor_label == "cli" and record.channel == "cli"
    assert AuditEvent.objects.get(action="trust.import").actor_label == "cli"
    assert TrustImport.objects.count() == 1
    assert NOW  # the PKI's reference instant is inside every generated certificate's validity
