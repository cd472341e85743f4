"""LDS containers built by the tests, and the explicit-curve table checked by independent arithmetic."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from tests.epassport.epassport_pki import JP2, JPEG, dg2_19794, dg2_39794, tlv

from openbmis.epassport import BadTag, TrailingData, parse_dg2, parse_dg11, parse_dg12
from openbmis.epassport.crypto import _CURVES


def _mul(k: int, point: tuple[int, int] | None, p: int, a: int) -> tuple[int, int] | None:
    def add(u: tuple[int, int] | None, v: tuple[int, int] | None) -> tuple[int, int] | None:
        if u is None:
            return v
        if v is None:
            return u
        if u[0] == v[0] and (u[1] + v[1]) % p == 0:
            return None
        if u == v:
            m = (3 * u[0] * u[0] + a) * pow(2 * u[1], -1, p) % p
        else:
            m = (v[1] - u[1]) * pow(v[0] - u[0], -1, p) % p
        x = (m * m - u[0] - v[0]) % p
        return x, (m * (u[0] - x) - u[1]) % p

    result = None
    while k:
        if k & 1:
            result = add(result, point)
        point = add(point, point)
        k >>= 1
    return result


CRYPTO_CURVES = {
    "secp256r1": ec.SECP256R1(), "secp384r1": ec.SECP384R1(), "brainpoolP256r1": ec.BrainpoolP256R1(),
    "brainpoolP384r1": ec.BrainpoolP384R1(), "secp224r1": ec.SECP224R1(),
}  # fmt: skip


@pytest.mark.parametrize("curve", _CURVES, ids=lambda c: c.name)
def test_curve_table_is_a_curve_of_the_stated_order(curve: object) -> None:
    c = curve
    assert (c.gy**2 - (c.gx**3 + c.a * c.gx + c.b)) % c.p == 0  # type: ignore[attr-defined]
    assert _mul(c.n, (c.gx, c.gy), c.p, c.a) is None  # type: ignore[attr-defined]
    if c.name in CRYPTO_CURVES:  # type: ignore[attr-defined]
        key = ec.generate_private_key(CRYPTO_CURVES[c.name])  # type: ignore[attr-defined]
        numbers = key.public_key().public_numbers()
        assert _mul(key.private_numbers().private_value, (c.gx, c.gy), c.p, c.a) == (numbers.x, numbers.y)  # type: ignore[attr-defined]


def test_dg2_containers() -> None:
    assert parse_dg2(dg2_19794(JP2, 1)).images[0].format == "jpeg2000"
    image = parse_dg2(dg2_39794(JPEG)).images[0]
    assert (image.format, image.container, image.data) == ("jpeg", "ISO/IEC 39794-5", JPEG)


def test_dg2_declared_type_mismatch_strict_and_relaxed() -> None:
    data = dg2_19794(JPEG, 1)  # declares JPEG 2000, holds JPEG
    with pytest.raises(ValueError, match="declared type"):
        parse_dg2(data)
    relaxed = parse_dg2(data, strict=False)
    assert relaxed.images[0].format == "jpeg" and relaxed.tolerated


def test_dg11_dg12() -> None:
    dg11 = tlv(
        0x6B, tlv(0x5C, b"\x5f\x0e\x5f\x2b") + tlv(0x5F0E, "MÜLLER<<ANNA".encode()) + tlv(0x5F2B, b"19740812")
    )
    parsed = parse_dg11(dg11)
    assert parsed.fields == {"full_name": "MÜLLER<<ANNA", "date_of_birth": "19740812"}
    dg12 = tlv(
        0x6C, tlv(0x5C, b"\x5f\x19") + tlv(0x5F19, b"UTOPIA PASSPORT OFFICE") + tlv(0x5F26, b"20200101")
    )
    assert parse_dg12(dg12).fields["date_of_issue"] == "20200101"
    with pytest.raises(BadTag):
        parse_dg12(dg11)
    with pytest.raises(TrailingData):
        parse_dg11(dg11 + b"\x00")
