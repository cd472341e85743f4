"""The served OpenAPI document: clients and the fuzzer key operations by their id, so ids must be unique."""

from __future__ import annotations

from collections import Counter


def test_every_operation_id_is_unique(client, db):
    document = client.get("/api/openapi.json").json()
    ids = Counter(op["operationId"] for ops in document["paths"].values() for op in ops.values())
    assert [name for name, count in ids.items() if count > 1] == []
