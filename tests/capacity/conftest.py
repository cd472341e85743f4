from __future__ import annotations

import pytest


@pytest.fixture
def api(client, bearer):
    """api(user, method, path, body=None) -> response, through a bearer token with every scope."""
    import json

    def call(user, method, path, body=None, **extra):
        headers = bearer(user)
        if body is None:
            return client.generic(method, path, headers=headers, **extra)
        return client.generic(method, path, json.dumps(body), content_type="application/json", headers=headers,
                              **extra)

    return call
