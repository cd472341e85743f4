"""hypothesis: random and mutated SOD and data group bytes raise only the library's own error type."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.paths import shared_testdata

from openbmis.epassport import EPassportError, parse_data_group, parse_sod, verify

_SEED = shared_testdata() / "epassport" / "pymrtd" / "etsi_tr103200_EACAA_EF_SOD.bin"


def _seed_sod() -> bytes:
    if _SEED.is_file():
        return _SEED.read_bytes()
    # Without the external data, mutate a minimal hand-made SOD header instead.
    return bytes.fromhex("770a3008060667810801010100")


SOD = _seed_sod()


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(SOD)
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["flip", "set", "cut", "insert"]))
        pos = draw(st.integers(0, max(0, len(data) - 1)))
        if kind == "flip" and data:
            data[pos] ^= 1 << draw(st.integers(0, 7))
        elif kind == "set" and data:
            data[pos] = draw(st.integers(0, 255))
        elif kind == "cut":
            del data[pos:]
        else:
            data[pos:pos] = draw(st.binary(min_size=1, max_size=4))
    return bytes(data)


def _only_own_errors(data: bytes) -> None:
    try:
        verify(data, {}, at=datetime(2012, 1, 1, tzinfo=UTC))
    except EPassportError:
        pass


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300))
def test_random_bytes(data: bytes) -> None:
    _only_own_errors(data)
    _only_own_errors(b"\x77" + bytes([len(data) % 128]) + data)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_sod(data: bytes) -> None:
    _only_own_errors(data)
    try:
        parse_sod(data, strict=False)
    except EPassportError:
        pass


@settings(max_examples=150, deadline=None)
@given(st.sampled_from([1, 2, 11, 12, 14, 15]), st.binary(max_size=200))
def test_random_data_groups(number: int, data: bytes) -> None:
    tag = {1: 0x61, 2: 0x75, 11: 0x6B, 12: 0x6C, 14: 0x6E, 15: 0x6F}[number]
    for candidate in (data, bytes([tag, len(data) % 128]) + data):
        try:
            parse_data_group(number, candidate, strict=False)
        except EPassportError:
            pass
