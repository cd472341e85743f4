"""The typed keyword fields of the services' create and update functions name exactly the fields they accept.

A service still refuses an unknown field at run time (its ``*_FIELDS`` list, for callers that pass a dictionary);
its ``TypedDict`` gives the same list its types for mypy. The two must not drift apart.
"""

from __future__ import annotations

import pytest

from openbmis.borderposts import services as borderposts
from openbmis.documents import services as documents
from openbmis.permits.services import bans, registry, rules
from openbmis.watchlists.services import lists


@pytest.mark.parametrize(("typed", "accepted"), [
    (borderposts.BorderPostFields, borderposts.EDITABLE_FIELDS),
    (registry.VisaFields, (*registry.VISA_FIELDS, "source")),
    (registry.PermitFields, registry.PERMIT_FIELDS),
    (rules.RuleFields, rules.RULE_FIELDS),
    (bans.BanFields, bans.BAN_FIELDS),
    (documents.DocumentModelFields, documents.MODEL_FIELDS),
    (documents.AlertFields, documents.ALERT_FIELDS),
    (lists.WatchlistFields, lists.LIST_FIELDS),
], ids=lambda value: getattr(value, "__name__", ""))
def test_typed_fields_match_the_accepted_fields(typed, accepted):
    assert set(typed.__annotations__) == set(accepted)
