"""Where each field sits in each MRZ format (ICAO Doc 9303 Parts 4 to 7).

Positions are 0-based ``(line, start, end)`` slices; a check digit is a ``(line, column)``.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import MRZFormat

Segment = tuple[int, int, int]
Cell = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Layout:
    """The field map of one format."""

    format: MRZFormat
    line_count: int
    line_length: int
    document_code: Segment
    issuing_state: Segment
    names: Segment
    document_number: Segment
    document_number_cd: Cell
    nationality: Segment
    birth_date: Segment
    birth_date_cd: Cell
    sex: Cell
    expiry_date: Segment
    expiry_date_cd: Cell
    optional_data: Segment
    optional_data_cd: Cell | None = None  # TD3 personal number only
    optional_data_2: Segment | None = None  # TD1 line 2 only
    composite_cd: Cell | None = None
    composite_ranges: tuple[Segment, ...] = ()
    long_document_number: bool = False  # number may continue in the optional data (Parts 5 and 6)

    def cell_names(self) -> list[list[str]]:
        """For every character position, the name of the field it belongs to."""
        grid = [["filler"] * self.line_length for _ in range(self.line_count)]

        def mark(segment: Segment | None, name: str) -> None:
            if segment is not None:
                line, start, end = segment
                for column in range(start, end):
                    grid[line][column] = name

        def mark_cell(cell: Cell | None, name: str) -> None:
            if cell is not None:
                grid[cell[0]][cell[1]] = name

        mark(self.document_code, "document_code")
        mark(self.issuing_state, "issuing_state")
        mark(self.names, "names")
        mark(self.document_number, "document_number")
        mark_cell(self.document_number_cd, "document_number_check_digit")
        mark(self.nationality, "nationality")
        mark(self.birth_date, "birth_date")
        mark_cell(self.birth_date_cd, "birth_date_check_digit")
        mark_cell(self.sex, "sex")
        mark(self.expiry_date, "expiry_date")
        mark_cell(self.expiry_date_cd, "expiry_date_check_digit")
        mark(self.optional_data, "optional_data")
        mark_cell(self.optional_data_cd, "optional_data_check_digit")
        mark(self.optional_data_2, "optional_data_2")
        mark_cell(self.composite_cd, "composite_check_digit")
        return grid


def _two_line(fmt: MRZFormat, length: int) -> Layout:
    """TD2, TD3, MRV-A and MRV-B share line 1 and the first 28 characters of line 2."""
    common: dict[str, object] = {
        "format": fmt,
        "line_count": 2,
        "line_length": length,
        "document_code": (0, 0, 2),
        "issuing_state": (0, 2, 5),
        "names": (0, 5, length),
        "document_number": (1, 0, 9),
        "document_number_cd": (1, 9),
        "nationality": (1, 10, 13),
        "birth_date": (1, 13, 19),
        "birth_date_cd": (1, 19),
        "sex": (1, 20),
        "expiry_date": (1, 21, 27),
        "expiry_date_cd": (1, 27),
    }
    if fmt == "TD3":
        return Layout(
            **common,  # type: ignore[arg-type]
            optional_data=(1, 28, 42),
            optional_data_cd=(1, 42),
            composite_cd=(1, 43),
            composite_ranges=((1, 0, 10), (1, 13, 20), (1, 21, 43)),
        )
    if fmt == "TD2":
        return Layout(
            **common,  # type: ignore[arg-type]
            optional_data=(1, 28, 35),
            composite_cd=(1, 35),
            composite_ranges=((1, 0, 10), (1, 13, 20), (1, 21, 35)),
            long_document_number=True,
        )
    # Visas carry no composite check digit (Part 7).
    return Layout(**common, optional_data=(1, 28, length))  # type: ignore[arg-type]


TD1 = Layout(
    format="TD1",
    line_count=3,
    line_length=30,
    document_code=(0, 0, 2),
    issuing_state=(0, 2, 5),
    document_number=(0, 5, 14),
    document_number_cd=(0, 14),
    optional_data=(0, 15, 30),
    birth_date=(1, 0, 6),
    birth_date_cd=(1, 6),
    sex=(1, 7),
    expiry_date=(1, 8, 14),
    expiry_date_cd=(1, 14),
    nationality=(1, 15, 18),
    optional_data_2=(1, 18, 29),
    composite_cd=(1, 29),
    composite_ranges=((0, 5, 30), (1, 0, 7), (1, 8, 15), (1, 18, 29)),
    names=(2, 0, 30),
    long_document_number=True,
)
TD2 = _two_line("TD2", 36)
TD3 = _two_line("TD3", 44)
MRVA = _two_line("MRVA", 44)
MRVB = _two_line("MRVB", 36)
LAYOUTS: dict[MRZFormat, Layout] = {"TD1": TD1, "TD2": TD2, "TD3": TD3, "MRVA": MRVA, "MRVB": MRVB}
CELL_NAMES: dict[MRZFormat, list[list[str]]] = {fmt: layout.cell_names() for fmt, layout in LAYOUTS.items()}
