"""Evidence from the ETSI TR 103 200 files and the 16 negative files (written out from ZeroPass/pymrtd tests)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from openbmis.epassport import (
    BadTag,
    EPassportError,
    TrailingData,
    TrustStore,
    UnsupportedVersion,
    WrongContentType,
    parse_dg1,
    parse_dg14,
    parse_dg15,
    parse_sod,
    verify,
)

# The DSC is valid 2011-06-12 .. 2012-06-06 (testdata README: pin the date).
PINNED = datetime(2012, 1, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def pdir(testdata: Path) -> Path:
    return testdata / "epassport" / "pymrtd"


def etsi_groups(pdir: Path) -> dict[int, bytes]:
    return {
        1: (pdir / "etsi_tr103200_EACAA_EF_DG1.bin").read_bytes(),
        14: (pdir / "etsi_tr103200_EF_DG14.bin").read_bytes(),
        15: (pdir / "etsi_tr103200_EACAA_EF_DG15.bin").read_bytes(),
    }


def pinned_store(pdir: Path) -> TrustStore:
    store = TrustStore()
    report = store.add_certificate((pdir / "dsc_de_0130846f2b3e.cer").read_bytes(), "dsc")
    assert [a.kind for a in report.added] == ["pinned_dsc"]
    return store


def test_etsi_sod_parses_to_its_published_content(pdir: Path) -> None:
    sod = parse_sod((pdir / "etsi_tr103200_EACAA_EF_SOD.bin").read_bytes())
    assert sod.lds_version == 0
    assert sod.hash_algorithm == "sha256"
    assert sorted(sod.data_group_hashes) == [1, 2, 3, 4, 14, 15]
    cert = sod.signer_certificate()
    assert cert is not None and cert.serial_number == 0x130846F2B3E


def test_etsi_document_verifies_with_pinned_dsc_at_pinned_time(pdir: Path) -> None:
    result = verify(
        (pdir / "etsi_tr103200_EACAA_EF_SOD.bin").read_bytes(),
        etsi_groups(pdir),
        trust_store=pinned_store(pdir),
        at=PINNED,
        mrz="P<D<<MUSTERMANN<<ERIKA<<<<<<<<<<<<<<<<<<<<<<\nC11T002JM4D<<9608122F1310317<<<<<<<<<<<<<<<6",
    )
    assert result.valid, result.errors
    assert result.trust_anchor == "pinned_dsc"
    # Honest about the chain: the CSCA "ETSI CS" is not in the test data, so it was not checked.
    assert "ETSI CS" in result.step("certificate_chain").detail
    assert "not checked" in result.step("certificate_chain").detail
    assert result.step("revocation").status == "not_checked"
    assert result.step("mrz_match").status == "passed"
    assert {n: c.status for n, c in result.data_group_checks.items()} == {
        1: "match",
        2: "not_provided",
        3: "not_provided",
        4: "not_provided",
        14: "match",
        15: "match",
    }
    assert result.to_dict()["signer"] == {
        "subject": "Common Name: ETSI DS, Organizational Unit: Document Signer, Organization: ETSI, Country: DE",
        "serial": "130846f2b3e",
        "not_before": "2011-06-12T15:18:56Z",
        "not_after": "2012-06-06T15:18:56Z",
    }


def test_etsi_without_trust_store_reports_chain_not_checked(pdir: Path) -> None:
    result = verify((pdir / "etsi_tr103200_EACAA_EF_SOD.bin").read_bytes(), etsi_groups(pdir), at=PINNED)
    assert not result.valid
    assert result.step("certificate_chain").status == "not_checked"
    assert result.step("signature").status == "passed"


def test_etsi_now_fails_validity(pdir: Path) -> None:
    result = verify(
        (pdir / "etsi_tr103200_EACAA_EF_SOD.bin").read_bytes(),
        etsi_groups(pdir),
        trust_store=pinned_store(pdir),
    )
    assert result.failed_steps == ["validity"]


@pytest.mark.parametrize(
    ("file", "error", "where", "found"),
    [
        (
            "sod_econtent_type_1.2.840.113549.1.7.5.bin",
            WrongContentType,
            "EF.SOD eContentType",
            "1.2.840.113549.1.7.5",
        ),
        (
            "sod_root_contenttype_1.2.840.113549.1.7.4.bin",
            WrongContentType,
            "EF.SOD ContentInfo.contentType",
            "1.2.840.113549.1.7.4",
        ),
        (
            "sod_root_contenttype_1.2.840.113549.1.8.2.bin",
            WrongContentType,
            "EF.SOD ContentInfo.contentType",
            "1.2.840.113549.1.8.2",
        ),
        ("sod_ldsso_version_2.bin", UnsupportedVersion, "LDSSecurityObject.version", "2"),
        ("sod_ldsso_version_minus1.bin", UnsupportedVersion, "LDSSecurityObject.version", "-1"),
        ("sod_signeddata_version_v1.bin", UnsupportedVersion, "EF.SOD SignedData.version", "v1"),
        ("sod_signeddata_version_v2.bin", UnsupportedVersion, "EF.SOD SignedData.version", "v2"),
        ("sod_signeddata_version_v4.bin", UnsupportedVersion, "EF.SOD SignedData.version", "v4"),
        ("sod_trailing_byte.bin", TrailingData, "EF.SOD", "1"),
    ],
)
def test_negative_sod_fails_with_its_own_reason(
    pdir: Path, file: str, error: type, where: str, found: str
) -> None:
    with pytest.raises(error) as caught:
        parse_sod((pdir / "negative" / file).read_bytes())
    assert caught.value.where == where
    assert str(caught.value.found).startswith(found)


@pytest.mark.parametrize(
    ("file", "parser", "error", "found"),
    [
        ("etsi_EAC_LDS_F06_EF_DG14_bad_ca_version.bin", parse_dg14, UnsupportedVersion, 16),
        ("etsi_EAC_LDS_I01_EF_DG15_wrong_tag70.bin", parse_dg15, BadTag, "70"),
    ],
)
def test_negative_data_group_fails_to_parse(
    pdir: Path, file: str, parser: object, error: type, found: object
) -> None:
    with pytest.raises(error) as caught:
        parser((pdir / "negative" / file).read_bytes())  # type: ignore[operator]
    assert caught.value.found == found


@pytest.mark.parametrize(
    ("replace", "file", "failed", "mismatched"),
    [
        ("sod", "etsi_sod_dg1_hash_modified.bin", ["signed_attributes", "data_group_hashes"], [1]),
        ("sod", "etsi_sod_dg14_hash_modified.bin", ["signed_attributes", "data_group_hashes"], [14]),
        ("sod", "etsi_sod_signature_last_byte_modified.bin", ["signature"], []),
        (1, "etsi_EF_DG1_country_changed_D_to_ES.bin", ["data_group_hashes"], [1]),
        (15, "etsi_EF_DG15_exponent_changed.bin", ["data_group_hashes"], [15]),
        (
            14,
            "etsi_EAC_LDS_F06_EF_DG14_bad_ca_version.bin",
            ["data_group_hashes", "data_group_content"],
            [14],
        ),
        (15, "etsi_EAC_LDS_I01_EF_DG15_wrong_tag70.bin", ["data_group_hashes", "data_group_content"], [15]),
    ],
)
def test_negative_etsi_files_fail_verification_at_their_step(
    pdir: Path, replace: object, file: str, failed: list[str], mismatched: list[int]
) -> None:
    sod = (pdir / "etsi_tr103200_EACAA_EF_SOD.bin").read_bytes()
    groups = etsi_groups(pdir)
    if replace == "sod":
        sod = (pdir / "negative" / file).read_bytes()
    else:
        groups[replace] = (pdir / "negative" / file).read_bytes()  # type: ignore[index]
    result = verify(sod, groups, trust_store=pinned_store(pdir), at=PINNED)
    assert not result.valid
    assert result.failed_steps == failed
    assert [n for n, c in result.data_group_checks.items() if c.status == "mismatch"] == mismatched


@pytest.mark.parametrize(
    ("file", "fmt", "first_line"),
    [
        ("icao9303_p10_A.2.1_td1_EF_DG1.bin", "TD1", "I<NLDXI85935F86999999990<<<<<<"),
        ("icao9303_p10_A.2.2_td2_EF_DG1_corrected.bin", "TD2", "I<ATASMITH<<JOHN<T<<<<<<<<<<<<<<<<<<"),
        ("icao9303_p4_td3_as_EF_DG1.bin", "TD3", "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"),
        ("etsi_tr103200_EACAA_EF_DG1.bin", "TD3", "P<D<<MUSTERMANN<<ERIKA<<<<<<<<<<<<<<<<<<<<<<"),
    ],
)
def test_dg1_samples(pdir: Path, file: str, fmt: str, first_line: str) -> None:
    group = parse_dg1((pdir / file).read_bytes())
    assert group.document_format == fmt
    assert group.lines[0] == first_line
    assert "".join(group.lines) == group.mrz


def test_dg14_etsi_security_infos(pdir: Path) -> None:
    infos = parse_dg14((pdir / "etsi_tr103200_EF_DG14.bin").read_bytes()).infos
    kinds = {i.kind: i for i in infos}
    assert kinds["ChipAuthenticationPublicKeyInfo"].curve == "brainpoolP224r1"  # explicit parameters, mapped
    assert kinds["ChipAuthenticationInfo"].version == 1
    assert kinds["TerminalAuthenticationInfo"].version == 1


def test_dg15_etsi_rsa_key(pdir: Path) -> None:
    key = parse_dg15((pdir / "etsi_tr103200_EACAA_EF_DG15.bin").read_bytes())
    assert (key.algorithm, key.key_size) == ("rsa", 1024)


def test_every_negative_file_is_covered(pdir: Path) -> None:
    covered = {
        "sod_econtent_type_1.2.840.113549.1.7.5.bin", "sod_root_contenttype_1.2.840.113549.1.7.4.bin",
        "sod_root_contenttype_1.2.840.113549.1.8.2.bin", "sod_ldsso_version_2.bin", "sod_ldsso_version_minus1.bin",
        "sod_signeddata_version_v1.bin", "sod_signeddata_version_v2.bin", "sod_signeddata_version_v4.bin",
        "sod_trailing_byte.bin", "etsi_sod_dg1_hash_modified.bin", "etsi_sod_dg14_hash_modified.bin",
        "etsi_sod_signature_last_byte_modified.bin", "etsi_EF_DG1_country_changed_D_to_ES.bin",
        "etsi_EF_DG15_exponent_changed.bin", "etsi_EAC_LDS_F06_EF_DG14_bad_ca_version.bin",
        "etsi_EAC_LDS_I01_EF_DG15_wrong_tag70.bin",
    }  # fmt: skip
    assert {p.name for p in (pdir / "negative").iterdir()} == covered
    assert issubclass(WrongContentType, EPassportError) and issubclass(EPassportError, ValueError)


def test_relaxed_mode_tolerates_and_reports(pdir: Path) -> None:
    sod = parse_sod((pdir / "negative" / "sod_trailing_byte.bin").read_bytes(), strict=False)
    assert any("trailing" in t or "after the end" in t for t in sod.tolerated)
    sod = parse_sod((pdir / "negative" / "sod_signeddata_version_v1.bin").read_bytes(), strict=False)
    assert any("SignedData.version" in t for t in sod.tolerated)
