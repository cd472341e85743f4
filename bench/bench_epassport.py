"""Passive-authentication time per document and algorithm, beside cryptography's bare signature check.

Run: .venv/bin/python bench/bench_epassport.py [--quick]
The floor is one `public_key.verify()` of the SOD signature with an already-loaded key, measured in the same
run; the full verification also parses EF.SOD and the DSC, checks the DSC's signature by the CSCA, hashes the
data groups and parses them.  One process, one core.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "epassport"))

from cryptography.hazmat.primitives import hashes  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec, padding  # noqa: E402
from epassport_pki import NOW, Pki  # noqa: E402

from openbmis.epassport import TrustStore, parse_sod, verify  # noqa: E402


def per_call(fn: object, repeat: int) -> float:
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for _ in range(repeat):
            fn()  # type: ignore[operator]
        best = min(best, (time.perf_counter() - start) / repeat)
    return best * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    repeat = 30 if args.quick else 300
    pki = Pki()
    print(f"{'algorithm':<16}{'floor ms':>10}{'verify ms':>11}{'ratio':>8}{'sod parse ms':>14}")
    for algorithm in ["rsa", "rsa-pss", "p256", "bp256", "bp256-explicit"]:
        doc = pki.document(algorithm)
        store = TrustStore()
        store.add_certificate(doc.csca.cert.dump())
        sod = parse_sod(doc.sod)
        info = sod.signer_info
        signed = b"\x31" + info["signed_attrs"].dump()[1:]
        signature = bytes(info["signature"].native)
        key = doc.dsc.key.public_key()
        if isinstance(key, ec.EllipticCurvePublicKey):
            floor = lambda: key.verify(signature, signed, ec.ECDSA(hashes.SHA256()))  # noqa: E731, B023
        elif algorithm == "rsa-pss":
            pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32)
            floor = lambda: key.verify(signature, signed, pss, hashes.SHA256())  # noqa: E731, B023
        else:
            floor = lambda: key.verify(signature, signed, padding.PKCS1v15(), hashes.SHA256())  # noqa: E731, B023
        assert verify(doc.sod, doc.dgs, trust_store=store, at=NOW).valid
        f = per_call(floor, repeat)
        v = per_call(lambda: verify(doc.sod, doc.dgs, trust_store=store, at=NOW), repeat)  # noqa: B023
        p = per_call(lambda: parse_sod(doc.sod), repeat)  # noqa: B023
        print(f"{algorithm:<16}{f:>10.3f}{v:>11.3f}{v / f:>8.1f}{p:>14.3f}")


if __name__ == "__main__":
    main()
