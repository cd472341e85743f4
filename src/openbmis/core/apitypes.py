"""Strict input for the API: what every handler may rely on before its service sees a value.

- `ApiParser` (the NinjaAPI's parser) refuses a JSON body that is not an object and any text, in the body,
  the query string or the path, that holds a NUL character (PostgreSQL cannot store one; SQLite would).
- `Day` and `Moment` accept ISO 8601 text only (never a number: `0` is not 1 January 1970), within
  `EARLIEST` .. `LATEST`, so arithmetic on them and time-zone conversions stay in range. Values that are
  already dates (a response built from stored records) pass as they are.
- `BigCount` bounds whole numbers in queries (offsets, day counts) below what the databases store.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from ninja.parser import Parser
from pydantic import BeforeValidator

from openbmis.core.errors import InvalidInput

EARLIEST = date(1900, 1, 1)
LATEST = date(2199, 12, 31)
MAX_QUERY_INT = 2**31 - 1  # fits every integer column on both databases
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?)?$")


def _in_range(day: date) -> None:
    if not EARLIEST <= day <= LATEST:
        raise ValueError(f"must lie between {EARLIEST.isoformat()} and {LATEST.isoformat()}")


def _day(value: Any) -> Any:
    if isinstance(value, datetime):
        raise ValueError("expected a date (YYYY-MM-DD), not a date and time")
    if isinstance(value, date):
        return value  # from our own records (a response): what is stored is shown as it is
    if not isinstance(value, str) or not _ISO_DAY.match(value):
        raise ValueError("expected a date written YYYY-MM-DD")
    parsed = date.fromisoformat(value)  # ValueError for 2024-02-30
    _in_range(parsed)
    return parsed


def _moment(value: Any) -> Any:
    if isinstance(value, datetime):
        return value  # from our own records (a response)
    if isinstance(value, str) and _ISO_MOMENT.match(value.strip()):
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    else:
        raise ValueError("expected a date and time in ISO 8601 (YYYY-MM-DDTHH:MM:SS+HH:MM)")
    offset = parsed.utcoffset()
    if offset is not None and abs(offset.total_seconds()) > 18 * 3600:
        raise ValueError("the time-zone offset must lie within ±18:00")
    _in_range(parsed.date())
    return parsed


Day = Annotated[date, BeforeValidator(_day)]
Moment = Annotated[datetime, BeforeValidator(_moment)]


def _nul_path(value: Any, path: str) -> str | None:
    """The dotted path of the first text holding a NUL character, or None."""
    if isinstance(value, str):
        return path if "\x00" in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            if "\x00" in str(key):
                return where
            found = _nul_path(item, where)
            if found:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found = _nul_path(item, f"{path}.{index}" if path else str(index))
            if found:
                return found
    return None


def refuse_nul(value: Any, path: str = "") -> None:
    where = _nul_path(value, path)
    if where is not None:
        raise InvalidInput(f"{where}: text may not contain the NUL character", field=where)


class ApiParser(Parser):
    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        try:
            data = json.loads(request.body)
        except (ValueError, UnicodeDecodeError):
            raise InvalidInput("the body is not valid JSON", field="body") from None
        if not isinstance(data, dict):
            raise InvalidInput(f"the body must be a JSON object, not {type(data).__name__}", field="body")
        refuse_nul(data)
        return data

    def parse_querydict(self, data: MultiValueDict, list_fields: list[str], request: HttpRequest
                        ) -> dict[str, Any]:  # type: ignore[type-arg]
        result = super().parse_querydict(data, list_fields, request)
        refuse_nul(result)
        return result
