"""Parse + validate throughput of openbmis.mrz, beside PassportEye's MRZ text parser in the same run.

Usage: .venv/bin/python bench/bench_mrz.py [--quick] [--passporteye PATH]

PATH is PassportEye's ``passporteye/mrz/text.py`` or a git directory of the PassportEye repository
(MIT; its text parser is pure standard library). It is loaded at run time from outside this repository
and never vendored. Without it the baseline is reported as unavailable.

Workload: MRZs written by ``openbmis.mrz.make`` from seeded random fields over all five formats, 10 %
of them with one character corrupted, plus the valid cases of the shared test data when present.
Everything runs in one process on one core, so the figures are per core.
"""

from __future__ import annotations

import argparse
import importlib.util
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from types import ModuleType

from openbmis.mrz import MRZFields, check_document, make, parse

TODAY = date(2026, 3, 1)
DEFAULT_PE = Path("/work/.mirror/konstantint+PassportEye/repo")
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
STATES = ["D", "FRA", "GBR", "USA", "CHE", "UTO", "ITA", "ESP", "NLD", "XXA", "CHN", "IND"]


def load_passporteye(path: Path) -> ModuleType | None:
    if path.is_dir():
        try:
            source = subprocess.run(
                ["git", "--git-dir", str(path), "show", "HEAD:passporteye/mrz/text.py"],
                capture_output=True, text=True, check=True,
            ).stdout  # fmt: skip
        except (OSError, subprocess.CalledProcessError):
            return None
        target = Path(tempfile.mkdtemp(prefix="bench_mrz_")) / "passporteye_text.py"
        target.write_text(source, encoding="utf-8")
        path = target
    if not path.is_file():
        return None
    spec = importlib.util.spec_from_file_location("passporteye_text", path)
    if spec is None or spec.loader is None:
        return None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def corpus(count: int, seed: int = 9303) -> list[str]:
    rng = random.Random(seed)
    out: list[str] = []
    for _ in range(count):
        fmt = rng.choice(["TD1", "TD2", "TD3", "TD3", "MRVA", "MRVB"])
        code = {"TD1": "ID", "TD2": "I", "TD3": "P", "MRVA": "V", "MRVB": "V"}[fmt]
        word = lambda: "".join(rng.choice(LETTERS) for _ in range(rng.randint(3, 9)))  # noqa: E731
        fields = MRZFields(
            format=fmt, document_code=code, issuing_state=rng.choice(STATES),
            document_number="".join(rng.choice(LETTERS + "0123456789") for _ in range(9)),
            primary_identifier=word(), secondary_identifier=word() + " " + word(), nationality=rng.choice(STATES),
            birth_date=TODAY - timedelta(days=rng.randint(0, 90 * 365)), sex=rng.choice("MFX"),
            expiry_date=TODAY + timedelta(days=rng.randint(-3000, 3650)),
        )  # fmt: skip
        text = make(fields)
        if rng.random() < 0.1:
            i = rng.randrange(len(text))
            if text[i] != "\n":
                text = text[:i] + rng.choice(LETTERS + "0123456789<") + text[i + 1 :]
        out.append(text)
    return out


def shared_cases() -> list[str]:
    import json

    path = Path(__file__).resolve().parents[1].parent / "shared" / "testdata" / "mrz" / "mrz_cases.json"
    if not path.is_file():
        return []
    return ["\n".join(c["lines"]) for c in json.loads(path.read_text()) if c["format"] != "unknown"]


def timed(fn: Callable[[str], object], texts: list[str], rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for text in texts:
            fn(text)
        best = min(best, time.perf_counter() - start)
    return len(texts) / best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small run (2,000 MRZs, 3 rounds)")
    parser.add_argument(
        "--passporteye", type=Path, default=DEFAULT_PE, help="PassportEye text.py or repo git dir"
    )
    args = parser.parse_args()
    count, rounds = (2000, 3) if args.quick else (20000, 5)
    texts = corpus(count) + shared_cases()
    pe = load_passporteye(args.passporteye)

    def ours(text: str) -> object:
        result = parse(text, today=TODAY)
        return check_document(result, TODAY)

    def ours_no_repair(text: str) -> object:
        return parse(text, today=TODAY, repair=False)

    rows: list[tuple[str, float]] = [
        ("openbmis.mrz parse(repair) + check_document", timed(ours, texts, rounds)),
        ("openbmis.mrz parse(repair=False)", timed(ours_no_repair, texts, rounds)),
    ]
    if pe is not None:
        mrz_class = pe.MRZ

        def baseline(text: str) -> object:
            return mrz_class(text.split("\n")).valid

        rows.append(("PassportEye MRZ(lines).valid (baseline)", timed(baseline, texts, rounds)))
        rows.append(
            (
                "PassportEye MRZ.from_ocr(text).valid",
                timed(lambda t: mrz_class.from_ocr(t).valid, texts, rounds),
            )
        )
    print(
        f"MRZ parse+validate throughput, one core, {len(texts)} MRZs, best of {rounds} rounds, Python {sys.version.split()[0]}"
    )
    for name, rate in rows:
        print(f"  {name:<48} {rate:>10,.0f} MRZ/s  {1e6 / rate:7.1f} us/MRZ")
    if pe is None:
        print(f"  PassportEye baseline unavailable (no text parser at {args.passporteye})")
    else:
        print(f"  ratio openbmis (with checks) / PassportEye MRZ(lines): {rows[0][1] / rows[2][1]:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
