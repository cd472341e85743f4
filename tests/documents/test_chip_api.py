"""POST /api/documents/chip: chip files verified against the stored trust store, recorded and audited.

Evidence: the ETSI TR 103 200 files verify through the API with the validation time pinned (their DSC expired
in 2012) and each of the 16 negative files fails with its own reason; documents from the generated test PKI
verify, an unknown CSCA and a tampered data group are named, the DG2 photo is kept.
"""

from __future__ import annotations

import base64
import json
import uuid

import pytest
from tests.epassport.epassport_pki import JP2, NOW, Pki

from openbmis.audit.models import AuditEvent  # noqa: E402
from openbmis.trust import services  # noqa: E402
from openbmis.trust.models import ChipVerification, TrustEntry  # noqa: E402

_PKI = Pki()
# The ETSI DSC is valid 2011-06-12 .. 2012-06-06 (testdata README: pin the date).
PINNED = "2012-01-01T00:00:00Z"
ETSI_MRZ = "P<D<<MUSTERMANN<<ERIKA<<<<<<<<<<<<<<<<<<<<<<\nC11T002JM4D<<9608122F1310317<<<<<<<<<<<<<<<6"


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


@pytest.fixture
def headers(officer, bearer):
    return bearer(officer)


def post(client, headers, body):
    return client.post("/api/documents/chip", json.dumps(body), content_type="application/json", headers=headers)


def body_for(sod: bytes, groups: dict[int, bytes], **extra):
    return {"sod": b64(sod), "data_groups": {str(n): b64(v) for n, v in groups.items()}, **extra}


# --- ETSI TR 103 200 files ------------------------------------------------------------------------------

@pytest.fixture
def etsi(testdata, admin):
    pdir = testdata / "epassport" / "pymrtd"
    # The CSCA ("ETSI CS") is not in the data: the DSC is trusted directly (pinned, confirmed), and the report
    # says so.
    record = services.import_file(admin, file_name="dsc_de_0130846f2b3e.cer",
                                  data=(pdir / "dsc_de_0130846f2b3e.cer").read_bytes(), pin_signers=True)
    assert [item["kind"] for item in record.report["added"]] == ["pinned_dsc"]
    groups = {
        1: (pdir / "etsi_tr103200_EACAA_EF_DG1.bin").read_bytes(),
        14: (pdir / "etsi_tr103200_EF_DG14.bin").read_bytes(),
        15: (pdir / "etsi_tr103200_EACAA_EF_DG15.bin").read_bytes(),
    }
    return pdir, (pdir / "etsi_tr103200_EACAA_EF_SOD.bin").read_bytes(), groups


def test_etsi_document_verifies_at_the_pinned_time(client, headers, officer, etsi):
    _pdir, sod, groups = etsi
    response = post(client, headers, body_for(sod, groups, mrz=ETSI_MRZ, at=PINNED))
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "verified" and data["valid"] is True and data["failed_step"] is None
    assert data["trust_anchor"] == "pinned_dsc"
    steps = {s["name"]: s["status"] for s in data["steps"]}
    assert steps == {
        "signed_attributes": "passed", "signature": "passed", "certificate_chain": "passed", "validity": "passed",
        "revocation": "not_checked", "data_group_hashes": "passed", "data_group_content": "passed",
        "mrz_match": "passed",
    }
    assert {n: g["status"] for n, g in data["data_groups"].items()} == {
        "1": "match", "2": "not_provided", "3": "not_provided", "4": "not_provided", "14": "match", "15": "match",
    }
    assert data["signer"]["serial"] == "130846f2b3e"
    record = ChipVerification.objects.get(id=data["id"])
    assert record.status == "verified" and record.time_pinned and record.actor == officer
    assert record.validated_at.isoformat().startswith("2012-01-01T00:00:00")
    assert record.data_groups == [1, 14, 15] and record.photo is None
    event = AuditEvent.objects.get(action="documents.chip_verify", object_id=data["id"])
    assert event.after["status"] == "verified" and event.after["time_pinned"] is True


def test_etsi_document_without_pinned_time_fails_validity(client, headers, etsi):
    _pdir, sod, groups = etsi
    data = post(client, headers, body_for(sod, groups)).json()
    assert (data["status"], data["failed_step"]) == ("failed", "validity")
    assert "2012-06-06" in next(s["detail"] for s in data["steps"] if s["name"] == "validity")


# Each negative file, by what its name says was changed: (status, failed step) or (422, field, error code).
NEGATIVE = [
    ("etsi_EAC_LDS_F06_EF_DG14_bad_ca_version.bin", 14, (422, "data_groups.14", None)),
    ("etsi_EAC_LDS_I01_EF_DG15_wrong_tag70.bin", 15, (422, "data_groups.15", None)),
    ("etsi_EF_DG15_exponent_changed.bin", 15, ("failed", "data_group_hashes")),
    ("etsi_EF_DG1_country_changed_D_to_ES.bin", 1, ("failed", "data_group_hashes")),
    # A changed hash in the SOD no longer matches the signed message digest: the first step fails.
    ("etsi_sod_dg14_hash_modified.bin", None, ("failed", "signed_attributes")),
    ("etsi_sod_dg1_hash_modified.bin", None, ("failed", "signed_attributes")),
    ("etsi_sod_signature_last_byte_modified.bin", None, ("failed", "signature")),
    ("sod_econtent_type_1.2.840.113549.1.7.5.bin", None, (422, "sod", "wrong_content_type")),
    ("sod_ldsso_version_2.bin", None, (422, "sod", "unsupported_version")),
    ("sod_ldsso_version_minus1.bin", None, (422, "sod", "unsupported_version")),
    ("sod_root_contenttype_1.2.840.113549.1.7.4.bin", None, (422, "sod", "wrong_content_type")),
    ("sod_root_contenttype_1.2.840.113549.1.8.2.bin", None, (422, "sod", "wrong_content_type")),
    ("sod_signeddata_version_v1.bin", None, (422, "sod", "unsupported_version")),
    ("sod_signeddata_version_v2.bin", None, (422, "sod", "unsupported_version")),
    ("sod_signeddata_version_v4.bin", None, (422, "sod", "unsupported_version")),
    ("sod_trailing_byte.bin", None, (422, "sod", "trailing_data")),
]


@pytest.mark.parametrize(("file_name", "group", "expected"), NEGATIVE, ids=[n for n, _, _ in NEGATIVE])
def test_etsi_negative_files_fail_with_their_own_reason(client, headers, etsi, file_name, group, expected):
    pdir, sod, groups = etsi
    bad = (pdir / "negative" / file_name).read_bytes()
    if group is None:
        sod = bad
    else:
        groups = {**groups, group: bad}
    response = post(client, headers, body_for(sod, groups, at=PINNED))
    data = response.json()
    if expected[0] == 422:
        assert response.status_code == 422, data
        assert data["field"] == expected[1]
        if expected[2]:
            assert data["details"]["code"] == expected[2]
        assert not ChipVerification.objects.exists()
    else:
        assert response.status_code == 201, data
        assert (data["status"], data["failed_step"]) == expected
        assert ChipVerification.objects.get(id=data["id"]).failed_step == expected[1]


def test_all_sixteen_negative_files_are_covered(testdata):
    names = sorted(p.name for p in (testdata / "epassport" / "pymrtd" / "negative").iterdir())
    assert names == sorted(n for n, _, _ in NEGATIVE)


# --- generated PKI ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("algorithm", ["rsa", "p256"])
def test_generated_document_verifies_and_keeps_the_photo(client, headers, admin, officer, two_posts, algorithm):
    from openbmis.inspections import services as inspections

    doc = _PKI.document(algorithm)
    services.import_file(admin, file_name="csca.der", data=doc.csca.cert.dump())
    mrz_text = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"
    inspection = inspections.start_inspection(officer, border_post=two_posts[0], client_id=uuid.uuid4(),
                                              direction="entry", mrz_text=mrz_text).inspection.id
    data = post(client, headers, body_for(doc.sod, doc.dgs, inspection_id=str(inspection))).json()
    assert data["status"] == "verified", data
    assert data["inspection_id"] == str(inspection)
    assert data["photo"]["mime_type"] == "image/jp2"
    assert base64.b64decode(data["photo"]["data"]) == JP2
    record = ChipVerification.objects.get(id=data["id"])
    assert record.inspection_id == inspection and not record.time_pinned
    assert bytes(record.photo) == JP2 and record.photo_mime_type == "image/jp2"


def test_unknown_csca_is_reported_as_such(client, headers, admin):
    doc = _PKI.document("p256")
    other = _PKI.country("rsa")[0]
    services.import_file(admin, file_name="other.der", data=other.cert.dump())
    data = post(client, headers, body_for(doc.sod, doc.dgs)).json()
    assert (data["status"], data["failed_step"]) == ("unknown_csca", "certificate_chain")
    chain = next(s for s in data["steps"] if s["name"] == "certificate_chain")
    assert chain["status"] == "failed" and "unknown CSCA" in chain["detail"]


def test_empty_trust_store_is_an_unknown_csca(client, headers):
    doc = _PKI.document("p256")
    data = post(client, headers, body_for(doc.sod, doc.dgs)).json()
    assert (data["status"], data["failed_step"]) == ("unknown_csca", "certificate_chain")


@pytest.mark.parametrize("number", [1, 2, 15])
def test_tampered_data_group_is_named(client, headers, admin, number):
    doc = _PKI.document("p256")
    services.import_file(admin, file_name="csca.der", data=doc.csca.cert.dump())
    tampered = bytearray(doc.dgs[number])
    tampered[-1] ^= 0x01  # last byte: inside the MRZ text, the image, the key
    data = post(client, headers, body_for(doc.sod, {**doc.dgs, number: bytes(tampered)})).json()
    assert (data["status"], data["failed_step"]) == ("failed", "data_group_hashes")
    assert data["data_groups"][str(number)]["status"] == "mismatch"


def test_tampering_outranks_an_unknown_csca(client, headers):
    doc = _PKI.document("p256")
    tampered = bytearray(doc.dgs[1])
    tampered[-1] ^= 0x01
    data = post(client, headers, body_for(doc.sod, {**doc.dgs, 1: bytes(tampered)})).json()
    assert (data["status"], data["failed_step"]) == ("failed", "data_group_hashes")


def test_trust_changes_take_effect_at_once(client, headers, admin):
    doc = _PKI.document("rsa-pss")
    assert post(client, headers, body_for(doc.sod, doc.dgs)).json()["status"] == "unknown_csca"
    services.import_file(admin, file_name="csca.der", data=doc.csca.cert.dump())
    assert post(client, headers, body_for(doc.sod, doc.dgs)).json()["status"] == "verified"
    services.remove_entry(admin, TrustEntry.objects.get(), reason="test")
    assert post(client, headers, body_for(doc.sod, doc.dgs)).json()["status"] == "unknown_csca"


# --- input problems -------------------------------------------------------------------------------------

def test_no_chip_data(client, headers):
    response = post(client, headers, {"data_groups": {}})
    assert response.status_code == 201
    data = response.json()
    assert (data["status"], data["valid"]) == ("no_chip_data", False)
    assert ChipVerification.objects.get(id=data["id"]).status == "no_chip_data"


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda b: {**b, "sod": "%%%not base64"}, "sod"),
        (lambda b: {**b, "data_groups": {**b["data_groups"], "2": "abc"}}, "data_groups.2"),
        (lambda b: {**b, "data_groups": {**b["data_groups"], "17": "AAAA"}}, "data_groups.17"),
        (lambda b: {**b, "data_groups": {**b["data_groups"], "x": "AAAA"}}, "data_groups.x"),
        (lambda b: {**b, "data_groups": {**b["data_groups"], "1": b64(b"\x61\x03abc")}}, "data_groups.1"),
        (lambda b: {**b, "sod": b64(b"\x77\x03\x01\x02\x03")}, "sod"),
        (lambda b: {"data_groups": b["data_groups"]}, "sod"),
        (lambda b: {**b, "at": PINNED, "inspection_id": str(uuid.uuid4())}, "at"),
    ],
    ids=["sod-base64", "dg2-base64", "dg17", "dg-not-a-number", "dg1-unparsable", "sod-unparsable",
         "groups-without-sod", "at-with-inspection"],
)
def test_bad_input_is_422_naming_the_file(client, headers, mutate, field):
    doc = _PKI.document("p256")
    response = post(client, headers, mutate(body_for(doc.sod, doc.dgs)))
    assert response.status_code == 422, response.content
    assert response.json()["field"] == field
    assert not ChipVerification.objects.exists()


def test_token_without_the_documents_scope_is_refused(client, officer, bearer):
    response = post(client, bearer(officer, scopes=["borderposts:read"]), {"data_groups": {}})
    assert response.status_code == 403 and "documents:check" in response.json()["detail"]


def test_reference_instant_of_the_test_pki_is_now_valid():
    # The generated certificates are valid around NOW; the API verifies as of the real current time.
    assert NOW.year >= 2024
