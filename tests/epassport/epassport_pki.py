"""A test PKI built with cryptography and asn1crypto: CSCAs, link certificate, DSCs, CRLs, master lists, SODs.

Everything is generated here, so the expected values (hashes, signatures) come from cryptography and hashlib,
not from the code under test.  Certificates are assembled with asn1crypto so that keys can be written with
explicit EC domain parameters, which cryptography's builders cannot produce.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from asn1crypto import algos, cms, core, crl, keys, x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

NOW = datetime(2024, 6, 1, tzinfo=UTC)
START = NOW - timedelta(days=365)
END = NOW + timedelta(days=365 * 5)

# RFC 5639 brainpoolP256r1, written out by `openssl ecparam -name brainpoolP256r1 -param_enc explicit -text`.
BP256 = {
    "p": 0xA9FB57DBA1EEA9BC3E660A909D838D726E3BF623D52620282013481D1F6E5377,
    "a": 0x7D5A0975FC2C3057EEF67530417AFFE7FB8055C126DC5C6CE94A4B44F330B5D9,
    "b": 0x26DC5C6CE94A4B44F330B5D9BBD77CBF958416295CF7E1CE6BCCDC18FF8C07B6,
    "gx": 0x8BD2AEB9CB7E57CB2C4B482FFC81B7AFB9DE27E1E3BD23C23A4453BD9ACE3262,
    "gy": 0x547EF835C3DAC4FD97F8461A14611DC9C27745132DED8E545C1D54C72F046997,
    "n": 0xA9FB57DBA1EEA9BC3E660A909D838D718C397AA3B561A6F7901E0E82974856A7,
}


def explicit_bp256() -> keys.ECDomainParameters:
    size = 32
    return keys.ECDomainParameters(
        "specified",
        keys.SpecifiedECDomain(
            {
                "version": "ecdpVer1",
                "field_id": {"field_type": "prime_field", "parameters": BP256["p"]},
                "curve": {"a": BP256["a"].to_bytes(size, "big"), "b": BP256["b"].to_bytes(size, "big")},
                "base": b"\x04" + BP256["gx"].to_bytes(size, "big") + BP256["gy"].to_bytes(size, "big"),
                "order": BP256["n"],
                "cofactor": 1,
            }
        ),
    )


Key = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


def new_key(kind: str) -> Key:
    if kind in ("rsa", "rsa-pss"):
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    curve = {
        "p256": ec.SECP256R1(),
        "bp256": ec.BrainpoolP256R1(),
        "bp256-explicit": ec.BrainpoolP256R1(),
        "p384": ec.SECP384R1(),
    }[kind]
    return ec.generate_private_key(curve)


def spki(key: Key, explicit: bool = False) -> keys.PublicKeyInfo:
    der = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    info = keys.PublicKeyInfo.load(der)
    if explicit:
        info = keys.PublicKeyInfo(
            {
                "algorithm": {"algorithm": "ec", "parameters": explicit_bp256()},
                "public_key": info["public_key"],
            }
        )
    return info


def sig_algorithm(key: Key, pss: bool) -> dict[str, Any]:
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return {"algorithm": "sha256_ecdsa"}
    if pss:
        return {
            "algorithm": "rsassa_pss",
            "parameters": {
                "hash_algorithm": {"algorithm": "sha256"},
                "mask_gen_algorithm": {"algorithm": "mgf1", "parameters": {"algorithm": "sha256"}},
                "salt_length": 32,
            },
        }
    return {"algorithm": "sha256_rsa"}


def sign(key: Key, data: bytes, pss: bool) -> bytes:
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return key.sign(data, ec.ECDSA(hashes.SHA256()))
    if pss:
        return key.sign(data, padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32), hashes.SHA256())
    return key.sign(data, padding.PKCS1v15(), hashes.SHA256())


def name(cn: str, country: str = "UT") -> x509.Name:
    return x509.Name.build({"country_name": country, "organization_name": "OpenBMIS Test", "common_name": cn})


@dataclass
class Party:
    """A certificate with its private key."""

    key: Key
    cert: x509.Certificate
    pss: bool = False


def make_cert(
    subject: x509.Name,
    key: Key,
    issuer: Party | None,
    *,
    ca: bool,
    serial: int,
    pss: bool = False,
    explicit: bool = False,
    not_before: datetime = START,
    not_after: datetime = END,
    issuer_name: x509.Name | None = None,
) -> x509.Certificate:
    signer_key = issuer.key if issuer else key
    signer_pss = issuer.pss if issuer else pss
    ski = hashlib.sha1(spki(key)["public_key"].dump()).digest()
    aki = ski if issuer is None else issuer.cert.key_identifier
    extensions = [
        {"extn_id": "basic_constraints", "critical": True, "extn_value": {"ca": ca}},
        {
            "extn_id": "key_usage",
            "critical": True,
            "extn_value": {"key_cert_sign", "crl_sign"} if ca else {"digital_signature"},
        },
        {"extn_id": "key_identifier", "critical": False, "extn_value": ski},
        {"extn_id": "authority_key_identifier", "critical": False, "extn_value": {"key_identifier": aki}},
    ]
    tbs = x509.TbsCertificate(
        {
            "version": "v3",
            "serial_number": serial,
            "signature": sig_algorithm(signer_key, signer_pss),
            "issuer": issuer_name or (issuer.cert.subject if issuer else subject),
            "validity": {
                "not_before": x509.Time({"utc_time": not_before}),
                "not_after": x509.Time({"utc_time": not_after}),
            },
            "subject": subject,
            "subject_public_key_info": spki(key, explicit),
            "extensions": extensions,
        }
    )
    signature = sign(signer_key, tbs.dump(), signer_pss)
    return x509.Certificate(
        {
            "tbs_certificate": tbs,
            "signature_algorithm": sig_algorithm(signer_key, signer_pss),
            "signature_value": signature,
        }
    )


def make_crl(issuer: Party, revoked: list[tuple[int, datetime]], *, next_update: datetime = END) -> bytes:
    tbs = crl.TbsCertList(
        {
            "version": "v2",
            "signature": sig_algorithm(issuer.key, issuer.pss),
            "issuer": issuer.cert.subject,
            "this_update": x509.Time({"utc_time": START}),
            "next_update": x509.Time({"utc_time": next_update}),
            "revoked_certificates": [
                {"user_certificate": serial, "revocation_date": x509.Time({"utc_time": when})}
                for serial, when in revoked
            ]
            or None,
        }
    )
    return crl.CertificateList(
        {
            "tbs_cert_list": tbs,
            "signature_algorithm": sig_algorithm(issuer.key, issuer.pss),
            "signature": sign(issuer.key, tbs.dump(), issuer.pss),
        }
    ).dump()


def signed_data(
    econtent_type: str,
    econtent: bytes,
    signer: Party,
    *,
    version: str = "v3",
    extra_certs: tuple[x509.Certificate, ...] = (),
) -> bytes:
    digest = hashlib.sha256(econtent).digest()
    attrs = cms.CMSAttributes(
        [
            {"type": "content_type", "values": [econtent_type]},
            {"type": "message_digest", "values": [digest]},
        ]
    )
    signature = sign(signer.key, attrs.dump(), signer.pss)
    info = cms.SignerInfo(
        {
            "version": "v1",
            "sid": {
                "issuer_and_serial_number": {
                    "issuer": signer.cert.issuer,
                    "serial_number": signer.cert.serial_number,
                }
            },
            "digest_algorithm": {"algorithm": "sha256"},
            "signed_attrs": attrs,
            "signature_algorithm": sig_algorithm(signer.key, signer.pss),
            "signature": signature,
        }
    )
    data = cms.SignedData(
        {
            "version": version,
            "digest_algorithms": [{"algorithm": "sha256"}],
            "encap_content_info": {"content_type": econtent_type, "content": econtent},
            "certificates": [signer.cert, *extra_certs],
            "signer_infos": [info],
        }
    )
    return cms.ContentInfo({"content_type": "signed_data", "content": data}).dump()


class LDSSecurityObject(core.Sequence):
    _fields = [
        ("version", core.Integer),
        ("hash_algorithm", algos.DigestAlgorithm),
        ("hashes", core.SequenceOf, {"spec": core.Sequence}),
        ("info", core.Sequence, {"optional": True}),
    ]


def tlv(tag: int, value: bytes) -> bytes:
    tag_bytes = tag.to_bytes((tag.bit_length() + 7) // 8, "big")
    if len(value) < 0x80:
        length = bytes([len(value)])
    else:
        body = len(value).to_bytes((len(value).bit_length() + 7) // 8, "big")
        length = bytes([0x80 | len(body)]) + body
    return tag_bytes + length + value


def der_int(v: int) -> bytes:
    return core.Integer(v).dump()


def make_sod(dgs: dict[int, bytes], dsc: Party, *, lds_version: int = 0) -> bytes:
    """EF.SOD over SHA-256 hashes of ``dgs``, hand-encoded in DER (independent of the parser's ASN.1 classes)."""
    hash_items = b"".join(
        tlv(0x30, der_int(n) + tlv(0x04, hashlib.sha256(v).digest())) for n, v in sorted(dgs.items())
    )
    body = (
        der_int(lds_version)
        + tlv(0x30, tlv(0x06, bytes.fromhex("608648016503040201")) + b"\x05\x00")
        + tlv(0x30, hash_items)
    )
    if lds_version == 1:
        body += tlv(0x30, tlv(0x13, b"0108") + tlv(0x13, b"080000"))
    return tlv(0x77, signed_data("2.23.136.1.1.1", tlv(0x30, body), dsc))


MRZ_TD3 = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<L898902C36UTO7408122F1204159ZE184226B<<<<<10"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 8 + b"\xff\xd9"
JP2 = b"\x00\x00\x00\x0cjP  \r\n\x87\n" + b"\x00\x00\x00\x14ftypjp2 " + bytes(range(256)) * 8


def dg1(mrz: str = MRZ_TD3) -> bytes:
    return tlv(0x61, tlv(0x5F1F, mrz.encode()))


def iso19794_block(image: bytes, image_type: int, width: int = 240, height: int = 320) -> bytes:
    """An ISO/IEC 19794-5:2005 facial record with one image and no feature points."""
    face_info = (
        (32 + len(image)).to_bytes(4, "big")
        + (0).to_bytes(2, "big")
        + bytes([1, 0, 0])
        + bytes(3)
        + bytes(2)
        + bytes(3)
        + bytes(3)
    )
    image_info = (
        bytes([1, image_type])
        + width.to_bytes(2, "big")
        + height.to_bytes(2, "big")
        + bytes([1, 0])
        + bytes(2)
        + bytes(2)
    )
    record = face_info + image_info + image
    return b"FAC\x00" + b"010\x00" + (14 + len(record)).to_bytes(4, "big") + (1).to_bytes(2, "big") + record


def dg2_19794(image: bytes, image_type: int) -> bytes:
    bht = tlv(0xA1, tlv(0x80, b"\x01\x01") + tlv(0x87, b"\x01\x01") + tlv(0x88, b"\x00\x08"))
    return tlv(
        0x75,
        tlv(0x7F61, tlv(0x02, b"\x01") + tlv(0x7F60, bht + tlv(0x5F2E, iso19794_block(image, image_type)))),
    )


def dg2_39794(image: bytes) -> bytes:
    # FaceImageDataBlock: versionBlock [0], representationBlocks [1] { representation { [0] id, [1] image { [0] data } } }
    representation = tlv(
        0x30, tlv(0x80, b"\x01") + tlv(0xA1, tlv(0x80, image) + tlv(0xA1, tlv(0x80, b"\x00")))
    )
    block = tlv(0xA0, tlv(0x80, b"\x00") + tlv(0x81, b"\x00")) + tlv(0xA1, representation)
    bht = tlv(0xA1, tlv(0x87, b"\x01\x01") + tlv(0x88, b"\x00\x40"))
    return tlv(0x75, tlv(0x7F61, tlv(0x02, b"\x01") + tlv(0x7F60, bht + tlv(0x7F2E, block))))


def dg15(key: Key) -> bytes:
    return tlv(0x6F, spki(key).dump())


@dataclass
class Document:
    """One signed test document and the trust store inputs that go with it."""

    sod: bytes
    dgs: dict[int, bytes]
    csca: Party
    dsc: Party
    trust_files: dict[str, bytes] = field(default_factory=dict)


@dataclass
class Pki:
    """Country UT: a CSCA per algorithm, a DSC under each, CRLs, a master list."""

    cscas: dict[str, Party] = field(default_factory=dict)
    dscs: dict[str, Party] = field(default_factory=dict)

    def country(self, algorithm: str) -> tuple[Party, Party]:
        if algorithm not in self.cscas:
            pss = algorithm == "rsa-pss"
            csca_key = new_key(
                "rsa"
                if algorithm.startswith("rsa")
                else ("bp256" if algorithm.startswith("bp") else algorithm)
            )
            csca = Party(
                csca_key,
                make_cert(name(f"CSCA {algorithm}"), csca_key, None, ca=True, serial=1, pss=pss),
                pss,
            )
            dsc_key = new_key(algorithm)
            dsc_cert = make_cert(
                name(f"DSC {algorithm}"),
                dsc_key,
                csca,
                ca=False,
                serial=1000 + len(self.dscs),
                explicit=algorithm == "bp256-explicit",
            )
            self.cscas[algorithm] = csca
            self.dscs[algorithm] = Party(dsc_key, dsc_cert, pss)
        return self.cscas[algorithm], self.dscs[algorithm]

    def document(self, algorithm: str = "rsa", *, image: str = "jpeg2000", lds_version: int = 0) -> Document:
        csca, dsc = self.country(algorithm)
        groups = {
            1: dg1(),
            2: dg2_19794(JP2, 1) if image == "jpeg2000" else dg2_39794(JPEG),
            15: dg15(new_key("p256")),
        }
        return Document(make_sod(groups, dsc, lds_version=lds_version), groups, csca, dsc)
