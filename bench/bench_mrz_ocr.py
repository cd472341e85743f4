"""Accuracy and time per image of ``openbmis.mrz.ocr.scan`` on generated document images.

Usage: .venv/bin/python bench/bench_mrz_ocr.py [--quick] [--n N] [--no-baseline] [--save DIR]

Images come from ``openbmis.mrz.ocr_synth``: random valid TD1/TD2/TD3 fields written with
``openbmis.mrz.make``, printed in OCR-B (Debian's fonts-ocr-b) at 20 px per character on a light
document-like page, then rotated, blurred, noised and JPEG-compressed, all from fixed seeds. Conditions:

* clean: no rotation, no blur, JPEG quality 95;
* moderate (the target: >= 95 % fully valid): rotation 0-3 degrees, Gaussian blur radius 0.3-1.0 px,
  noise sigma 6, JPEG quality 60;
* steep: rotation 3-5 degrees, otherwise as moderate;
* heavy blur: rotation 0-3 degrees, blur radius 1.5-2.2 px, noise sigma 10, JPEG quality 40.

"Fully valid" means every check of the MRZ passes AND every field equals the truth (a valid MRZ with a
misread name, which no check digit covers, counts as a failure and is reported separately as "valid
but wrong").

Baseline, same images, same run: RapidOCR's stock pipeline on the whole page (detection and
recognition of every text line with its default settings), the lines of 20 characters or more, upper
cased and stripped of spaces, handed to ``openbmis.mrz.parse`` with repair: what one gets by gluing
the OCR engine to the parser without locating, straightening, normalising or length-fixing the band.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from openbmis.mrz import MRZError, MRZResult, parse
from openbmis.mrz.ocr import OCRError, scan
from openbmis.mrz.ocr_synth import Degradation, find_ocrb_font, synthesise

TODAY = date(2026, 1, 1)


@dataclass(frozen=True)
class Condition:
    name: str
    rotation: tuple[float, float]
    blur: tuple[float, float]
    noise: float
    quality: int
    seed_base: int


CONDITIONS = (
    Condition("clean", (0.0, 0.0), (0.0, 0.0), 0.0, 95, 10_000),
    Condition("moderate (<=3 deg, blur<=1.0)", (0.0, 3.0), (0.3, 1.0), 6.0, 60, 20_000),
    Condition("steep (3-5 deg)", (3.0, 5.0), (0.3, 1.0), 6.0, 60, 30_000),
    Condition("heavy blur (1.5-2.2)", (0.0, 3.0), (1.5, 2.2), 10.0, 40, 40_000),
)


def degradation(condition: Condition, seed: int) -> Degradation:
    rng = random.Random(seed)
    return Degradation(
        rotation_deg=rng.uniform(*condition.rotation),
        blur_radius=rng.uniform(*condition.blur),
        noise_sigma=condition.noise,
        jpeg_quality=condition.quality,
    )


_BASELINE: Any = None


def baseline_read(image: bytes) -> MRZResult | None:
    """RapidOCR's stock pipeline on the page, long lines glued together and parsed."""
    global _BASELINE
    if _BASELINE is None:
        import rapidocr
        from rapidocr import RapidOCR

        models = Path(rapidocr.__file__).parent / "models"
        _BASELINE = RapidOCR(
            params={
                "Global.log_level": "error",
                "Det.model_path": str(models / "PP-OCRv6_det_small.onnx"),
                "Rec.model_path": str(models / "PP-OCRv6_rec_small.onnx"),
                "Cls.model_path": str(models / "ch_ppocr_mobile_v2.0_cls_mobile.onnx"),
            }
        )
    try:
        out = _BASELINE(image)
    except Exception:  # noqa: BLE001 - stock pipeline raises when it finds no text
        return None
    lines = [t.upper().replace(" ", "") for t in (out.txts or ()) if len(t.replace(" ", "")) >= 20]
    try:
        return parse(
            "\n".join(lines[-3:] if len(lines) >= 3 and len(lines[-1]) <= 32 else lines[-2:]), today=TODAY
        )
    except MRZError:
        return None


def run(conditions: list[tuple[Condition, int]], with_baseline: bool, save: Path | None) -> None:
    font = find_ocrb_font()
    if font is None:
        sys.exit("OCR-B font not found: apt-get install fonts-ocr-b (or set OPENBMIS_OCRB_FONT)")
    started = time.perf_counter()
    warm = synthesise(1, fmt="TD3")
    scan(warm.image, today=TODAY)  # load the models outside the timings
    if with_baseline:
        baseline_read(warm.image)
    print(f"models loaded in {time.perf_counter() - started:.1f} s (not counted below)")
    print(f"font: {font}\n")
    header = f"{'reader: condition':48} {'images':>6} {'fully valid':>12} {'valid, wrong':>12} {'invalid':>8} {'no MRZ':>7} {'s/image':>8}"
    rows: list[str] = []
    for condition, count in conditions:
        ours: Counter[str] = Counter()
        base: Counter[str] = Counter()
        times: list[float] = []
        base_times: list[float] = []
        formats: Counter[str] = Counter()
        for i in range(count):
            seed = condition.seed_base + i
            sample = synthesise(seed, degradation=degradation(condition, seed), today=TODAY)
            formats[sample.fields.format] += 1
            truth = parse(sample.mrz, today=TODAY).fields()
            if save is not None:
                save.mkdir(parents=True, exist_ok=True)
                (save / f"{condition.name.split()[0]}-{seed}.jpg").write_bytes(sample.image)
            mark = time.perf_counter()
            try:
                result: MRZResult | None = scan(sample.image, today=TODAY).mrz
            except OCRError:
                result = None
            times.append(time.perf_counter() - mark)
            ours[_outcome(result, truth)] += 1
            if with_baseline:
                mark = time.perf_counter()
                base_result = baseline_read(sample.image)
                base_times.append(time.perf_counter() - mark)
                base[_outcome(base_result, truth)] += 1
        rows.append(_row(f"openbmis scan: {condition.name}", count, ours, times))
        if with_baseline:
            rows.append(_row("  baseline (stock RapidOCR)", count, base, base_times))
        print(rows[-2] if with_baseline else rows[-1], flush=True)
        if with_baseline:
            print(rows[-1], flush=True)
        print(f"    formats: {dict(sorted(formats.items()))}", flush=True)
    print()
    print(header)
    for row in rows:
        print(row)
    print(f"\ntotal wall time {time.perf_counter() - started:.0f} s")


def _outcome(result: MRZResult | None, truth: Any) -> str:
    if result is None:
        return "none"
    if not result.valid:
        return "invalid"
    return "ok" if result.fields() == truth else "wrong"


def _row(name: str, count: int, outcome: Counter[str], times: list[float]) -> str:
    share = 100.0 * outcome["ok"] / count if count else 0.0
    median = statistics.median(times) if times else 0.0
    return (
        f"{name[:48]:48} {count:>6} {outcome['ok']:>5} ({share:5.1f}%) {outcome['wrong']:>12} "
        f"{outcome['invalid']:>8} {outcome['none']:>7} {median:>8.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small run (6 images per condition)")
    parser.add_argument("--n", type=int, default=None, help="images for the moderate condition (default 60)")
    parser.add_argument("--no-baseline", action="store_true", help="skip the stock-pipeline baseline")
    parser.add_argument("--save", type=Path, help="write the generated images to this folder")
    args = parser.parse_args()
    moderate = args.n or (6 if args.quick else 60)
    other = 6 if args.quick else max(10, moderate // 3)
    plan = [(c, moderate if c.name.startswith("moderate") else other) for c in CONDITIONS]
    run(plan, not args.no_baseline, args.save)


if __name__ == "__main__":
    main()
