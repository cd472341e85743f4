"""BAC and secure messaging against ICAO Doc 9303 Part 11 Appendix D (every intermediate value)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from openbmis.epassport import (
    SecureMessaging,
    SecureMessagingError,
    complete_mutual_authentication,
    derive_bac_keys,
    mrz_information,
    mutual_authenticate_command,
    parse_ef_com,
)
from openbmis.epassport.bac import check_digit, decrypt, encrypt, kdf, retail_mac


@pytest.fixture(scope="module")
def example(testdata: Path) -> dict:
    return json.loads((testdata / "epassport" / "icao9303_p11_bac_worked_example.json").read_text())


def h(value: str) -> bytes:
    return bytes.fromhex(value)


def test_check_digits(example: dict) -> None:
    for field, expected in example["check_digit_examples"].items():
        assert check_digit(field) == expected[0], field


def test_key_derivation(example: dict) -> None:
    d2 = example["D2_key_derivation"][0]
    info = mrz_information("L898902C", "690806", "940623")
    assert info == d2["MRZ_information"]
    keys = derive_bac_keys(info)
    assert keys.seed == h(d2["K_seed"])
    assert keys.k_enc == h(d2["K_enc"])
    assert keys.k_mac == h(d2["K_mac"])


def test_long_document_number_seed(example: dict) -> None:
    d2 = example["D2_key_derivation"][1]
    info = mrz_information("D23145890734", "340712", "950712")
    assert info == d2["MRZ_information"]
    assert derive_bac_keys(info).seed == h(d2["K_seed"])


def test_mutual_authentication(example: dict) -> None:
    a = example["D3_authentication"]
    keys = derive_bac_keys(example["D2_key_derivation"][0]["MRZ_information"])
    assert encrypt(keys.k_enc, h(a["S"])) == h(a["E_IFD"])
    assert retail_mac(keys.k_mac, h(a["E_IFD"])) == h(a["M_IFD"])
    assert mutual_authenticate_command(keys, h(a["RND_IC"]), h(a["RND_IFD"]), h(a["K_IFD"])) == h(
        a["cmd_data (E_IFD||M_IFD)"]
    )
    assert decrypt(keys.k_enc, h(a["E_IC"])) == h(a["R"])
    session = complete_mutual_authentication(
        keys, h(a["RND_IC"]), h(a["RND_IFD"]), h(a["K_IFD"]), h(a["E_IC"] + a["M_IC"])
    )
    assert kdf(h(a["KS_seed (K_IFD xor K_IC)"]), 1) == h(a["KS_enc"])
    assert (session.ks_enc, session.ks_mac, session.ssc) == (h(a["KS_enc"]), h(a["KS_mac"]), h(a["SSC"]))


def test_mutual_authentication_rejects_bad_mac(example: dict) -> None:
    a = example["D3_authentication"]
    keys = derive_bac_keys(example["D2_key_derivation"][0]["MRZ_information"])
    bad = bytearray(h(a["E_IC"] + a["M_IC"]))
    bad[-1] ^= 1
    with pytest.raises(SecureMessagingError):
        complete_mutual_authentication(keys, h(a["RND_IC"]), h(a["RND_IFD"]), h(a["K_IFD"]), bytes(bad))


def test_secure_messaging_steps(example: dict) -> None:
    a = example["D3_authentication"]
    sm = SecureMessaging(h(a["KS_enc"]), h(a["KS_mac"]), h(a["SSC"]))
    data = b""
    for step in example["D4_secure_messaging"]:
        assert sm.protect(h(step["unprotected_apdu"])) == h(step["protected_apdu"]), step["step"]
        plain, status = sm.unprotect(h(step["rapdu"]))
        assert status == b"\x90\x00"
        if "decrypted" in step:
            assert plain == h(step["decrypted"])
        data += plain
    assert data == h(example["EF_COM_result"].split(" ")[0])
    com = parse_ef_com(data)
    assert (com.lds_version, com.unicode_version, com.data_groups) == ("0106", "040000", (1, 2))


def test_secure_messaging_rejects_tampered_response(example: dict) -> None:
    a = example["D3_authentication"]
    sm = SecureMessaging(h(a["KS_enc"]), h(a["KS_mac"]), h(a["SSC"]))
    step = example["D4_secure_messaging"][0]
    sm.protect(h(step["unprotected_apdu"]))
    bad = bytearray(h(step["rapdu"]))
    bad[3] ^= 1
    with pytest.raises(SecureMessagingError):
        sm.unprotect(bytes(bad))
