"""``openbmis mrz``: read and write machine readable zones from the command line."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping
from datetime import date
from typing import Any

from openbmis.mrz import MRZError, make, parse

_FIELDS = (
    "format",
    "document_code",
    "issuing_state",
    "document_number",
    "primary_identifier",
    "secondary_identifier",
    "nationality",
    "birth_date",
    "sex",
    "expiry_date",
    "optional_data",
    "optional_data_2",
)


def _read(source: str) -> str:
    if source == "-":
        return sys.stdin.read()
    with open(source, encoding="utf-8") as handle:
        return handle.read()


def _blocks(text: str) -> list[str]:
    """MRZs separated by blank lines."""
    blocks: list[str] = []
    current: list[str] = []
    for line in text.splitlines():
        if line.strip():
            current.append(line)
        elif current:
            blocks.append("\n".join(current))
            current = []
    if current:
        blocks.append("\n".join(current))
    return blocks


def _parse_one(text: str, today: date | None, repair: bool) -> Mapping[str, object]:
    try:
        return parse(text, today=today, repair=repair).to_dict()
    except MRZError as error:
        return {"valid": False, "errors": [error.to_dict()]}


def cmd_parse(args: argparse.Namespace) -> int:
    today = date.fromisoformat(args.today) if args.today else None
    text = _read(args.file)
    if args.jsonl:
        all_valid = True
        for block in _blocks(text):
            out = _parse_one(block, today, not args.no_repair)
            all_valid = all_valid and bool(out["valid"])
            print(json.dumps(out, ensure_ascii=False))
        return 0 if all_valid else 1
    out = _parse_one(text, today, not args.no_repair)
    print(json.dumps(out, ensure_ascii=False, indent=2))
    return 0 if out["valid"] else 1


def cmd_make(args: argparse.Namespace) -> int:
    fields: dict[str, Any] = {}
    if args.json:
        fields.update(
            json.loads(
                _read(args.json) if args.json == "-" or not args.json.lstrip().startswith("{") else args.json
            )
        )
    for name in _FIELDS:
        value = getattr(args, name, None)
        if value is not None:
            fields[name] = value
    try:
        print(make(fields))
    except MRZError as error:
        print(json.dumps({"errors": [error.to_dict()]}, ensure_ascii=False), file=sys.stderr)
        return 1
    except (TypeError, ValueError) as error:  # missing or malformed fields in the JSON
        print(
            json.dumps({"errors": [{"field": None, "code": "invalid_fields", "message": str(error)}]}),
            file=sys.stderr,
        )
        return 1
    return 0


def cmd_scan(args: argparse.Namespace) -> int:
    """Read the MRZ in an image: exit 0 valid, 1 read but invalid, 2 no MRZ could be read."""
    # Imported here so `openbmis mrz parse` never loads the OCR stack (openbmis.mrz.ocr itself is light
    # and imports numpy, Pillow and rapidocr only when it reads an image).
    from openbmis.mrz.ocr import OCRError, scan

    try:
        today = date.fromisoformat(args.today) if args.today else None
    except ValueError:
        print(f"openbmis mrz scan: --today {args.today!r} is not a YYYY-MM-DD date", file=sys.stderr)
        return 2
    try:
        result = scan(args.image, today=today, repair=not args.no_repair)
    except OCRError as error:
        if args.json:
            print(json.dumps({"valid": False, "errors": [error.to_dict()]}, ensure_ascii=False))
        print(f"openbmis mrz scan: {error.message}", file=sys.stderr)
        return 2
    out = result.to_dict()
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        for line in result.lines:
            print(line.normalised)
        status = "valid" if result.valid else "INVALID"
        print(
            f"{out['format']}: {status} ({result.seconds:.2f} s, min confidence {out['ocr']['min_confidence']})"
        )
        for problem in out["errors"]:
            print(f"  error: {problem['message']}")
        for fix in out["corrections"]:
            print(f"  corrected {fix['field']}: {fix['original']} -> {fix['corrected']}")
    return 0 if result.valid else 1


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser("mrz", help="read and write ICAO 9303 machine readable zones")
    commands = parser.add_subparsers(dest="mrz_command", metavar="ACTION", required=True)

    p = commands.add_parser(
        "parse", help="parse an MRZ (or, with --jsonl, a file of MRZs separated by blank lines)"
    )
    p.add_argument("file", nargs="?", default="-", help="file to read, or - for standard input (default)")
    p.add_argument("--jsonl", action="store_true", help="one JSON object per line, one per MRZ block")
    p.add_argument("--today", help="reference date for the century of dates (YYYY-MM-DD)")
    p.add_argument("--no-repair", action="store_true", help="do not correct OCR confusions")
    p.set_defaults(handler=cmd_parse)

    m = commands.add_parser("make", help="write an MRZ from fields given as options or JSON")
    m.add_argument("--json", help="a JSON object of fields, a file holding one, or - for standard input")
    for name in _FIELDS:
        m.add_argument(f"--{name.replace('_', '-')}", dest=name, help=f"{name.replace('_', ' ')}")
    m.set_defaults(handler=cmd_make)

    s = commands.add_parser(
        "scan", help="read the MRZ in a camera or scanner image (needs the ocr extra: openbmis[ocr])"
    )
    s.add_argument("image", help="image file (JPEG, PNG, TIFF, BMP, WebP)")
    s.add_argument("--json", action="store_true", help="print the parse JSON plus OCR metadata")
    s.add_argument("--today", help="reference date for the century of dates (YYYY-MM-DD)")
    s.add_argument("--no-repair", action="store_true", help="do not correct OCR confusions")
    s.set_defaults(handler=cmd_scan)
