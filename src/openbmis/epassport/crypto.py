"""Signature verification for EF.SOD, certificates, CRLs and master lists.

Covers RSA PKCS#1 v1.5, RSASSA-PSS, ECDSA (X9.62 DER and BSI TR-03111 plain r||s signatures) on NIST and
Brainpool curves.  ``cryptography`` only loads EC keys whose SubjectPublicKeyInfo names its curve; many
passports (BSI TR-03111 profile) encode the domain parameters explicitly instead.  :func:`load_public_key`
compares such explicit parameters with the known named curves (SEC 2, RFC 5639) and, on an exact match of
p, a, b, G and n, re-encodes the key with the named-curve OID.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache

from asn1crypto import algos, core, keys
from cryptography.exceptions import InvalidSignature
from cryptography.exceptions import UnsupportedAlgorithm as CryptoUnsupported
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.serialization import load_der_public_key

from .errors import UnsupportedAlgorithm


@dataclass(frozen=True, slots=True)
class _Curve:
    name: str
    oid: str
    p: int
    a: int
    b: int
    gx: int
    gy: int
    n: int


# Domain parameters written out by `openssl ecparam -param_enc explicit` (SEC 2 and RFC 5639 curves).
_CURVES: tuple[_Curve, ...] = (
    _Curve(
        "secp192r1",
        "1.2.840.10045.3.1.1",
        0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFFFFFFFFFFFF,
        0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFFFFFFFFFFFC,
        0x64210519E59C80E70FA7E9AB72243049FEB8DEECC146B9B1,
        0x188DA80EB03090F67CBF20EB43A18800F4FF0AFD82FF1012,
        0x7192B95FFC8DA78631011ED6B24CDD573F977A11E794811,
        0xFFFFFFFFFFFFFFFFFFFFFFFF99DEF836146BC9B1B4D22831,
    ),
    _Curve(
        "secp224r1",
        "1.3.132.0.33",
        0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF000000000000000000000001,
        0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFE,
        0xB4050A850C04B3ABF54132565044B0B7D7BFD8BA270B39432355FFB4,
        0xB70E0CBD6BB4BF7F321390B94A03C1D356C21122343280D6115C1D21,
        0xBD376388B5F723FB4C22DFE6CD4375A05A07476444D5819985007E34,
        0xFFFFFFFFFFFFFFFFFFFFFFFFFFFF16A2E0B8F03E13DD29455C5C2A3D,
    ),
    _Curve(
        "secp256r1",
        "1.2.840.10045.3.1.7",
        0xFFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF,
        0xFFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFC,
        0x5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B,
        0x6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296,
        0x4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5,
        0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551,
    ),
    _Curve(
        "secp384r1",
        "1.3.132.0.34",
        0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFFFF0000000000000000FFFFFFFF,
        0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFFFF0000000000000000FFFFFFFC,
        0xB3312FA7E23EE7E4988E056BE3F82D19181D9C6EFE8141120314088F5013875AC656398D8A2ED19D2A85C8EDD3EC2AEF,
        0xAA87CA22BE8B05378EB1C71EF320AD746E1D3B628BA79B9859F741E082542A385502F25DBF55296C3A545E3872760AB7,
        0x3617DE4A96262C6F5D9E98BF9292DC29F8F41DBD289A147CE9DA3113B5F0B8C00A60B1CE1D7E819D7A431D7C90EA0E5F,
        0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973,
    ),
    _Curve(
        "secp521r1",
        "1.3.132.0.35",
        0x1FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF,
        0x1FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC,
        0x51953EB9618E1C9A1F929A21A0B68540EEA2DA725B99B315F3B8B489918EF109E156193951EC7E937B1652C0BD3BB1BF073573DF883D2C34F1EF451FD46B503F00,
        0xC6858E06B70404E9CD9E3ECB662395B4429C648139053FB521F828AF606B4D3DBAA14B5E77EFE75928FE1DC127A2FFA8DE3348B3C1856A429BF97E7E31C2E5BD66,
        0x11839296A789A3BC0045C8A5FB42C7D1BD998F54449579B446817AFBD17273E662C97EE72995EF42640C550B9013FAD0761353C7086A272C24088BE94769FD16650,
        0x1FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFA51868783BF2F966B7FCC0148F709A5D03BB5C9B8899C47AEBB6FB71E91386409,
    ),
    _Curve(
        "brainpoolP160r1",
        "1.3.36.3.3.2.8.1.1.1",
        0xE95E4A5F737059DC60DFC7AD95B3D8139515620F,
        0x340E7BE2A280EB74E2BE61BADA745D97E8F7C300,
        0x1E589A8595423412134FAA2DBDEC95C8D8675E58,
        0xBED5AF16EA3F6A4F62938C4631EB5AF7BDBCDBC3,
        0x1667CB477A1A8EC338F94741669C976316DA6321,
        0xE95E4A5F737059DC60DF5991D45029409E60FC09,
    ),
    _Curve(
        "brainpoolP192r1",
        "1.3.36.3.3.2.8.1.1.3",
        0xC302F41D932A36CDA7A3463093D18DB78FCE476DE1A86297,
        0x6A91174076B1E0E19C39C031FE8685C1CAE040E5C69A28EF,
        0x469A28EF7C28CCA3DC721D044F4496BCCA7EF4146FBF25C9,
        0xC0A0647EAAB6A48753B033C56CB0F0900A2F5C4853375FD6,
        0x14B690866ABD5BB88B5F4828C1490002E6773FA2FA299B8F,
        0xC302F41D932A36CDA7A3462F9E9E916B5BE8F1029AC4ACC1,
    ),
    _Curve(
        "brainpoolP224r1",
        "1.3.36.3.3.2.8.1.1.5",
        0xD7C134AA264366862A18302575D1D787B09F075797DA89F57EC8C0FF,
        0x68A5E62CA9CE6C1C299803A6C1530B514E182AD8B0042A59CAD29F43,
        0x2580F63CCFE44138870713B1A92369E33E2135D266DBB372386C400B,
        0xD9029AD2C7E5CF4340823B2A87DC68C9E4CE3174C1E6EFDEE12C07D,
        0x58AA56F772C0726F24C6B89E4ECDAC24354B9E99CAA3F6D3761402CD,
        0xD7C134AA264366862A18302575D0FB98D116BC4B6DDEBCA3A5A7939F,
    ),
    _Curve(
        "brainpoolP256r1",
        "1.3.36.3.3.2.8.1.1.7",
        0xA9FB57DBA1EEA9BC3E660A909D838D726E3BF623D52620282013481D1F6E5377,
        0x7D5A0975FC2C3057EEF67530417AFFE7FB8055C126DC5C6CE94A4B44F330B5D9,
        0x26DC5C6CE94A4B44F330B5D9BBD77CBF958416295CF7E1CE6BCCDC18FF8C07B6,
        0x8BD2AEB9CB7E57CB2C4B482FFC81B7AFB9DE27E1E3BD23C23A4453BD9ACE3262,
        0x547EF835C3DAC4FD97F8461A14611DC9C27745132DED8E545C1D54C72F046997,
        0xA9FB57DBA1EEA9BC3E660A909D838D718C397AA3B561A6F7901E0E82974856A7,
    ),
    _Curve(
        "brainpoolP320r1",
        "1.3.36.3.3.2.8.1.1.9",
        0xD35E472036BC4FB7E13C785ED201E065F98FCFA6F6F40DEF4F92B9EC7893EC28FCD412B1F1B32E27,
        0x3EE30B568FBAB0F883CCEBD46D3F3BB8A2A73513F5EB79DA66190EB085FFA9F492F375A97D860EB4,
        0x520883949DFDBC42D3AD198640688A6FE13F41349554B49ACC31DCCD884539816F5EB4AC8FB1F1A6,
        0x43BD7E9AFB53D8B85289BCC48EE5BFE6F20137D10A087EB6E7871E2A10A599C710AF8D0D39E20611,
        0x14FDD05545EC1CC8AB4093247F77275E0743FFED117182EAA9C77877AAAC6AC7D35245D1692E8EE1,
        0xD35E472036BC4FB7E13C785ED201E065F98FCFA5B68F12A32D482EC7EE8658E98691555B44C59311,
    ),
    _Curve(
        "brainpoolP384r1",
        "1.3.36.3.3.2.8.1.1.11",
        0x8CB91E82A3386D280F5D6F7E50E641DF152F7109ED5456B412B1DA197FB71123ACD3A729901D1A71874700133107EC53,
        0x7BC382C63D8C150C3C72080ACE05AFA0C2BEA28E4FB22787139165EFBA91F90F8AA5814A503AD4EB04A8C7DD22CE2826,
        0x4A8C7DD22CE28268B39B55416F0447C2FB77DE107DCD2A62E880EA53EEB62D57CB4390295DBC9943AB78696FA504C11,
        0x1D1C64F068CF45FFA2A63A81B7C13F6B8847A3E77EF14FE3DB7FCAFE0CBD10E8E826E03436D646AAEF87B2E247D4AF1E,
        0x8ABE1D7520F9C2A45CB1EB8E95CFD55262B70B29FEEC5864E19C054FF99129280E4646217791811142820341263C5315,
        0x8CB91E82A3386D280F5D6F7E50E641DF152F7109ED5456B31F166E6CAC0425A7CF3AB6AF6B7FC3103B883202E9046565,
    ),
    _Curve(
        "brainpoolP512r1",
        "1.3.36.3.3.2.8.1.1.13",
        0xAADD9DB8DBE9C48B3FD4E6AE33C9FC07CB308DB3B3C9D20ED6639CCA703308717D4D9B009BC66842AECDA12AE6A380E62881FF2F2D82C68528AA6056583A48F3,
        0x7830A3318B603B89E2327145AC234CC594CBDD8D3DF91610A83441CAEA9863BC2DED5D5AA8253AA10A2EF1C98B9AC8B57F1117A72BF2C7B9E7C1AC4D77FC94CA,
        0x3DF91610A83441CAEA9863BC2DED5D5AA8253AA10A2EF1C98B9AC8B57F1117A72BF2C7B9E7C1AC4D77FC94CADC083E67984050B75EBAE5DD2809BD638016F723,
        0x81AEE4BDD82ED9645A21322E9C4C6A9385ED9F70B5D916C1B43B62EEF4D0098EFF3B1F78E2D0D48D50D1687B93B97D5F7C6D5047406A5E688B352209BCB9F822,
        0x7DDE385D566332ECC0EABFA9CF7822FDF209F70024A57B1AA000C55B881F8111B2DCDE494A5F485E5BCA4BD88A2763AED1CA2B2FA8F0540678CD1E0F3AD80892,
        0xAADD9DB8DBE9C48B3FD4E6AE33C9FC07CB308DB3B3C9D20ED6639CCA70330870553E5C414CA92619418661197FAC10471DB1D381085DDADDB58796829CA90069,
    ),
)

_HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "sha1": hashes.SHA1,
    "sha224": hashes.SHA224,
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}

# BSI TR-03111 ecdsa-plain-signatures: r||s concatenated, not DER.
_PLAIN_ECDSA = {
    "0.4.0.127.0.7.1.1.4.1.1": "sha1",
    "0.4.0.127.0.7.1.1.4.1.2": "sha224",
    "0.4.0.127.0.7.1.1.4.1.3": "sha256",
    "0.4.0.127.0.7.1.1.4.1.4": "sha384",
    "0.4.0.127.0.7.1.1.4.1.5": "sha512",
}


def hash_name(algorithm: algos.DigestAlgorithm, where: str) -> str:
    """The hashlib name of a digest AlgorithmIdentifier, refusing digests Doc 9303 does not allow."""
    name = str(algorithm["algorithm"].native)
    if name not in _HASHES:
        raise UnsupportedAlgorithm("digest algorithm not supported", where=where, found=name)
    return name


def digest(name: str, data: bytes) -> bytes:
    """Hash ``data`` with the hashlib algorithm ``name``."""
    return hashlib.new(name, data).digest()


def curve_from_explicit(params: keys.SpecifiedECDomain) -> _Curve | None:
    """The named curve whose domain parameters equal the explicit ``params``, or None."""
    field = params["field_id"]
    if field["field_type"].native != "prime_field":
        return None
    p = int(field["parameters"].native)
    a = int.from_bytes(params["curve"]["a"].native, "big")
    b = int.from_bytes(params["curve"]["b"].native, "big")
    n = int(params["order"].native)
    base = bytes(params["base"].native)
    for curve in _CURVES:
        if (curve.p, curve.a, curve.b, curve.n) != (p, a, b, n):
            continue
        size = (p.bit_length() + 7) // 8
        if base[:1] == b"\x04" and len(base) == 1 + 2 * size:
            if (
                int.from_bytes(base[1 : 1 + size], "big") == curve.gx
                and int.from_bytes(base[1 + size :], "big") == curve.gy
            ):
                return curve
        elif base[:1] in (b"\x02", b"\x03") and len(base) == 1 + size:
            if int.from_bytes(base[1:], "big") == curve.gx and (curve.gy & 1) == (base[0] & 1):
                return curve
    return None


def curve_name(spki: keys.PublicKeyInfo) -> str | None:
    """The curve name of an EC key (named or explicit parameters), None for other keys or unknown curves."""
    if spki["algorithm"]["algorithm"].native != "ec":
        return None
    params = spki["algorithm"]["parameters"]
    if params.name == "named":
        return str(params.chosen.native)
    if params.name == "specified":
        found = curve_from_explicit(params.chosen)
        return None if found is None else found.name
    return None


@lru_cache(maxsize=256)
def _load_spki(der: bytes) -> rsa.RSAPublicKey | ec.EllipticCurvePublicKey:
    spki = keys.PublicKeyInfo.load(der)
    algorithm = spki["algorithm"]["algorithm"].native
    if algorithm == "rsassa_pss":
        # RSA-PSS keys (id-RSASSA-PSS) carry the same RSAPublicKey; verify them as plain RSA.
        der = keys.PublicKeyInfo(
            {"algorithm": {"algorithm": "rsa", "parameters": core.Null()}, "public_key": spki["public_key"]}
        ).dump()
    elif algorithm == "ec" and spki["algorithm"]["parameters"].name == "specified":
        curve = curve_from_explicit(spki["algorithm"]["parameters"].chosen)
        if curve is None:
            raise UnsupportedAlgorithm(
                "explicit EC domain parameters match no known named curve", where="public key"
            )
        der = keys.PublicKeyInfo(
            {
                "algorithm": {"algorithm": "ec", "parameters": keys.ECDomainParameters("named", curve.oid)},
                "public_key": spki["public_key"],
            }
        ).dump()
    elif algorithm not in ("rsa", "ec"):
        raise UnsupportedAlgorithm("public key algorithm not supported", where="public key", found=algorithm)
    try:
        key = load_der_public_key(der)
    except (ValueError, CryptoUnsupported) as exc:
        raise UnsupportedAlgorithm(f"public key cannot be loaded ({exc})", where="public key") from None
    if not isinstance(key, rsa.RSAPublicKey | ec.EllipticCurvePublicKey):
        raise UnsupportedAlgorithm(
            "public key type not supported", where="public key", found=type(key).__name__
        )
    return key


def load_public_key(spki: keys.PublicKeyInfo) -> rsa.RSAPublicKey | ec.EllipticCurvePublicKey:
    """Load a SubjectPublicKeyInfo, mapping explicit EC parameters to their named curve."""
    return _load_spki(spki.dump())


def _pss_padding(params: algos.RSASSAPSSParams, where: str) -> tuple[padding.PSS, str]:
    hash_alg = str(params["hash_algorithm"]["algorithm"].native)
    mgf = params["mask_gen_algorithm"]
    if mgf["algorithm"].native != "mgf1":
        raise UnsupportedAlgorithm(
            "PSS mask generation function not supported", where=where, found=mgf["algorithm"].native
        )
    mgf_hash = str(mgf["parameters"]["algorithm"].native)
    if hash_alg not in _HASHES or mgf_hash not in _HASHES:
        raise UnsupportedAlgorithm("PSS digest not supported", where=where, found=f"{hash_alg}/{mgf_hash}")
    salt = int(params["salt_length"].native)
    return padding.PSS(mgf=padding.MGF1(_HASHES[mgf_hash]()), salt_length=salt), hash_alg


def verify_signature(
    spki: keys.PublicKeyInfo,
    algorithm: algos.SignedDigestAlgorithm,
    signature: bytes,
    data: bytes,
    *,
    digest_algorithm: str | None = None,
    where: str = "signature",
) -> bool:
    """True when ``signature`` over ``data`` verifies with ``spki`` under ``algorithm``.

    ``digest_algorithm`` supplies the hash when the signature algorithm names only the key type (CMS allows
    ``rsaEncryption`` or ``id-ecPublicKey`` there, with the digest in the SignerInfo).  Raises
    :class:`UnsupportedAlgorithm` for algorithms it cannot check; returns False for a wrong signature.
    """
    oid = str(algorithm["algorithm"].dotted)
    key = load_public_key(spki)
    name = str(algorithm["algorithm"].native)
    try:
        if oid in _PLAIN_ECDSA:
            hash_alg = _PLAIN_ECDSA[oid]
            if not isinstance(key, ec.EllipticCurvePublicKey):
                return False
            size = (key.curve.key_size + 7) // 8
            if len(signature) != 2 * size:
                return False
            r = int.from_bytes(signature[:size], "big")
            s = int.from_bytes(signature[size:], "big")
            key.verify(encode_dss_signature(r, s), data, ec.ECDSA(_HASHES[hash_alg]()))
            return True
        if name == "rsassa_pss":
            pss, hash_alg = _pss_padding(algorithm["parameters"], where)
            if not isinstance(key, rsa.RSAPublicKey):
                return False
            key.verify(signature, data, pss, _HASHES[hash_alg]())
            return True
        if name in ("rsa", "ecdsa", "ec") or name.endswith(("_rsa", "_ecdsa")):
            hash_alg = name.split("_")[0] if "_" in name else (digest_algorithm or "")
            if hash_alg not in _HASHES:
                raise UnsupportedAlgorithm("signature digest not supported", where=where, found=name)
            if isinstance(key, rsa.RSAPublicKey):
                if name.endswith("_ecdsa") or name in ("ecdsa", "ec"):
                    return False
                key.verify(signature, data, padding.PKCS1v15(), _HASHES[hash_alg]())
            else:
                if name.endswith("_rsa") or name == "rsa":
                    return False
                key.verify(signature, data, ec.ECDSA(_HASHES[hash_alg]()))
            return True
    except InvalidSignature:
        return False
    except ValueError:
        # Malformed signature encodings (e.g. a DER ECDSA value that does not parse) are wrong signatures.
        return False
    raise UnsupportedAlgorithm("signature algorithm not supported", where=where, found=f"{name} ({oid})")
