"""Passive authentication against the generated test PKI: algorithms, link certificates, CRLs, tampering."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from tests.epassport.epassport_pki import (
    JP2,
    MRZ_TD3,
    NOW,
    Party,
    Pki,
    make_cert,
    make_crl,
    make_sod,
    name,
    new_key,
)

from openbmis.epassport import TrustStore, parse_dg2, verify

ALGORITHMS = ["rsa", "rsa-pss", "p256", "bp256", "bp256-explicit"]


def store_with(*parties: Party) -> TrustStore:
    store = TrustStore()
    for party in parties:
        assert store.add_certificate(party.cert.dump()).added
    return store


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_document_verifies(pki: Pki, algorithm: str) -> None:
    doc = pki.document(algorithm)
    result = verify(doc.sod, doc.dgs, trust_store=store_with(doc.csca), at=NOW, mrz=MRZ_TD3)
    assert result.valid, result.errors
    assert result.trust_anchor == "csca"
    assert [s.status for s in result.steps] == ["passed"] * 4 + ["not_checked"] + ["passed"] * 3


def test_signature_step_names_algorithm_and_curve(pki: Pki) -> None:
    doc = pki.document("bp256-explicit")
    detail = verify(doc.sod, doc.dgs, trust_store=store_with(doc.csca), at=NOW).step("signature").detail
    assert "ecdsa" in detail and "brainpoolP256r1" in detail


def test_lds_v1_sod(pki: Pki) -> None:
    doc = pki.document("p256", lds_version=1)
    result = verify(doc.sod, doc.dgs, trust_store=store_with(doc.csca), at=NOW)
    assert result.valid and result.sod is not None and result.sod.lds_version_info == ("0108", "080000")


def test_dg2_jpeg2000_returned_as_image(pki: Pki) -> None:
    doc = pki.document("rsa", image="jpeg2000")
    image = parse_dg2(doc.dgs[2]).images[0]
    assert (image.format, image.mime_type, image.data, image.width, image.height) == (
        "jpeg2000",
        "image/jp2",
        JP2,
        240,
        320,
    )


def test_unknown_csca_fails_chain(pki: Pki) -> None:
    doc = pki.document("rsa")
    other, _ = pki.country("p256")
    result = verify(doc.sod, doc.dgs, trust_store=store_with(other), at=NOW)
    assert result.failed_steps == ["certificate_chain"]
    assert result.errors[0]["code"] == "unknown_csca"


def test_validity_outside_period(pki: Pki) -> None:
    doc = pki.document("rsa")
    result = verify(doc.sod, doc.dgs, trust_store=store_with(doc.csca), at=NOW + timedelta(days=365 * 6))
    assert result.failed_steps == ["validity"]


def test_link_certificate_path() -> None:
    old_key, new_key_ = new_key("p256"), new_key("p256")
    subject = name("CSCA link", "LK")
    old = Party(old_key, make_cert(subject, old_key, None, ca=True, serial=1))
    new = Party(new_key_, make_cert(subject, new_key_, None, ca=True, serial=2))
    link = make_cert(subject, new_key_, old, ca=True, serial=3)
    dsc_key = new_key("p256")
    dsc = Party(dsc_key, make_cert(name("DSC link", "LK"), dsc_key, new, ca=False, serial=4))
    groups = {1: b"\x61\x03\x5f\x1f\x00"}
    sod = make_sod(groups, dsc)
    store = TrustStore()
    store.add_certificate(old.cert.dump())
    assert [a.kind for a in store.add_certificate(link.dump()).added] == ["link"]
    result = verify(sod, groups, trust_store=store, at=NOW, strict=False)
    assert result.step("certificate_chain").status == "passed"
    assert "1 link certificate" in result.step("certificate_chain").detail
    assert len(result.chain) == 2
    # Tampering the link certificate's signature breaks the path.
    raw = bytearray(link.dump())
    raw[-5] ^= 0x01
    bad = TrustStore()
    bad.add_certificate(old.cert.dump())
    bad.add_certificate(bytes(raw))
    assert (
        verify(sod, groups, trust_store=bad, at=NOW, strict=False).step("certificate_chain").status
        == "failed"
    )


def test_crl_revocation(pki: Pki) -> None:
    doc = pki.document("rsa")
    store = store_with(doc.csca)
    assert store.add_crl(make_crl(doc.csca, [(doc.dsc.cert.serial_number, NOW - timedelta(days=1))])).added
    result = verify(doc.sod, doc.dgs, trust_store=store, at=NOW)
    assert result.failed_steps == ["revocation"] and result.errors[0]["code"] == "dsc_revoked"
    # Before the revocation date the DSC is still good.
    assert verify(doc.sod, doc.dgs, trust_store=store, at=NOW - timedelta(days=2)).valid
    clean = store_with(doc.csca)
    clean.add_crl(make_crl(doc.csca, [(999, NOW)]))
    assert verify(doc.sod, doc.dgs, trust_store=clean, at=NOW).step("revocation").status == "passed"


def test_forged_crl_rejected_at_import(pki: Pki) -> None:
    doc = pki.document("rsa")
    store = store_with(doc.csca)
    raw = bytearray(make_crl(doc.csca, []))
    raw[-3] ^= 0xFF
    report = store.add_crl(bytes(raw))
    assert not report.added and "does not verify" in report.rejected[0].reason


def test_mrz_mismatch(pki: Pki) -> None:
    doc = pki.document("p256")
    other = MRZ_TD3.replace("ERIKSSON", "ERIKSSEN")
    result = verify(doc.sod, doc.dgs, trust_store=store_with(doc.csca), at=NOW, mrz=other)
    assert result.failed_steps == ["mrz_match"]


def _sample_positions(length: int, count: int, seed: int) -> list[int]:
    rng = random.Random(seed)
    return sorted({0, 1, length - 1, *rng.sample(range(length), min(count, length))})


@pytest.mark.parametrize("number", [1, 2, 15])
def test_tampering_any_data_group_byte_is_detected(pki: Pki, number: int) -> None:
    doc = pki.document("p256")
    store = store_with(doc.csca)
    for position in _sample_positions(len(doc.dgs[number]), 12, number):
        groups = dict(doc.dgs)
        raw = bytearray(groups[number])
        raw[position] ^= 0x01
        groups[number] = bytes(raw)
        result = verify(doc.sod, groups, trust_store=store, at=NOW, strict=False)
        assert not result.valid
        assert result.data_group_checks[number].status == "mismatch", position
        assert f"DG{number}" in result.step("data_group_hashes").detail


def test_tampering_sod_bytes_is_detected(pki: Pki) -> None:
    from openbmis.epassport import EPassportError

    doc = pki.document("rsa")
    store = store_with(doc.csca)
    for position in _sample_positions(len(doc.sod), 40, 7):
        raw = bytearray(doc.sod)
        raw[position] ^= 0x01
        try:
            result = verify(bytes(raw), doc.dgs, trust_store=store, at=NOW)
        except EPassportError as exc:  # a structural change is named by the parser
            assert exc.where, position
            continue
        assert not result.valid, position
        assert result.errors and all(e["where"] and e["code"] for e in result.errors), position


def test_tampering_csca_is_detected(pki: Pki) -> None:
    doc = pki.document("rsa")
    raw = bytearray(doc.csca.cert.dump())
    raw[len(raw) // 2] ^= (
        0x01  # inside the public key or signature: either breaks self-signature or the chain
    )
    store = TrustStore()
    report = store.add_certificate(bytes(raw))
    if report.added:
        result = verify(doc.sod, doc.dgs, trust_store=store, at=NOW)
        assert result.step("certificate_chain").status == "failed"
    else:
        assert report.rejected


def test_csca_with_same_name_but_other_key_is_not_trusted(pki: Pki) -> None:
    doc = pki.document("rsa")
    impostor_key = new_key("rsa")
    impostor = make_cert(doc.csca.cert.subject, impostor_key, None, ca=True, serial=77)
    store = TrustStore()
    store.add_certificate(impostor.dump())
    result = verify(doc.sod, doc.dgs, trust_store=store, at=NOW)
    assert result.failed_steps == ["certificate_chain"]
    assert result.errors[0]["code"] == "unknown_csca_key"
