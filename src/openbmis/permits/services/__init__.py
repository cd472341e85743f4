"""Visas, permits and stays, by aggregate: rules, registry, stays (extensions), bans, overstays (with the
crossing receivers) and arrivals (many documents at once). Every write is audited in its transaction; rules and imports
are validated whole before anything is written.

The names are re-exported here: callers write ``from openbmis.permits import services``.
"""

from __future__ import annotations

from openbmis.permits.services.arrivals import (  # noqa: F401 - re-exported
    _CHUNK,
    ArrivalLookups,
    _chunks,
    arrival_lookups,
)
from openbmis.permits.services.bans import (  # noqa: F401 - re-exported
    BAN_FIELDS,
    _ban_matches,
    active_bans,
    impose_ban,
    lift_ban,
)
from openbmis.permits.services.overstays import (  # noqa: F401 - re-exported
    REGISTER_IDENTITY_FIELDS,
    DetectionReport,
    _end_stale,
    detect_overstays,
    get_crossing,
    get_traveller,
    identity_visible,
    on_crossing_recorded,
    on_crossings_bulk_loaded,
    on_crossings_moved,
    open_overstay_for,
    overstays,
    overstays_for,
    rebuild_presence,
    record_export,
    register_identities_visible,
    without_identity,
)
from openbmis.permits.services.registry import (  # noqa: F401 - re-exported
    EVISA_COLUMNS,
    EVISA_MAX_FIELD,
    MAX_VISA_VALIDITY_DAYS,
    PERMIT_FIELDS,
    VISA_FIELDS,
    ImportReport,
    StickerMatch,
    _bounded_csv,
    _row_value,
    _validate_permit,
    _validate_visa,
    create_permit,
    create_visa,
    find_visas,
    holders_of,
    import_evisas,
    match_sticker,
    revoke_visa,
    valid_permit,
    visa_problem,
)
from openbmis.permits.services.rules import (  # noqa: F401 - re-exported
    RULE_FIELDS,
    _most_specific,
    _period_label,
    _state,
    _validate_rule,
    age_on,
    create_rule,
    find_rule,
    get_rule,
    stay_rule,
    update_rule,
)
from openbmis.permits.services.stays import (  # noqa: F401 - re-exported
    extended_until,
    grant_extension,
    last_admitted,
    post_today,
)
