"""MRZ from images (openbmis.mrz.ocr): normalisation rules, image errors, generated OCR-B renders, the CLI.

The images are generated here (openbmis.mrz.ocr_synth: random valid fields written by make, printed in
Debian's OCR-B); the expected fields are those the generator wrote, never what the reader returns.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openbmis.mrz import MRZError, parse
from openbmis.mrz.ocr import (
    ImageReadError,
    MRZNotFoundError,
    OCRError,
    _length_variants,
    normalise_line,
    scan,
)

TODAY = date(2026, 1, 1)
TD3_SPECIMEN = (  # ICAO Doc 9303 Part 4, appendix A
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
    "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
)


# --- normalisation (no OCR stack needed) ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("p<utoeriksson<<anna", "P<UTOERIKSSON<<ANNA"),  # lower case
        ("P<UTO ERIKSSON << ANNA", "P<UTOERIKSSON<<ANNA"),  # spaces inside the line
        ("P<UTOERIKSSON«ANNA", "P<UTOERIKSSON<<ANNA"),  # guillemet for two fillers
        ("Ｐ＜ＵＴＯ", "P<UTO"),  # full-width forms (NFKC)
        ("ANNA‹MARIA", "ANNA<MARIA"),
        ("L898902C3.6UTO-", "L898902C36UTO"),  # punctuation is no MRZ character
        ("MARIA<<<K<<<<", "MARIA<<<<<<<<"),  # K amid a filler run
        ("MARIA<<KK<<<", "MARIA<<<<<<<"),  # two of them
        ("MARIA<<<<K", "MARIA<<<<<"),  # at the end of a filler run
        ("SMITH<<K<JOHN", "SMITH<<<<JOHN"),  # a one-letter name after << is ambiguous; taken as filler
        ("SMITH<K<JOHN", "SMITH<K<JOHN"),  # between single fillers: kept
        ("KAREN<<KATE", "KAREN<<KATE"),  # K starting a name part: kept
    ],
)
def test_normalise_line(raw: str, expected: str) -> None:
    assert normalise_line(raw) == expected


@pytest.mark.parametrize(
    ("read", "target", "truth"),
    [
        # one filler too few in the trailing run of a TD3 first line
        (TD3_SPECIMEN[0][:-1], 44, TD3_SPECIMEN[0]),
        # one too many in the middle run of the second line
        (TD3_SPECIMEN[1].replace("B<<<<<", "B<<<<<<"), 44, TD3_SPECIMEN[1]),
        # two too few
        (TD3_SPECIMEN[0][:-2], 44, TD3_SPECIMEN[0]),
    ],
)
def test_length_variants_include_the_true_line(read: str, target: int, truth: str) -> None:
    variants = _length_variants(read, target)
    assert truth in variants
    assert all(len(v) == target for v in variants)


def test_length_variants_leave_a_right_length_line_alone() -> None:
    assert _length_variants(TD3_SPECIMEN[1], 44) == [TD3_SPECIMEN[1]]


# --- image errors (decoding fails before any OCR) -------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"not an image at all\n",
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 40,
        b"\xff\xd8\xff\xe0" + b"garbage" * 20,
    ],
    ids=["empty", "text", "truncated-png", "truncated-jpeg"],
)
def test_garbage_bytes_raise_image_read_error(data: bytes) -> None:
    pytest.importorskip("PIL", reason="the ocr extra (Pillow) is not installed")
    with pytest.raises(ImageReadError) as info:
        scan(data)
    assert isinstance(info.value, MRZError) and isinstance(info.value, ValueError)
    assert (info.value.code, info.value.field) == ("unreadable_image", "image")


def test_missing_file_raises_image_read_error(tmp_path: Path) -> None:
    pytest.importorskip("PIL", reason="the ocr extra (Pillow) is not installed")
    with pytest.raises(ImageReadError, match="no-such.jpg"):
        scan(tmp_path / "no-such.jpg")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_raise_only_the_library_error(data: bytes) -> None:
    pytest.importorskip("PIL", reason="the ocr extra (Pillow) is not installed")
    try:
        scan(data, today=TODAY)
    except OCRError:
        pass


def test_importing_the_library_loads_no_ocr_stack() -> None:
    code = (
        "import sys, openbmis.mrz, openbmis.mrz.ocr, openbmis.cli.mrz\n"
        "heavy = {'rapidocr', 'onnxruntime', 'cv2', 'PIL'} & set(sys.modules)\n"
        "print(sorted(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --- reading generated images ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def synth():  # type: ignore[no-untyped-def]
    """The image generator, skipping when the ocr extra or the OCR-B font is missing."""
    pytest.importorskip("PIL", reason="the ocr extra (Pillow) is not installed")
    pytest.importorskip("rapidocr", reason="the ocr extra (rapidocr) is not installed")
    pytest.importorskip("onnxruntime", reason="the ocr extra (onnxruntime) is not installed")
    from openbmis.mrz import ocr_synth

    if ocr_synth.find_ocrb_font() is None:
        pytest.skip("OCR-B font not found: apt-get install fonts-ocr-b (or set OPENBMIS_OCRB_FONT)")
    return ocr_synth


@pytest.fixture(scope="module")
def offline_engine(synth):  # type: ignore[no-untyped-def]
    """The OCR engine, loaded while every network connection fails: nothing may be downloaded."""
    from openbmis.mrz import ocr

    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError("network access attempted while loading the OCR engine")

    monkey = pytest.MonkeyPatch()
    monkey.setattr(ocr, "_ENGINE", None)
    monkey.setattr(socket.socket, "connect", refuse)
    monkey.setattr(socket, "create_connection", refuse)
    try:
        engine = ocr._engine()
        sample = synth.synthesise(7, fmt="TD3", today=TODAY)
        first = scan(sample.image, today=TODAY)  # the first run may still lazily load parts
    finally:
        monkey.undo()
    return engine, first, sample


def _truth(mrz: str):  # type: ignore[no-untyped-def]
    return parse(mrz, today=TODAY).fields()


def test_engine_loads_and_reads_without_network(offline_engine) -> None:  # type: ignore[no-untyped-def]
    _engine, first, sample = offline_engine
    assert first.valid
    assert first.mrz.fields() == _truth(sample.mrz)


@pytest.mark.parametrize("fmt", ["TD1", "TD2", "TD3"])
def test_clean_render_reads_fully_valid(synth, offline_engine, fmt: str) -> None:  # type: ignore[no-untyped-def]
    sample = synth.synthesise(100, fmt=fmt, today=TODAY)
    result = scan(sample.image, today=TODAY)
    assert result.valid, result.to_dict()["errors"]
    assert result.mrz.fields() == _truth(sample.mrz)
    assert result.mrz.format == fmt
    assert len(result.lines) == {"TD1": 3, "TD2": 2, "TD3": 2}[fmt]


@pytest.mark.parametrize(("fmt", "seed"), [("TD1", 201), ("TD3", 202)])
def test_moderately_degraded_render_reads_valid(synth, offline_engine, fmt: str, seed: int) -> None:  # type: ignore[no-untyped-def]
    degradation = synth.Degradation(rotation_deg=3.0, blur_radius=1.0, noise_sigma=6.0, jpeg_quality=60)
    sample = synth.synthesise(seed, fmt=fmt, degradation=degradation, today=TODAY)
    result = scan(sample.image, today=TODAY)
    assert result.valid, result.to_dict()["errors"]
    assert result.mrz.fields() == _truth(sample.mrz)


@pytest.mark.parametrize("number", ["0AZ3G4OY4", "O1234O567"])
def test_o_and_0_at_positions_of_equal_weight_are_told_apart(synth, offline_engine, number: str) -> None:  # type: ignore[no-untyped-def]
    # The recogniser reads every OCR-B O as 0. Positions 0 and 6 share the 7-3-1 weight 7, so either
    # swap gives the same check digit; with two Os, several pairs of O/0, I/1, S/5... swaps fit the check
    # digit equally. Only the glyphs can decide; the name supplies letter Os, the dates zeros.
    from openbmis.mrz import make

    fields = {
        "format": "TD3", "document_code": "P", "issuing_state": "UTO", "document_number": number,
        "primary_identifier": "MONROE", "secondary_identifier": "ODO", "nationality": "UTO",
        "birth_date": "1980-10-05", "sex": "M", "expiry_date": "2030-01-20",
    }  # fmt: skip
    mrz = make(fields)
    image = synth.render(mrz, seed=5, degradation=synth.Degradation(1.5, 0.6, 4.0, 75))
    result = scan(image, today=TODAY)
    assert result.valid, result.to_dict()["errors"]
    assert result.mrz.document_number == number


def test_scan_json_is_the_parse_json_plus_ocr(synth, offline_engine) -> None:  # type: ignore[no-untyped-def]
    _engine, first, sample = offline_engine
    out = first.to_dict()
    expected = parse(sample.mrz, today=TODAY).to_dict()
    for key in ("format", "document_number", "primary_identifier", "birth_date", "expiry_date", "valid"):
        assert out[key] == expected[key]
    assert out["ocr"]["engine"].startswith("rapidocr")
    assert len(out["ocr"]["lines"]) == 2
    assert all(0.0 < line["confidence"] <= 1.0 for line in out["ocr"]["lines"])
    assert out["ocr"]["seconds"] > 0
    json.dumps(out)


def test_a_page_without_mrz_raises_not_found(synth, offline_engine) -> None:  # type: ignore[no-untyped-def]
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (640, 400), (235, 232, 220)).save(buffer, format="PNG")
    with pytest.raises(MRZNotFoundError) as info:
        scan(buffer.getvalue(), today=TODAY)
    assert info.value.code == "mrz_not_found"


# --- CLI ------------------------------------------------------------------------------------------------


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "openbmis.cli.main", "mrz", "scan", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_cli_scan_prints_json_and_exits_0(synth, offline_engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _engine, _first, sample = offline_engine
    image = tmp_path / "page.jpg"
    image.write_bytes(sample.image)
    done = _cli(str(image), "--json", "--today", TODAY.isoformat())
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["valid"] is True
    assert out["document_number"] == sample.fields.document_number
    assert "ocr" in out


@pytest.mark.parametrize(
    ("name", "content"),
    [("garbage.jpg", b"\x00\x01garbage"), ("notes.txt", b"hello\n"), ("missing.png", None)],
)
def test_cli_scan_unreadable_file_exits_2_without_traceback(
    tmp_path: Path, name: str, content: bytes | None
) -> None:
    pytest.importorskip("PIL", reason="the ocr extra (Pillow) is not installed")
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    done = _cli(str(path))
    assert done.returncode == 2
    assert "cannot read the image" in done.stderr
    assert "Traceback" not in done.stderr
