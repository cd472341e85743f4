"""The parser builds MRZResult positionally (keyword matching cost a tenth of a parse): pin the field order."""

from __future__ import annotations

from dataclasses import fields

from openbmis.mrz import MRZResult


def test_mrz_result_field_order_is_the_one_the_parser_passes() -> None:
    # Reordering or inserting a field here silently shifts every value the parser passes: update
    # openbmis.mrz.parser._read together with this list.
    assert [f.name for f in fields(MRZResult)] == [
        "format", "lines", "document_code", "issuing_state", "document_number", "primary_identifier",
        "secondary_identifier", "nationality", "birth_date", "sex", "expiry_date", "optional_data",
        "optional_data_2", "names_truncated", "check_digits", "errors", "corrections", "warnings",
    ]  # fmt: skip
