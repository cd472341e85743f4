"""Names for JSON-shaped values, where a value is JSON by nature (an audit event's before and after, a stored
record's copy) rather than a shape of our own (those are TypedDicts beside the code that writes them)."""

from __future__ import annotations

from typing import TypeAlias

JSONValue: TypeAlias = "str | int | float | bool | None | list[JSONValue] | dict[str, JSONValue]"
JSONObject: TypeAlias = "dict[str, JSONValue]"
