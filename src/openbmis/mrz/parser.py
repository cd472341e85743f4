"""Reading an MRZ: normalisation, format detection, fields, checks and OCR-confusion repair."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from itertools import combinations
from typing import NoReturn

from .checkdigit import VALUE_TABLE, check_digit_value, weighted_check_digit
from .errors import MRZFormatError
from .layouts import CELL_NAMES, LAYOUTS, Cell, Layout, Segment
from .model import Correction, FieldError, MRZFormat, MRZResult, MRZWarning
from .states import State, lookup_state, states

DEFAULT_EXPIRY_HORIZON_YEARS = 50

_ASCII_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_ALPHABET = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ<")
_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_DIGITS = frozenset("0123456789")
_NAME_CHARS = _LETTERS | {"<"}
# One C-level scan of a whole line instead of a set test per character ([0-9] is ASCII only here).
_IS_MRZ_TEXT = re.compile(r"[0-9A-Z<]*").fullmatch
_HAS_NON_NAME = re.compile(r"[^A-Z<]").search  # the same test as not _NAME_CHARS.issuperset(name)
_DIGIT_CHARS = "0123456789"  # check digit value -> the character an MRZ carries
# The OCR confusions of the brief, in both directions. A digit in an alphabetic field or a letter in a
# numeric field is mapped through these; in alphanumeric fields either side may be the true one.
_LETTER_TO_DIGIT = {"O": "0", "I": "1", "Z": "2", "S": "5", "G": "6", "B": "8"}
_DIGIT_TO_LETTER = {digit: letter for letter, digit in _LETTER_TO_DIGIT.items()}
_SWAP = _LETTER_TO_DIGIT | _DIGIT_TO_LETTER
# Cheap tests that a field holds anything the repair could change at all (most fields do not).
_HAS_DIGIT_TO_LETTER = re.compile("[" + "".join(_DIGIT_TO_LETTER) + "]").search
_HAS_LETTER_TO_DIGIT = re.compile("[" + "".join(_LETTER_TO_DIGIT) + "]").search
_MAX_FLIPS = 3  # at most this many simultaneous swaps inside one alphanumeric field
_MAX_CANDIDATE_POSITIONS = 14
_BY_LENGTH: dict[tuple[int, ...], tuple[MRZFormat, MRZFormat]] = {
    (30, 30, 30): ("TD1", "TD1"),
    (36, 36): ("TD2", "MRVB"),
    (44, 44): ("TD3", "MRVA"),
}
_CONCATENATED: dict[int, tuple[int, int]] = {90: (3, 30), 72: (2, 36), 88: (2, 44)}
_LABELS = {
    "document_number": "document number",
    "birth_date": "birth date",
    "expiry_date": "expiry date",
    "optional_data": "optional data (personal number)",
    "composite": "composite",
}


def normalise(text: str) -> tuple[MRZFormat, tuple[str, ...]]:
    """The format and the upper-cased lines of an MRZ as typed, pasted or sent by a reader.

    Accepts lines split by LF, CR or CRLF, lines concatenated without separators (keyboard-wedge
    readers), surrounding and inner white space, and lower case. Raises :class:`MRZFormatError` when
    the line count and lengths fit no format.
    """
    fmt, flat = _flatten(text)
    return fmt, _lines(flat, LAYOUTS[fmt].line_length)


def _flatten(text: str) -> tuple[MRZFormat, str]:
    """The format and the MRZ as one upper-case string without line breaks (see :func:`normalise`)."""
    if not isinstance(text, str):
        raise MRZFormatError(
            f"an MRZ must be text, not {type(text).__name__}", code="not_text", found=type(text).__name__
        )
    # For ASCII text str.upper() is the same mapping as the ASCII-only table, in one C call; other text
    # keeps the table, so no non-ASCII letter changes (upper() would turn "ß" into two characters).
    upper = text.upper() if text.isascii() else text.translate(_ASCII_UPPER)
    # Lines as typed and lines run together by a keyboard-wedge reader end up the same: every line
    # break is white space to str.split(), and the lines of every format have equal lengths, so the
    # MRZ is the white-space-free text cut into equal lines (lines that already fit are cut the same).
    flat = "".join(upper.split())
    shape = _CONCATENATED.get(len(flat))
    if shape is None:
        _raise_unrecognised(upper)
    count, width = shape
    kinds = _BY_LENGTH[(width,) * count]
    return (kinds[1] if flat[0] == "V" else kinds[0]), flat


def _lines(flat: str, width: int) -> tuple[str, ...]:
    if len(flat) == 2 * width:
        return (flat[:width], flat[width:])
    return (flat[:width], flat[width : 2 * width], flat[2 * width :])


def _raise_unrecognised(upper: str) -> NoReturn:
    """Raise the :class:`MRZFormatError` that names the line count and lengths of ``upper``."""
    lines = ["".join(line.split()) for line in upper.splitlines()]
    lines = [line for line in lines if line]
    if not lines:
        raise MRZFormatError("no MRZ: the input is empty", code="empty", expected="2 or 3 lines", found="")
    lengths = tuple(len(line) for line in lines)
    raise MRZFormatError(
        f"unrecognised MRZ: {len(lines)} line(s) of length {', '.join(map(str, lengths))}; expected "
        "3x30 (TD1), 2x36 (TD2, MRV-B) or 2x44 (TD3, MRV-A) characters, with or without line breaks",
        code="unrecognised_format",
        expected="3x30, 2x36 or 2x44",
        found=f"{len(lines)}x({','.join(map(str, lengths))})",
    )


class _Reader:
    """The OCR-confusion repair of one MRZ that failed a check: a mutable grid of its characters.

    Only the MRZs that fail a check get here; :func:`_read` reads the repaired lines again.
    """

    __slots__ = ("layout", "grid", "rows", "names", "today", "horizon", "result", "cells")

    def __init__(self, result: MRZResult, today: date, horizon: int) -> None:
        self.layout: Layout = LAYOUTS[result.format]
        self.grid: list[list[str]] = [list(line) for line in result.lines]
        self.rows: list[list[str]] = self.grid
        self.names = CELL_NAMES[result.format]
        self.today = today
        self.horizon = horizon
        self.result = result
        self.cells = _CELLS[result.format]

    # -- grid access -------------------------------------------------------------------------------
    def seg(self, segment: Segment) -> str:
        line, start, end = segment
        part = self.rows[line][start:end]
        return part if type(part) is str else "".join(part)

    def cell(self, cell: Cell) -> str:
        return self.rows[cell[0]][cell[1]]

    def _apply(self, changes: list[tuple[int, int, str]]) -> None:
        for line, column, new in changes:
            old = self.grid[line][column]
            self.grid[line][column] = new
            self.result.corrections.append(Correction(self.names[line][column], line, column, old, new))

    # -- check digits ------------------------------------------------------------------------------
    def _number_check(self) -> tuple[list[Cell], list[str], Cell, bool]:
        """Cells of the document number (with any continuation), the data variants, the digit cell.

        The last item tells whether the number continues in the optional data. For a continued number
        two data variants exist: ICAO's (the 9 + n characters) and one that also counts the filler in
        the check-digit position; genuine documents use each (EU PRADO BEL-BO-11005 vs BEL-BO-03003).
        """
        layout = self.layout
        cells = self.cells.number
        cd = layout.document_number_cd
        if layout.long_document_number and self.cell(cd) == "<":
            oline, ostart, oend = layout.optional_data
            row = self.rows[oline]
            if row[ostart] != "<":
                stop = ostart
                while stop < oend and row[stop] != "<":
                    stop += 1
                if stop - ostart >= 2:
                    extension = [(oline, c) for c in range(ostart, stop - 1)]
                    head = self.seg(layout.document_number)
                    tail = "".join(row[c] for _, c in extension)
                    return cells + extension, [head + tail, head + "<" + tail], (oline, stop - 1), True
        return cells, [self.seg(layout.document_number)], cd, False

    def _checks(self) -> Iterator[tuple[str, list[Cell], Cell, bool]]:
        """(name, data cells, check-digit cell, may the digit be '<' over empty data) for each check."""
        layout, cells = self.layout, self.cells
        number_cells, _, cd, _ = self._number_check()
        yield "document_number", number_cells, cd, False
        yield "birth_date", cells.birth, layout.birth_date_cd, False
        yield "expiry_date", cells.expiry, layout.expiry_date_cd, False
        if layout.optional_data_cd is not None:
            yield "optional_data", cells.optional, layout.optional_data_cd, True
        if layout.composite_cd is not None:
            yield "composite", cells.composite, layout.composite_cd, False

    def _holds(self, cells: list[Cell], cd: Cell, filler_ok: bool, variants: bool = False) -> bool:
        # Called for every candidate of the swap search: index the grid directly, no helper calls.
        grid = self.grid
        digit = grid[cd[0]][cd[1]]
        data = "".join([grid[line][column] for line, column in cells])
        if filler_ok and digit in "<0" and data.strip("<") == "":
            return True
        if variants:
            return digit in {_DIGIT_CHARS[check_digit_value(v)] for v in self._number_check()[1]}
        return digit == _DIGIT_CHARS[check_digit_value(data)]

    # -- repair ------------------------------------------------------------------------------------
    def repair_alpha_fields(self) -> None:
        """Digits in names and codes are OCR confusions: those fields hold letters and fillers only."""
        layout = self.layout
        for segment, kind in (
            (layout.document_code, "code"),
            (layout.issuing_state, "state"),
            (layout.nationality, "state"),
            (layout.names, "name"),
        ):
            line, start, end = segment
            if not _HAS_DIGIT_TO_LETTER("".join(self.grid[line][start:end])):
                continue
            changes = [
                (line, c, _DIGIT_TO_LETTER[self.grid[line][c]])
                for c in range(start, end)
                if self.grid[line][c] in _DIGIT_TO_LETTER
            ]
            if not changes:
                continue
            if kind == "state":
                before = self.seg(segment)
                after = list(before)
                for _, column, new in changes:
                    after[column - start] = new
                # A state code is accepted only when the repair turns an unknown code into a known one.
                if lookup_state(before) is not None or lookup_state("".join(after)) is None:
                    continue
            self._apply(changes)

    def _letters_to_digits(self, cells: list[Cell]) -> list[tuple[int, int, str]]:
        return [
            (line, c, _LETTER_TO_DIGIT[self.grid[line][c]])
            for line, c in cells
            if self.grid[line][c] in _LETTER_TO_DIGIT
        ]

    def _try(
        self, changes: list[tuple[int, int, str]], test: list[tuple[list[Cell], Cell, bool, bool]]
    ) -> bool:
        """Apply ``changes`` if afterwards every check in ``test`` holds; otherwise leave the grid alone."""
        ok = self._probe(changes, test)
        if ok:
            self._apply(changes)
        return ok

    def repair_numeric_fields(self) -> None:
        """Letters in dates and check digits map to digits, kept only if the check digit then holds."""
        layout, grid = self.layout, self.grid
        for segment, cells, cd in (
            (layout.birth_date, self.cells.birth, layout.birth_date_cd),
            (layout.expiry_date, self.cells.expiry, layout.expiry_date_cd),
        ):
            line, start, end = segment
            if not _HAS_LETTER_TO_DIGIT("".join(grid[line][start:end]) + grid[cd[0]][cd[1]]):
                continue
            changes = self._letters_to_digits([*cells, cd])
            if changes and not self._holds(cells, cd, False):
                self._try(changes, [(cells, cd, False, False)])

    def repair_alphanumeric_fields(self) -> None:
        """Document number and personal number: the unique smallest set of swaps that satisfies the digit."""
        layout = self.layout
        cells, _, cd, long_number = self._number_check()
        targets: list[tuple[list[Cell], Cell, bool, bool]] = [(cells, cd, False, long_number)]
        if layout.optional_data_cd is not None:
            targets.append((self.cells.optional, layout.optional_data_cd, True, False))
        for cells, cd, filler_ok, variants in targets:
            if self._holds(cells, cd, filler_ok, variants):
                continue
            self._search(cells, cd, [(cells, cd, filler_ok, variants)])

    def _search(self, cells: list[Cell], cd: Cell, test: list[tuple[list[Cell], Cell, bool, bool]]) -> bool:
        """Try swaps over ``cells`` (and a letter in the digit cell); accept a unique minimal solution."""
        base: list[tuple[int, int, str]] = []
        if self.cell(cd) in _LETTER_TO_DIGIT:
            base.append((cd[0], cd[1], _LETTER_TO_DIGIT[self.cell(cd)]))
        if base and self._try(base, test):
            return True
        positions = [(line, c) for line, c in cells if self.grid[line][c] in _SWAP]
        if len(positions) > _MAX_CANDIDATE_POSITIONS:
            return False
        for size in range(1, _MAX_FLIPS + 1):
            found: list[list[tuple[int, int, str]]] = []
            for chosen in combinations(positions, size):
                changes = base + [(line, c, _SWAP[self.grid[line][c]]) for line, c in chosen]
                if self._probe(changes, test):
                    found.append(changes)
                    if len(found) > 1:
                        return False  # ambiguous: two different repairs satisfy the digit
            if found:
                return self._try(found[0], test)
        return False

    def _probe(
        self, changes: list[tuple[int, int, str]], test: list[tuple[list[Cell], Cell, bool, bool]]
    ) -> bool:
        """Whether every check in ``test`` would hold with ``changes`` made; the grid is left as it was."""
        saved = [(line, c, self.grid[line][c]) for line, c, _ in changes]
        for line, c, new in changes:
            self.grid[line][c] = new
        ok = all(self._holds(cells, cd, filler, variants) for cells, cd, filler, variants in test)
        for line, c, old in saved:
            self.grid[line][c] = old
        return ok

    def repair_composite(self) -> None:
        """Last: the composite digit, then optional data covered by nothing but the composite."""
        layout = self.layout
        if layout.composite_cd is None:
            return
        composite = self.cells.composite
        test = [(composite, layout.composite_cd, False, False)]
        if self._holds(composite, layout.composite_cd, False):
            return
        if any(
            not self._holds(cells, cd, filler)
            for name, cells, cd, filler in self._checks()
            if name not in ("composite", "document_number")
        ):
            return  # a field check still fails: the composite cannot tell which repair is right
        number_cells, _, number_cd, long_number = self._number_check()
        if not self._holds(number_cells, number_cd, False, long_number):
            return
        free: list[Cell] = []
        covered = set(number_cells) | {number_cd}
        for segment in (layout.optional_data, layout.optional_data_2):
            if segment is None or layout.optional_data_cd is not None and segment == layout.optional_data:
                continue
            line, start, end = segment
            free.extend((line, c) for c in range(start, end) if (line, c) not in covered)
        self._search(free, layout.composite_cd, test)

    # -- reading -----------------------------------------------------------------------------------
    def repair(self) -> MRZResult:
        """The result read again from the repaired lines, or the given one when nothing was repaired."""
        self.repair_alpha_fields()
        self.repair_numeric_fields()
        self.repair_alphanumeric_fields()
        self.repair_composite()
        corrections = sorted(self.result.corrections, key=lambda c: (c.line, c.column))
        if not corrections:
            return self.result
        repaired = "".join(["".join(row) for row in self.grid])
        return _read(_PLANS[self.layout.format], repaired, self.today, self.horizon, corrections)


class _FieldCells:
    """The cells of the fields that carry a check digit, built once per format (and never mutated)."""

    __slots__ = ("number", "birth", "expiry", "optional", "composite")

    def __init__(self, layout: Layout) -> None:
        def cells(*segments: Segment) -> list[Cell]:
            return [(line, column) for line, start, end in segments for column in range(start, end)]

        self.number = cells(layout.document_number)
        self.birth = cells(layout.birth_date)
        self.expiry = cells(layout.expiry_date)
        self.optional = cells(layout.optional_data)
        self.composite = cells(*layout.composite_ranges)


_CELLS: dict[MRZFormat, _FieldCells] = {fmt: _FieldCells(layout) for fmt, layout in LAYOUTS.items()}


class _Plan:
    """A :class:`Layout` flattened for the read path: ``slice`` objects and indexes into the MRZ as one
    string (line after line), built once per format.

    Reading an MRZ is a few dozen slices of one short string; keeping them as ready slices (rather
    than unpacking ``(line, start, end)`` tuples and indexing lines on every parse) is most of what
    makes the read path fast.
    """

    __slots__ = (
        "format", "width", "cell_names", "code", "issuer", "names", "number", "number_cd", "nationality",
        "birth", "birth_cd", "sex", "expiry", "expiry_cd", "optional", "optional_start", "optional_end",
        "optional_cd", "optional_2", "composite", "composite_cd", "long_number",
    )  # fmt: skip

    def __init__(self, layout: Layout) -> None:
        width = layout.line_length

        def span(segment: Segment) -> slice[int, int, None]:
            line, start, end = segment
            return slice(line * width + start, line * width + end)

        def at(cell: Cell) -> int:
            return cell[0] * width + cell[1]

        self.format = layout.format
        self.width = width
        self.cell_names = CELL_NAMES[layout.format]
        self.code = span(layout.document_code)
        self.issuer = span(layout.issuing_state)
        self.names = span(layout.names)
        self.number = span(layout.document_number)
        self.number_cd = at(layout.document_number_cd)
        self.nationality = span(layout.nationality)
        self.birth = span(layout.birth_date)
        self.birth_cd = at(layout.birth_date_cd)
        self.sex = at(layout.sex)
        self.expiry = span(layout.expiry_date)
        self.expiry_cd = at(layout.expiry_date_cd)
        self.optional = span(layout.optional_data)
        self.optional_start: int = self.optional.start
        self.optional_end: int = self.optional.stop
        self.optional_cd = None if layout.optional_data_cd is None else at(layout.optional_data_cd)
        self.optional_2 = None if layout.optional_data_2 is None else span(layout.optional_data_2)
        self.composite = tuple(span(segment) for segment in layout.composite_ranges)
        self.composite_cd = None if layout.composite_cd is None else at(layout.composite_cd)
        self.long_number = layout.long_document_number


_PLANS: dict[MRZFormat, _Plan] = {fmt: _Plan(layout) for fmt, layout in LAYOUTS.items()}
# bytes.translate(None, delete) leaves only the characters outside the MRZ alphabet: a C-level test.
_ALPHABET_BYTES = "".join(sorted(_ALPHABET)).encode("ascii")

# State codes keyed by their 3-character MRZ form ("D<<", "GBR"): one dict lookup per code instead of
# stripping fillers first; the same answers as lookup_state() for the 3-character fields of an MRZ.
# Built on first use, as states() reads the package data on first use.
# The table is built whole and then published, so a thread never sees it half filled.
_PADDED_STATES: dict[str, State] | None = None


def _padded_states() -> dict[str, State]:
    global _PADDED_STATES
    table = _PADDED_STATES
    if table is None:
        table = {code.ljust(3, "<"): state for code, state in states().items()}
        _PADDED_STATES = table
    return table


def _read(plan: _Plan, flat: str, today: date, horizon: int, corrections: list[Correction]) -> MRZResult:
    """Every field of the MRZ ``flat`` (its lines run together) and every failed check, in one pass.

    Order of errors and warnings: characters, document code, states, names, document number, dates,
    sex, check digits.
    """
    errors: list[FieldError] = []
    warnings: list[MRZWarning] = []
    # "replace" turns a non-ASCII character into one "?", so positions hold.
    encoded = flat.encode("ascii", "replace")
    if encoded.translate(None, _ALPHABET_BYTES):
        _character_errors(plan, flat, errors)
    code, issuer_raw, nationality_raw = _codes(plan, flat, errors, warnings)
    primary, secondary, truncated = _names(plan, flat, errors, warnings)
    document_number, number_cd, variants, optional_data, optional_data_2 = _document_number(plan, flat, errors)
    birth_date = _date("birth_date", flat[plan.birth], False, today, horizon, errors, warnings)
    expiry_date = _date("expiry_date", flat[plan.expiry], True, today, horizon, errors, warnings)
    sex = _sex(plan, flat, errors)
    check_digits = _check_digits(plan, flat, encoded, number_cd, variants, errors, warnings)
    # Positional, in the model's field order (the model's own test pins it): keyword matching would cost
    # about a tenth of a parse.
    return MRZResult(
        plan.format,  # format
        _lines(flat, plan.width),  # lines
        code.rstrip("<"),  # document_code
        issuer_raw.rstrip("<"),  # issuing_state
        document_number,  # document_number
        primary,  # primary_identifier
        secondary,  # secondary_identifier
        nationality_raw.rstrip("<"),  # nationality
        birth_date,  # birth_date
        sex,  # sex
        expiry_date,  # expiry_date
        optional_data,  # optional_data
        optional_data_2,  # optional_data_2
        truncated,  # names_truncated
        check_digits,  # check_digits
        errors,  # errors
        corrections,  # corrections
        warnings,  # warnings
    )


def _character_errors(plan: _Plan, flat: str, errors: list[FieldError]) -> None:
    """One error per character outside the MRZ alphabet, naming its line, column and field."""
    for index, char in enumerate(flat):
        if char not in _ALPHABET:
            line_no, column = divmod(index, plan.width)
            field = plan.cell_names[line_no][column]
            errors.append(
                FieldError(
                    field,
                    "invalid_character",
                    "A-Z, 0-9 or <",
                    char,
                    f"line {line_no + 1}, column {column + 1} ({field.replace('_', ' ')}): "
                    f"{char!r} is not an MRZ character",
                )
            )


def _codes(
    plan: _Plan, flat: str, errors: list[FieldError], warnings: list[MRZWarning]
) -> tuple[str, str, str]:
    """The document code, issuing state and nationality as written (with fillers), checked."""
    code = flat[plan.code]
    if code[0] not in _LETTERS or not _NAME_CHARS.issuperset(code):
        errors.append(
            FieldError(
                "document_code", "invalid_document_code", "a letter", code, f"document code {code!r} must start with a letter"
            )
        )
    padded = _PADDED_STATES or _padded_states()
    issuer_raw = flat[plan.issuer]
    nationality_raw = flat[plan.nationality]
    issuer = padded.get(issuer_raw)
    nationality = padded.get(nationality_raw)
    # Known ISO 3166 and ICAO codes, the common case, need nothing more.
    if issuer is None or nationality is None or issuer.category not in _PLAIN or nationality.category not in _PLAIN:
        _report_states(
            (
                ("issuing_state", "issuing state", issuer_raw, issuer),
                ("nationality", "nationality", nationality_raw, nationality),
            ),
            errors,
            warnings,
        )
    return code, issuer_raw, nationality_raw


def _names(
    plan: _Plan, flat: str, errors: list[FieldError], warnings: list[MRZWarning]
) -> tuple[str, str, bool]:
    """The primary and secondary identifiers, and whether the name field may have been truncated."""
    raw = flat[plan.names]
    primary, separator, secondary = raw.partition("<<")
    primary = primary.replace("<", " ").strip()
    secondary = " ".join(secondary.replace("<", " ").split()) if separator else ""
    if _HAS_NON_NAME(raw):
        bad = "".join(sorted({c for c in raw if c not in _LETTERS and c != "<"}))
        errors.append(
            FieldError("names", "invalid_name", "A-Z or <", bad, f"names may hold only letters and fillers, found {bad!r}")
        )
    truncated = raw[-1] != "<"
    if truncated:
        warnings.append(_NAME_TRUNCATED)
    if not primary and not secondary:
        errors.append(FieldError("names", "empty_name", "a name", "", "the name field is empty"))
    return primary, secondary, truncated


def _document_number(
    plan: _Plan, flat: str, errors: list[FieldError]
) -> tuple[str, str, tuple[str, str] | None, str, str]:
    """The document number (possibly continued in the optional data), its check digit, the two ways of
    reading a continued number (or None), and the optional data fields."""
    number = flat[plan.number]
    number_cd = flat[plan.number_cd]
    variants: tuple[str, str] | None = None
    start = plan.optional_start
    if plan.long_number and number_cd == "<" and flat[start] != "<":
        # TD1/TD2: a number longer than 9 characters continues in the optional data; its check digit
        # is the last character before the next filler (ICAO Doc 9303 Part 5 4.2.2, Part 6 4.2.2).
        end = plan.optional_end
        stop = flat.find("<", start, end)
        if stop < 0:
            stop = end
        if stop - start >= 2:
            tail = flat[start : stop - 1]
            variants = (number + tail, number + "<" + tail)
            number_cd = flat[stop - 1]
            document_number = variants[0].rstrip("<")
            optional_data = flat[stop + 1 : end].replace("<", " ").strip() if stop < end else ""
    if variants is None:
        document_number = number.rstrip("<")
        optional_data = flat[plan.optional].replace("<", " ").strip()
    optional_data_2 = "" if plan.optional_2 is None else flat[plan.optional_2].replace("<", " ").strip()
    if not document_number:
        errors.append(
            FieldError("document_number", "empty_document_number", "a document number", "", "the document number is empty")
        )
    return document_number, number_cd, variants, optional_data, optional_data_2


def _sex(plan: _Plan, flat: str, errors: list[FieldError]) -> str | None:
    """M, F or X (``<`` means unspecified, read as X); None and an error for anything else."""
    sex_raw = flat[plan.sex]
    if sex_raw == "M" or sex_raw == "F":
        return sex_raw
    if sex_raw == "X" or sex_raw == "<":
        return "X"
    errors.append(FieldError("sex", "invalid_sex", "M, F, X or <", sex_raw, f"sex {sex_raw!r} must be M, F, X or <"))
    return None


def _check_digits(
    plan: _Plan,
    flat: str,
    encoded: bytes,
    number_cd: str,
    variants: tuple[str, str] | None,
    errors: list[FieldError],
    warnings: list[MRZWarning],
) -> dict[str, str]:
    """Every check digit as found, each checked against the 7-3-1 values of the whole MRZ translated at once."""
    values = encoded.translate(VALUE_TABLE)
    birth_found = flat[plan.birth_cd]
    expiry_found = flat[plan.expiry_cd]
    check_digits = {"document_number": number_cd, "birth_date": birth_found, "expiry_date": expiry_found}
    if variants is not None:
        _check_long_number(variants, number_cd, errors, warnings)
    elif _DIGIT_CHARS[weighted_check_digit(values[plan.number])] != number_cd:
        _check(errors, "document_number", values[plan.number], number_cd)
    if _DIGIT_CHARS[weighted_check_digit(values[plan.birth])] != birth_found:
        _check(errors, "birth_date", values[plan.birth], birth_found)
    if _DIGIT_CHARS[weighted_check_digit(values[plan.expiry])] != expiry_found:
        _check(errors, "expiry_date", values[plan.expiry], expiry_found)
    if plan.optional_cd is not None:
        found = flat[plan.optional_cd]
        check_digits["optional_data"] = found
        # An empty personal number may carry '<' or '0' as its check digit.
        if not (found in "<0" and flat[plan.optional].strip("<") == ""):
            _check(errors, "optional_data", values[plan.optional], found)
    if plan.composite_cd is not None:
        found = flat[plan.composite_cd]
        check_digits["composite"] = found
        _check(errors, "composite", b"".join([values[part] for part in plan.composite]), found)
    return check_digits




_PLAIN = frozenset({"iso3166", "icao"})  # state categories that need no warning
_NAME_TRUNCATED = MRZWarning(
    "name_truncated", "names", "the name fills its field and may have been truncated"
)


def _report_states(
    codes: tuple[tuple[str, str, str, State | None], ...],
    errors: list[FieldError],
    warnings: list[MRZWarning],
) -> None:
    """Errors for unknown state codes, warnings for the specimen code (once) and deprecated codes."""
    specimen_reported = False
    for name, label, raw, state in codes:
        value = raw.rstrip("<")
        if state is None:
            errors.append(
                FieldError(
                    name,
                    "unknown_state",
                    "an ICAO Doc 9303 state code",
                    value,
                    f"{label} code {value!r} is not an ICAO Doc 9303 code",
                )
            )
        elif state.is_specimen and not specimen_reported:
            specimen_reported = True
            warnings.append(
                MRZWarning(
                    "specimen", name, f"{label} code {value} (Utopia) is used only on ICAO specimen documents"
                )
            )
        elif state.is_deprecated:
            warnings.append(
                MRZWarning("deprecated_state", name, f"{label} code {value} ({state.name}) is deprecated")
            )


def _check(errors: list[FieldError], name: str, values: bytes, found: str) -> None:
    """Report a check digit that differs from the one computed over ``values``."""
    wanted = _DIGIT_CHARS[weighted_check_digit(values)]
    if found != wanted:
        label = _LABELS[name]
        errors.append(
            FieldError(
                name, "check_digit", wanted, found, f"{label} check digit: expected {wanted}, found {found}"
            )
        )


def _check_long_number(
    variants: tuple[str, str], found: str, errors: list[FieldError], warnings: list[MRZWarning]
) -> None:
    """The check digit of a continued document number, which genuine documents compute two ways."""
    expected = [str(check_digit_value(v)) for v in variants]
    if found == expected[0]:
        return
    if found == expected[1]:
        warnings.append(
            MRZWarning(
                "document_number_check_counts_filler",
                "document_number",
                "the check digit of this long document number counts the '<' before the continuation "
                "(as on EU PRADO BEL-BO-03003); ICAO Doc 9303 Part 5 does not",
            )
        )
        return
    shown = expected[0] if expected[0] == expected[1] else f"{expected[0]} or {expected[1]}"
    label = _LABELS["document_number"]
    errors.append(
        FieldError(
            "document_number",
            "check_digit",
            shown,
            found,
            f"{label} check digit: expected {shown}, found {found}",
        )
    )


def _date(
    field: str,
    raw: str,
    future: bool,
    today: date,
    horizon: int,
    errors: list[FieldError],
    warnings: list[MRZWarning],
) -> date | None:
    """YYMMDD to a date: birth dates the latest not after ``today``, expiry dates up to the horizon."""
    if not (raw.isdigit() and raw.isascii()):
        # Unknown parts ('<' or 'X') and anything that is no date: the uncommon path.
        label = field.replace("_", " ")
        if any(c in "<X" for c in raw):
            if all(c in _DIGITS or c in "<X" for c in raw) and not future:
                warnings.append(
                    MRZWarning(
                        f"{field}_unknown",
                        field,
                        f"{label} is not known in full: {raw!r} ('<' or 'X' for unknown parts)",
                    )
                )
                return None
            if raw == "<<<<<<" and future:
                warnings.append(MRZWarning(f"{field}_missing", field, f"no {label} is given"))
                return None
        errors.append(
            FieldError(field, "invalid_date", "YYMMDD", raw, f"{label} {raw!r} is not a date (YYMMDD)")
        )
        return None
    number = int(raw)  # one conversion, then arithmetic: cheaper than three slices and three int()s
    yy, mm, dd = number // 10000, number // 100 % 100, number % 100
    if future:
        limit = today.year + horizon
        try:
            return date(limit - ((limit - yy) % 100), mm, dd)
        except ValueError:
            pass
    else:
        # The latest century that puts the birth date on or before today.
        latest = today.year - ((today.year - yy) % 100)
        for year in (latest, latest - 100):
            try:
                value = date(year, mm, dd)
            except ValueError:
                continue
            if value <= today:
                return value
    label = field.replace("_", " ")
    errors.append(
        FieldError(field, "invalid_date", "a calendar date", raw, f"{label} {raw!r} is not a possible date")
    )
    return None


def parse(
    text: str,
    *,
    today: date | None = None,
    repair: bool = True,
    expiry_horizon_years: int = DEFAULT_EXPIRY_HORIZON_YEARS,
) -> MRZResult:
    """Read an MRZ and check everything that can be checked without the document in hand.

    ``text`` may be 2 or 3 lines separated by any line break, or the same characters concatenated
    (keyboard-wedge readers), in any case, with stray white space. ``today`` (default: the system
    date) decides the century of dates: a birth date is the latest one not after ``today``, an expiry
    date the latest one not after ``today`` + ``expiry_horizon_years``. With ``repair`` (the default),
    OCR confusions (O/0, I/1, Z/2, S/5, G/6, B/8) are corrected where the field type or a check digit
    proves the correction; each one is listed in ``corrections``.

    Contract: a :class:`~openbmis.mrz.errors.MRZFormatError` is raised only when the input is not an MRZ
    at all (no text, or line count and lengths that fit no format). Anything MRZ-shaped returns an
    :class:`MRZResult` with every field that could be read and a structured error for every check
    that failed; no other exception escapes.
    """
    fmt, flat = _flatten(text)
    today = today or date.today()
    result = _read(_PLANS[fmt], flat, today, expiry_horizon_years, [])
    if repair and result.errors:
        # Repair only what failed: the search runs on the few MRZs with an error, never on valid ones.
        return _Reader(result, today, expiry_horizon_years).repair()
    return result
