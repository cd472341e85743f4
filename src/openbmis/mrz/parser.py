"""Reading an MRZ: normalisation, format detection, fields, checks and OCR-confusion repair."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from itertools import combinations

from .checkdigit import check_digit_value
from .errors import MRZFormatError
from .layouts import CELL_NAMES, LAYOUTS, Cell, Layout, Segment
from .model import Correction, FieldError, MRZFormat, MRZResult, MRZWarning
from .states import lookup_state

DEFAULT_EXPIRY_HORIZON_YEARS = 50

_ASCII_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_ALPHABET = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ<")
_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_DIGITS = frozenset("0123456789")
_NAME_CHARS = _LETTERS | {"<"}
# The OCR confusions of the brief, in both directions. A digit in an alphabetic field or a letter in a
# numeric field is mapped through these; in alphanumeric fields either side may be the true one.
_LETTER_TO_DIGIT = {"O": "0", "I": "1", "Z": "2", "S": "5", "G": "6", "B": "8"}
_DIGIT_TO_LETTER = {digit: letter for letter, digit in _LETTER_TO_DIGIT.items()}
_SWAP = _LETTER_TO_DIGIT | _DIGIT_TO_LETTER
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
    if not isinstance(text, str):
        raise MRZFormatError(
            f"an MRZ must be text, not {type(text).__name__}", code="not_text", found=type(text).__name__
        )
    upper = text.translate(_ASCII_UPPER)
    lines = ["".join(line.split()) for line in upper.splitlines()]
    lines = [line for line in lines if line]
    if not lines:
        raise MRZFormatError("no MRZ: the input is empty", code="empty", expected="2 or 3 lines", found="")
    lengths = tuple(len(line) for line in lines)
    kinds = _BY_LENGTH.get(lengths)
    if kinds is None:
        joined = "".join(lines)
        shape = _CONCATENATED.get(len(joined))
        if shape is None:
            raise MRZFormatError(
                f"unrecognised MRZ: {len(lines)} line(s) of length {', '.join(map(str, lengths))}; expected "
                "3x30 (TD1), 2x36 (TD2, MRV-B) or 2x44 (TD3, MRV-A) characters, with or without line breaks",
                code="unrecognised_format",
                expected="3x30, 2x36 or 2x44",
                found=f"{len(lines)}x({','.join(map(str, lengths))})",
            )
        count, width = shape
        lines = [joined[i * width : (i + 1) * width] for i in range(count)]
        kinds = _BY_LENGTH[tuple(width for _ in range(count))]
    fmt = kinds[1] if lines[0][0] == "V" else kinds[0]
    return fmt, tuple(lines)


class _Reader:
    """One parse: the lines (a mutable character grid while repairing) and what was found in them."""

    __slots__ = ("layout", "grid", "rows", "names", "today", "horizon", "result", "repair", "number")

    def __init__(
        self, fmt: MRZFormat, lines: tuple[str, ...], today: date, horizon: int, repair: bool
    ) -> None:
        self.layout: Layout = LAYOUTS[fmt]
        # Reading works on the lines as strings; repair swaps in a mutable grid of characters.
        self.grid: list[list[str]] = []
        self.rows: tuple[str, ...] | list[list[str]] = lines
        self.names = CELL_NAMES[fmt]
        self.today = today
        self.horizon = horizon
        self.repair = repair
        self.result = MRZResult(format=fmt, lines=lines)
        self.number: tuple[list[Cell], list[str], Cell, bool] | None = None

    # -- grid access -------------------------------------------------------------------------------
    def seg(self, segment: Segment) -> str:
        line, start, end = segment
        part = self.rows[line][start:end]
        return part if type(part) is str else "".join(part)

    def cell(self, cell: Cell) -> str:
        return self.rows[cell[0]][cell[1]]

    def error(self, field: str, code: str, expected: str | None, found: str | None, message: str) -> None:
        self.result.errors.append(FieldError(field, code, expected, found, message))

    def warn(self, code: str, field: str | None, message: str) -> None:
        self.result.warnings.append(MRZWarning(code, field, message))

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
        line, start, end = layout.document_number
        cells = [(line, c) for c in range(start, end)]
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
        layout = self.layout
        cells, _, cd, _ = self._number_check()
        yield "document_number", cells, cd, False
        for name, segment, cd_cell in (
            ("birth_date", layout.birth_date, layout.birth_date_cd),
            ("expiry_date", layout.expiry_date, layout.expiry_date_cd),
        ):
            line, start, end = segment
            yield name, [(line, c) for c in range(start, end)], cd_cell, False
        if layout.optional_data_cd is not None:
            line, start, end = layout.optional_data
            yield "optional_data", [(line, c) for c in range(start, end)], layout.optional_data_cd, True
        if layout.composite_cd is not None:
            composite = [(line, c) for line, start, end in layout.composite_ranges for c in range(start, end)]
            yield "composite", composite, layout.composite_cd, False

    def _holds(self, cells: list[Cell], cd: Cell, filler_ok: bool, variants: bool = False) -> bool:
        digit = self.cell(cd)
        data = "".join(self.cell(c) for c in cells)
        if filler_ok and digit in "<0" and data.strip("<") == "":
            return True
        if variants:
            return digit in {str(check_digit_value(v)) for v in self._number_check()[1]}
        return digit == str(check_digit_value(data))

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
        saved = [(line, c, self.grid[line][c]) for line, c, _ in changes]
        for line, c, new in changes:
            self.grid[line][c] = new
        ok = all(self._holds(cells, cd, filler, variants) for cells, cd, filler, variants in test)
        for line, c, old in saved:
            self.grid[line][c] = old
        if ok:
            self._apply(changes)
        return ok

    def repair_numeric_fields(self) -> None:
        """Letters in dates and check digits map to digits, kept only if the check digit then holds."""
        layout = self.layout
        for segment, cd in (
            (layout.birth_date, layout.birth_date_cd),
            (layout.expiry_date, layout.expiry_date_cd),
        ):
            line, start, end = segment
            cells = [(line, c) for c in range(start, end)]
            changes = self._letters_to_digits([*cells, cd])
            if changes and not self._holds(cells, cd, False):
                self._try(changes, [(cells, cd, False, False)])

    def repair_alphanumeric_fields(self) -> None:
        """Document number and personal number: the unique smallest set of swaps that satisfies the digit."""
        layout = self.layout
        cells, _, cd, long_number = self._number_check()
        targets: list[tuple[list[Cell], Cell, bool, bool]] = [(cells, cd, False, long_number)]
        if layout.optional_data_cd is not None:
            line, start, end = layout.optional_data
            targets.append(([(line, c) for c in range(start, end)], layout.optional_data_cd, True, False))
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
        composite = [(line, c) for line, start, end in layout.composite_ranges for c in range(start, end)]
        test = [(composite, layout.composite_cd, False, False)]
        if self._holds(composite, layout.composite_cd, False):
            return
        if any(
            not self._holds(cells, cd, filler)
            for name, cells, cd, filler in self._checks()
            if name not in ("composite", "document_number")
        ):
            return  # a field check still fails: the composite cannot tell which repair is right
        number_cells, _, _, long_number = self._number_check()
        if not self._holds(number_cells, self._number_check()[2], False, long_number):
            return
        free: list[Cell] = []
        covered = set(number_cells) | {self._number_check()[2]}
        for segment in (layout.optional_data, layout.optional_data_2):
            if segment is None or layout.optional_data_cd is not None and segment == layout.optional_data:
                continue
            line, start, end = segment
            free.extend((line, c) for c in range(start, end) if (line, c) not in covered)
        self._search(free, layout.composite_cd, test)

    # -- reading -----------------------------------------------------------------------------------
    def read(self) -> MRZResult:
        self.read_all()
        if not self.repair or not self.result.errors:
            return self.result
        lines = self.result.lines
        self.grid = [list(line) for line in lines]
        self.rows = self.grid
        self.repair_alpha_fields()
        self.repair_numeric_fields()
        self.repair_alphanumeric_fields()
        self.repair_composite()
        corrections = sorted(self.result.corrections, key=lambda c: (c.line, c.column))
        if not corrections:
            self.rows = lines
            return self.result
        repaired = tuple("".join(row) for row in self.grid)
        self.rows = repaired
        self.result = MRZResult(format=self.layout.format, lines=repaired, corrections=corrections)
        self.read_all()
        return self.result

    def read_all(self) -> None:
        self.read_characters()
        self.read_codes()
        self.read_names()
        self.read_number_and_optional()
        self.read_dates()
        self.read_sex()
        self.read_check_digits()

    def read_characters(self) -> None:
        for line_no, row in enumerate(self.rows):
            if _ALPHABET.issuperset(row):
                continue
            for column, char in enumerate(row):
                if char not in _ALPHABET:
                    field = self.names[line_no][column]
                    self.error(
                        field,
                        "invalid_character",
                        "A-Z, 0-9 or <",
                        char,
                        f"line {line_no + 1}, column {column + 1} ({field.replace('_', ' ')}): "
                        f"{char!r} is not an MRZ character",
                    )

    def read_codes(self) -> None:
        result, layout = self.result, self.layout
        code = self.seg(layout.document_code)
        result.document_code = code.rstrip("<")
        if code[0] not in _LETTERS or not _NAME_CHARS.issuperset(code):
            self.error(
                "document_code",
                "invalid_document_code",
                "a letter",
                code,
                f"document code {code!r} must start with a letter",
            )
        specimen_reported = False
        for name, segment in (("issuing_state", layout.issuing_state), ("nationality", layout.nationality)):
            raw = self.seg(segment)
            value = raw.rstrip("<")
            setattr(result, name, value)
            label = name.replace("_", " ")
            state = lookup_state(raw)
            if state is None:
                self.error(
                    name,
                    "unknown_state",
                    "an ICAO Doc 9303 state code",
                    value,
                    f"{label} code {value!r} is not an ICAO Doc 9303 code",
                )
            elif state.is_specimen and not specimen_reported:
                specimen_reported = True
                self.warn(
                    "specimen", name, f"{label} code {value} (Utopia) is used only on ICAO specimen documents"
                )
            elif state.is_deprecated:
                self.warn("deprecated_state", name, f"{label} code {value} ({state.name}) is deprecated")

    def read_names(self) -> None:
        raw = self.seg(self.layout.names)
        primary, separator, secondary = raw.partition("<<")
        self.result.primary_identifier = primary.replace("<", " ").strip()
        self.result.secondary_identifier = " ".join(secondary.replace("<", " ").split()) if separator else ""
        if not _NAME_CHARS.issuperset(raw):
            bad = "".join(sorted({c for c in raw if c not in _LETTERS and c != "<"}))
            self.error(
                "names",
                "invalid_name",
                "A-Z or <",
                bad,
                f"names may hold only letters and fillers, found {bad!r}",
            )
        if raw[-1] != "<":
            self.result.names_truncated = True
            self.warn("name_truncated", "names", "the name fills its field and may have been truncated")
        if not self.result.primary_identifier and not self.result.secondary_identifier:
            self.error("names", "empty_name", "a name", "", "the name field is empty")

    def read_number_and_optional(self) -> None:
        result, layout = self.result, self.layout
        self.number = self._number_check()
        _, variants, cd, long_number = self.number
        if long_number:
            result.document_number = variants[0].rstrip("<")
            line, start, end = layout.optional_data
            rest = self.seg((line, cd[1] + 2, end)) if cd[1] + 1 < end else ""
            result.optional_data = rest.replace("<", " ").strip()
        else:
            result.document_number = variants[0].rstrip("<")
            result.optional_data = self.seg(layout.optional_data).replace("<", " ").strip()
        if layout.optional_data_2 is not None:
            result.optional_data_2 = self.seg(layout.optional_data_2).replace("<", " ").strip()
        if not result.document_number:
            self.error(
                "document_number",
                "empty_document_number",
                "a document number",
                "",
                "the document number is empty",
            )

    def read_dates(self) -> None:
        layout = self.layout
        self.result.birth_date = self._date("birth_date", self.seg(layout.birth_date), future=False)
        self.result.expiry_date = self._date("expiry_date", self.seg(layout.expiry_date), future=True)

    def _date(self, field: str, raw: str, *, future: bool) -> date | None:
        label = field.replace("_", " ")
        unknown = [c in "<X" for c in raw]
        if any(unknown):
            if all(c in _DIGITS or c in "<X" for c in raw) and not future:
                self.warn(
                    f"{field}_unknown",
                    field,
                    f"{label} is not known in full: {raw!r} ('<' or 'X' for unknown parts)",
                )
                return None
            if raw == "<<<<<<" and future:
                self.warn(f"{field}_missing", field, f"no {label} is given")
                return None
        if not raw.isdigit() or not raw.isascii():
            self.error(field, "invalid_date", "YYMMDD", raw, f"{label} {raw!r} is not a date (YYMMDD)")
            return None
        yy, mm, dd = int(raw[:2]), int(raw[2:4]), int(raw[4:])
        if future:
            limit = self.today.year + self.horizon
            years = [limit - ((limit - yy) % 100)]
        else:
            latest = self.today.year - ((self.today.year - yy) % 100)
            years = [latest, latest - 100]
        for year in years:
            try:
                value = date(year, mm, dd)
            except ValueError:
                continue
            if future or value <= self.today:
                return value
        self.error(field, "invalid_date", "a calendar date", raw, f"{label} {raw!r} is not a possible date")
        return None

    def read_sex(self) -> None:
        raw = self.cell(self.layout.sex)
        if raw in ("M", "F"):
            self.result.sex = raw
        elif raw in ("X", "<"):
            self.result.sex = "X"
        else:
            self.result.sex = None
            self.error("sex", "invalid_sex", "M, F, X or <", raw, f"sex {raw!r} must be M, F, X or <")

    def read_check_digits(self) -> None:
        layout = self.layout
        _, variants, number_cd, long_number = self.number or self._number_check()
        checks: list[tuple[str, str, str, bool]] = [
            ("document_number", variants[0], self.cell(number_cd), False),
            ("birth_date", self.seg(layout.birth_date), self.cell(layout.birth_date_cd), False),
            ("expiry_date", self.seg(layout.expiry_date), self.cell(layout.expiry_date_cd), False),
        ]
        if layout.optional_data_cd is not None:
            checks.append(
                ("optional_data", self.seg(layout.optional_data), self.cell(layout.optional_data_cd), True)
            )
        if layout.composite_cd is not None:
            composite = "".join(self.seg(segment) for segment in layout.composite_ranges)
            checks.append(("composite", composite, self.cell(layout.composite_cd), False))
        digits = self.result.check_digits
        for name, data, found, filler_ok in checks:
            digits[name] = found
            if filler_ok and found in "<0" and data.strip("<") == "":
                continue
            label = _LABELS[name]
            if name == "document_number" and long_number:
                expected = [str(check_digit_value(v)) for v in variants]
                if found == expected[0]:
                    continue
                if found == expected[1]:
                    self.warn(
                        "document_number_check_counts_filler",
                        "document_number",
                        "the check digit of this long document number counts the '<' before the continuation "
                        "(as on EU PRADO BEL-BO-03003); ICAO Doc 9303 Part 5 does not",
                    )
                    continue
                shown = expected[0] if expected[0] == expected[1] else f"{expected[0]} or {expected[1]}"
                self.error(
                    name, "check_digit", shown, found, f"{label} check digit: expected {shown}, found {found}"
                )
                continue
            wanted = str(check_digit_value(data))
            if found != wanted:
                self.error(
                    name,
                    "check_digit",
                    wanted,
                    found,
                    f"{label} check digit: expected {wanted}, found {found}",
                )


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
    fmt, lines = normalise(text)
    return _Reader(fmt, lines, today or date.today(), expiry_horizon_years, repair).read()
