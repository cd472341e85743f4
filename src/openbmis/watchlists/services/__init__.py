"""The watchlist services, by aggregate: lists, imports (preview, then commit), hits and judgements, ad-hoc search,
retroactive screening and retention (``common`` holds the screening state stamp, permission checks and lookups).
Every write is audited in its transaction; every change to a list stamps the screening state so that each process
rebuilds its index.

The names are re-exported here: callers write ``from openbmis.watchlists import services``.
"""

from __future__ import annotations

from openbmis.watchlists.services.common import (  # noqa: F401 - re-exported
    BATCH,
    FORMATS,
    MAX_AUDITED_IDS,
    MAX_DIFF_ITEMS,
    Progress,
    _actor_fields,
    _bump_state,
    _require,
    get_hit,
    get_import,
    get_watchlist,
    retroactive_days,
)
from openbmis.watchlists.services.hits import (  # noqa: F401 - re-exported
    JUDGEMENTS,
    _new_hit,
    _remember_judged_elsewhere,
    _remember_no_match,
    check_judgement,
    contradicting_judgements,
    file_inspection_hits,
    hits_for,
    inspection_hits_cleared,
    judge_hit,
)
from openbmis.watchlists.services.imports import (  # noqa: F401 - re-exported
    Diff,
    _columns,
    _commit_unchanged,
    _diff,
    _diff_report,
    _enqueue_retroactive,
    _read,
    _reject,
    _set_progress,
    _target_model,
    check_format,
    commit_import,
    commit_preview,
    fail_import,
    import_now,
    preview_import,
    request_commit,
    start_import,
)
from openbmis.watchlists.services.lists import (  # noqa: F401 - re-exported
    LIST_FIELDS,
    _check_list_fields,
    create_watchlist,
    update_watchlist,
)
from openbmis.watchlists.services.retention import (  # noqa: F401 - re-exported
    _clear_old_import_files,
    _purge_list,
    purge_expired,
)
from openbmis.watchlists.services.retroactive import (  # noqa: F401 - re-exported
    _candidates,
    screen_retroactively,
)
from openbmis.watchlists.services.search import (  # noqa: F401 - re-exported
    alerts_with_number,
    search,
)
