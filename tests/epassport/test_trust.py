"""Trust store imports: CSCA files, master lists (signer verified), PKD LDIF, directories."""

from __future__ import annotations

import base64
from pathlib import Path

from tests.epassport.epassport_pki import (
    NOW,
    Party,
    Pki,
    make_cert,
    make_crl,
    name,
    new_key,
    signed_data,
    tlv,
)

from openbmis.epassport import TrustStore, parse_ldif, verify


def master_list(pki: Pki, signer_country: str, certs: list[bytes]) -> tuple[bytes, Party]:
    csca, _ = pki.country(signer_country)
    key = new_key("p256")
    signer = Party(key, make_cert(name("ML signer"), key, csca, ca=False, serial=555))
    content = tlv(0x30, b"\x02\x01\x00" + tlv(0x31, b"".join(sorted(certs))))
    return signed_data("2.23.136.1.1.2", content, signer), signer


def test_master_list_import_verifies_signer(pki: Pki) -> None:
    signer_csca, _ = pki.country("p256")
    doc = pki.document("rsa")
    data, _ = master_list(pki, "p256", [doc.csca.cert.dump(), pki.country("rsa-pss")[0].cert.dump()])
    store = TrustStore()
    store.add_certificate(signer_csca.cert.dump())
    report = store.add_master_list(data, "ml")
    assert not report.rejected and [a.kind for a in report.added] == ["csca", "csca"]
    assert verify(doc.sod, doc.dgs, trust_store=store, at=NOW).valid


def test_master_list_from_unknown_signer_rejected(pki: Pki) -> None:
    data, _ = master_list(pki, "p256", [pki.country("rsa")[0].cert.dump()])
    report = TrustStore().add_master_list(data, "ml")
    assert not report.added and "does not chain to a trusted CSCA" in report.rejected[0].reason


def test_tampered_master_list_rejected(pki: Pki) -> None:
    signer_csca, _ = pki.country("p256")
    data, _ = master_list(pki, "p256", [pki.country("rsa")[0].cert.dump()])
    raw = bytearray(data)
    raw[200] ^= 0x01  # inside the listed certificate: the message digest no longer matches
    store = TrustStore()
    store.add_certificate(signer_csca.cert.dump())
    report = store.add_master_list(bytes(raw), "ml")
    assert not report.added and report.rejected


def test_ldif_import(pki: Pki) -> None:
    doc = pki.document("rsa")
    crl_der = make_crl(doc.csca, [])
    b64 = base64.b64encode(doc.dsc.cert.dump()).decode()
    folded = "\n ".join(b64[i : i + 76] for i in range(0, len(b64), 76))
    text = (
        "dn: cn=dsc,o=dsc,c=UT,dc=data,dc=download,dc=pkd\n"
        f"userCertificate;binary:: {folded}\n\n"
        "dn: cn=crl,o=crl,c=UT,dc=data,dc=download,dc=pkd\n"
        f"certificateRevocationList;binary:: {base64.b64encode(crl_der).decode()}\n"
    )
    assert parse_ldif(text)[0]["userCertificate;binary"] == [doc.dsc.cert.dump()]
    store = TrustStore()
    store.add_certificate(doc.csca.cert.dump())
    report = store.add_ldif(text, "pkd.ldif")
    assert [a.kind for a in report.added] == ["dsc", "crl"] and not report.rejected
    # A SOD without its DSC is verified with the DSC from the LDIF.
    assert store.find_dsc(doc.dsc.cert.issuer, doc.dsc.cert.serial_number, None) is not None


def test_directory_import_reports_rejections(tmp_path: Path, pki: Pki) -> None:
    csca, _ = pki.country("p256")
    (tmp_path / "csca.der").write_bytes(csca.cert.dump())
    (tmp_path / "garbage.cer").write_bytes(b"not a certificate")
    report = TrustStore().add_path(tmp_path)
    assert [a.kind for a in report.added] == ["csca"]
    assert report.rejected[0].source == "garbage.cer"
    assert report.as_dict()["rejected"][0]["reason"]
