"""Run in a subprocess by tests/server/attack_server.py: migrate a fresh database and make the accounts and tokens.

Prints one JSON object: {"tokens": {role: bearer secret}, "passwords": {username: password}, ...}.
"""

from __future__ import annotations

import json
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openbmis.server.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from openbmis.accounts import services as accounts  # noqa: E402
from openbmis.accounts.roles import SCOPES  # noqa: E402
from openbmis.borderposts import services as borderposts  # noqa: E402
from openbmis.server.bootstrap import ensure_installation  # noqa: E402

PASSWORD = "live-test-pw-7f3a9c"  # noqa: S105 (a throwaway database)
ROLES = {  # role -> post code (None: national)
    "primary_officer": "LIV-A", "secondary_officer": "LIV-A", "supervisor": "LIV-A",
    "analyst": None, "administrator": None, "auditor": None,
}


def main() -> None:
    call_command("migrate", interactive=False, verbosity=0)
    ensure_installation()
    posts = {
        "LIV-A": borderposts.create_border_post(
            "test", code="LIV-A", name="Live A", kind="air", country="UTO", time_zone="Africa/Nairobi",
            lanes=[{"code": "A1", "direction": "entry"}, {"code": "A2", "direction": "exit"}]),
        "LIV-B": borderposts.create_border_post(
            "test", code="LIV-B", name="Live B", kind="land", country="UTO", time_zone="Africa/Nairobi",
            lanes=[{"code": "B1", "direction": "entry"}]),
    }
    tokens: dict[str, str] = {}
    for role, post in ROLES.items():
        user = accounts.create_user("test", username=role, password=PASSWORD, validate=False)
        accounts.assign_role("test", user, role, posts[post] if post else None)
        _token, secret = accounts.create_token("test", user, name="live", scopes=sorted(SCOPES))
        tokens[role] = secret
    # An officer of the other post, for the cross-post attacks.
    other = accounts.create_user("test", username="officer_b", password=PASSWORD, validate=False)
    accounts.assign_role("test", other, "primary_officer", posts["LIV-B"])
    tokens["officer_b"] = accounts.create_token("test", other, name="live", scopes=sorted(SCOPES))[1]
    from openbmis.watchlists import services as watchlists

    watchlists.create_watchlist("test", name="live-persons", owner="test", kind="persons")
    json.dump({"tokens": tokens, "password": PASSWORD}, sys.stdout)


if __name__ == "__main__":
    main()
