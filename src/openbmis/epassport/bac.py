"""Basic Access Control and secure messaging (ICAO Doc 9303 Part 11, sections 4.3, 9.7 and Appendix D).

BAC derives 3DES keys from the MRZ: ``K_seed`` is the first 16 bytes of SHA-1 over document number, date of
birth and date of expiry (each with its check digit); ``KDF(seed, c) = SHA-1(seed || c)[:16]`` with DES parity
bits adjusted gives K_enc (c = 1) and K_mac (c = 2).  Mutual authentication exchanges 3DES-CBC-encrypted
nonces and key halves authenticated with the ISO/IEC 9797-1 MAC algorithm 3 (retail MAC, padding method 2);
the session keys come from ``K_IFD xor K_IC`` and the send sequence counter from the nonces.  Secure messaging
then wraps each APDU in DO'87' (encrypted data), DO'97' (Le), DO'99' (status) and DO'8E' (MAC).

Pure functions only: talking to the chip is the reader application's job.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
from cryptography.hazmat.primitives.ciphers import Cipher, modes

from openbmis.mrz import MRZError
from openbmis.mrz import check_digit as mrz_check_digit

from .errors import SecureMessagingError
from .tlv import encode_tlv, read_children


def check_digit(field: str) -> str:
    """The Doc 9303 Part 3 check digit of a BAC key field (the MRZ library's, with this library's error)."""
    try:
        return mrz_check_digit(field)
    except MRZError as error:
        raise SecureMessagingError(
            "character not allowed in an MRZ field", where="check digit", found=error.found
        ) from None


def mrz_information(document_number: str, date_of_birth: str, date_of_expiry: str) -> str:
    """The BAC key seed input: each field (document number padded to 9 with ``<``) followed by its check digit."""
    number = document_number.upper().ljust(9, "<")
    return "".join(f + check_digit(f) for f in (number, date_of_birth, date_of_expiry))


def adjust_parity(key: bytes) -> bytes:
    """Set each byte's lowest bit so that the byte has odd parity (DES keys)."""
    return bytes((b & 0xFE) | ((bin(b & 0xFE).count("1") + 1) % 2) for b in key)


def kdf(seed: bytes, counter: int) -> bytes:
    """Doc 9303 Part 11 9.7.1: SHA-1(seed || counter)[:16], parity-adjusted (3DES two-key)."""
    return adjust_parity(hashlib.sha1(seed + counter.to_bytes(4, "big")).digest()[:16])  # noqa: S324 - mandated


@dataclass(frozen=True, slots=True)
class BacKeys:
    """The document basic access keys derived from the MRZ."""

    seed: bytes
    k_enc: bytes
    k_mac: bytes


def derive_bac_keys(mrz_info: str) -> BacKeys:
    """K_seed, K_enc and K_mac from the MRZ information string."""
    seed = hashlib.sha1(mrz_info.encode("ascii")).digest()[:16]  # noqa: S324 - mandated by Doc 9303
    return BacKeys(seed, kdf(seed, 1), kdf(seed, 2))


def pad(data: bytes) -> bytes:
    """ISO/IEC 9797-1 padding method 2: 0x80 then zeros up to a multiple of 8."""
    data = data + b"\x80"
    return data + b"\x00" * (-len(data) % 8)


def unpad(data: bytes) -> bytes:
    """Remove padding method 2; raise when it is absent."""
    stripped = data.rstrip(b"\x00")
    if not stripped.endswith(b"\x80"):
        raise SecureMessagingError("padding method 2 not found", where="decrypted data")
    return stripped[:-1]


def _3des(key: bytes) -> TripleDES:
    return TripleDES(key + key[:8] if len(key) == 16 else key)


def encrypt(key: bytes, data: bytes) -> bytes:
    """3DES-CBC with a zero IV (data already padded)."""
    encryptor = Cipher(_3des(key), modes.CBC(bytes(8))).encryptor()
    return encryptor.update(data) + encryptor.finalize()


def decrypt(key: bytes, data: bytes) -> bytes:
    """3DES-CBC decryption with a zero IV."""
    if len(data) % 8:
        raise SecureMessagingError("ciphertext length is not a multiple of 8", found=len(data))
    decryptor = Cipher(_3des(key), modes.CBC(bytes(8))).decryptor()
    return decryptor.update(data) + decryptor.finalize()


def retail_mac(key: bytes, data: bytes, *, padded: bool = False) -> bytes:
    """ISO/IEC 9797-1 MAC algorithm 3 with DES: single-DES CBC with K1, then decrypt K2 / encrypt K1 on the last block."""
    message = data if padded else pad(data)
    k1, k2 = key[:8], key[8:16]
    single = Cipher(TripleDES(k1 * 3), modes.CBC(bytes(8))).encryptor()
    last = (single.update(message) + single.finalize())[-8:]
    step = Cipher(TripleDES(k2 * 3), modes.ECB()).decryptor()  # noqa: S305 - one block of the MAC algorithm
    last = step.update(last) + step.finalize()
    final = Cipher(TripleDES(k1 * 3), modes.ECB()).encryptor()  # noqa: S305
    return final.update(last) + final.finalize()


@dataclass(frozen=True, slots=True)
class SessionKeys:
    """Secure-messaging keys and the initial send sequence counter."""

    ks_enc: bytes
    ks_mac: bytes
    ssc: bytes


def mutual_authenticate_command(keys: BacKeys, rnd_ic: bytes, rnd_ifd: bytes, k_ifd: bytes) -> bytes:
    """The MUTUAL AUTHENTICATE command data E_IFD || M_IFD (Doc 9303 Part 11 4.3.3.1)."""
    e_ifd = encrypt(keys.k_enc, rnd_ifd + rnd_ic + k_ifd)
    return e_ifd + retail_mac(keys.k_mac, e_ifd)


def complete_mutual_authentication(
    keys: BacKeys, rnd_ic: bytes, rnd_ifd: bytes, k_ifd: bytes, response: bytes
) -> SessionKeys:
    """Check the chip's response E_IC || M_IC and derive the session keys and SSC."""
    if len(response) != 40:
        raise SecureMessagingError("mutual authentication response length", expected=40, found=len(response))
    e_ic, m_ic = response[:32], response[32:]
    if not hmac.compare_digest(retail_mac(keys.k_mac, e_ic), m_ic):
        raise SecureMessagingError("MAC over the chip's response does not verify", where="M_IC")
    plain = decrypt(keys.k_enc, e_ic)
    if plain[:8] != rnd_ic or plain[8:16] != rnd_ifd:
        raise SecureMessagingError("nonces in the chip's response do not match", where="E_IC")
    k_ic = plain[16:32]
    seed = bytes(a ^ b for a, b in zip(k_ifd, k_ic, strict=True))
    return SessionKeys(kdf(seed, 1), kdf(seed, 2), rnd_ic[4:] + rnd_ifd[4:])


class SecureMessaging:
    """A secure-messaging channel: wraps command APDUs and unwraps response APDUs, counting the SSC."""

    def __init__(self, ks_enc: bytes, ks_mac: bytes, ssc: bytes) -> None:
        self.ks_enc = ks_enc
        self.ks_mac = ks_mac
        self.ssc = int.from_bytes(ssc, "big")

    def _next_ssc(self) -> bytes:
        self.ssc = (self.ssc + 1) % (1 << 64)
        return self.ssc.to_bytes(8, "big")

    def protect(self, apdu: bytes) -> bytes:
        """Wrap a short command APDU (cases 1-4)."""
        if len(apdu) < 4:
            raise SecureMessagingError("APDU shorter than its header", found=len(apdu))
        header = bytes([apdu[0] | 0x0C]) + apdu[1:4]
        body = apdu[4:]
        data = b""
        le: bytes | None = None
        if len(body) == 1:
            le = body
        elif len(body) > 1:
            lc = body[0]
            data = body[1 : 1 + lc]
            if len(data) != lc or len(body) not in (1 + lc, 2 + lc):
                raise SecureMessagingError("APDU Lc does not match its data", found=lc)
            le = body[1 + lc :] or None
        objects = b""
        if data:
            objects += encode_tlv(0x87, b"\x01" + encrypt(self.ks_enc, pad(data)))
        if le is not None:
            objects += encode_tlv(0x97, le)
        mac = retail_mac(self.ks_mac, self._next_ssc() + pad(header) + objects)
        objects += encode_tlv(0x8E, mac)
        return header + bytes([len(objects)]) + objects + b"\x00"

    def unprotect(self, rapdu: bytes) -> tuple[bytes, bytes]:
        """Verify and decrypt a protected response; return (data, status word).

        ``rapdu`` may end with the plain status word or not (some readers strip it): the protected status in
        DO'99' is authoritative either way.
        """
        if len(rapdu) < 2:
            raise SecureMessagingError("response shorter than a status word", found=len(rapdu))
        body = rapdu
        try:
            items = read_children(body, where="protected response")
        except ValueError:
            body = rapdu[:-2]
            try:
                items = read_children(body, where="protected response")
            except ValueError as exc:
                raise SecureMessagingError(f"malformed protected response ({exc})") from None
        covered = b""
        data = b""
        status = b""
        mac = None
        for item in items:
            raw = body[item.offset : item.end]
            if item.tag == 0x87:
                covered += raw
                if not item.value or item.value[0] != 0x01:
                    raise SecureMessagingError("DO'87' padding indicator", expected="01")
                data = unpad(decrypt(self.ks_enc, item.value[1:]))
            elif item.tag == 0x99:
                covered += raw
                status = item.value
            elif item.tag == 0x8E:
                mac = item.value
        ssc = self._next_ssc()
        if mac is None:
            raise SecureMessagingError("response carries no DO'8E' MAC")
        if not hmac.compare_digest(retail_mac(self.ks_mac, ssc + covered), mac):
            raise SecureMessagingError("response MAC does not verify", where="DO'8E'")
        if not status:
            raise SecureMessagingError("response carries no DO'99' status")
        return data, status
