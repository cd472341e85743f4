"""What every loader returns, and helpers they share."""

from __future__ import annotations

from dataclasses import dataclass, field

from openbmis.screening.errors import LoadError
from openbmis.screening.model import WatchlistEntry

__all__ = ["LoadResult"]


@dataclass(slots=True)
class LoadResult:
    """Entries read from a file, with every rejected row (``errors``) and every kept row that lost a field
    (``warnings``), each carrying its line or element. A caller applies the entries only if it accepts the
    errors: nothing is applied by the loader itself."""

    format: str
    list_name: str
    entries: list[WatchlistEntry] = field(default_factory=list)
    errors: list[LoadError] = field(default_factory=list)
    warnings: list[LoadError] = field(default_factory=list)
    skipped: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        return (
            f"{self.format}: {len(self.entries)} entries, {len(self.errors)} rejected rows, "
            f"{len(self.warnings)} warnings, {self.skipped} skipped records"
        )
