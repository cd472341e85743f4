"""Load the demo data set (idempotent)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction

from openbmis.accounts import services as accounts
from openbmis.accounts.models import User
from openbmis.accounts.roles import Role
from openbmis.audit import services as audit
from openbmis.borderposts import services as borderposts
from openbmis.borderposts.models import BorderPost
from openbmis.core.errors import AccessDenied
from openbmis.demo import crossings as traffic
from openbmis.demo import test_travellers
from openbmis.inspections.models import Crossing

DEMO_PASSWORD = "openbmis-demo"  # public: on the shipped list of known passwords, refused in production
PRODUCTION_REFUSAL = ("the demo is refused in production mode: its accounts have a published password"
                      " (run it with OPENBMIS_MODE=development on a machine of its own)")
ACTOR = "demo-seed"

POSTS: list[dict[str, Any]] = [
    dict(code="AIR-CAP", name="Utopia City International Airport", kind="air", time_zone="Africa/Nairobi",
         latitude="-1.319167", longitude="36.927778",
         lanes=[{"code": "A1", "direction": "entry"}, {"code": "A2", "direction": "entry"},
                {"code": "D1", "direction": "exit"}, {"code": "D2", "direction": "exit"}]),
    dict(code="AIR-NTH", name="Northport Airport", kind="air", time_zone="Africa/Nairobi",
         latitude="0.404444", longitude="35.238889",
         lanes=[{"code": "A1", "direction": "entry"}, {"code": "D1", "direction": "exit"}]),
    dict(code="LND-BRG", name="Bridgeton Land Crossing", kind="land", time_zone="Africa/Nairobi",
         latitude="-4.616667", longitude="39.183333", neighbour_country="TZA",
         lanes=[{"code": "L1", "direction": "entry"}, {"code": "L2", "direction": "exit"},
                {"code": "T1", "direction": "both"}]),
    dict(code="LND-HIG", name="Highgate Land Crossing", kind="land", time_zone="Africa/Nairobi",
         latitude="0.633333", longitude="34.283333", neighbour_country="UGA",
         lanes=[{"code": "L1", "direction": "both"}, {"code": "L2", "direction": "both"}]),
    dict(code="SEA-PHV", name="Port Haven Seaport", kind="sea", time_zone="Africa/Nairobi",
         latitude="-4.066667", longitude="39.666667",
         lanes=[{"code": "S1", "direction": "both"}]),
    dict(code="RAIL-GLN", name="Glenmoor Rail Crossing", kind="rail", time_zone="Africa/Nairobi",
         latitude="-3.383333", longitude="38.566667", neighbour_country="TZA",
         lanes=[{"code": "R1", "direction": "both"}]),
]


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    role: Role
    post: str | None  # None: national


USERS = [
    DemoUser("officer", "Amina Odhiambo", Role.PRIMARY_OFFICER, "AIR-CAP"),
    DemoUser("officer2", "Peter Mwangi", Role.PRIMARY_OFFICER, "LND-BRG"),
    DemoUser("secondary", "Grace Wanjiru", Role.SECONDARY_OFFICER, "AIR-CAP"),
    DemoUser("supervisor", "Daniel Kiptoo", Role.SUPERVISOR, "AIR-CAP"),
    DemoUser("analyst", "Lucy Achieng", Role.ANALYST, None),
    DemoUser("admin", "Samuel Otieno", Role.ADMINISTRATOR, None),
    DemoUser("auditor", "Ruth Njeri", Role.AUDITOR, None),
    DemoUser("examiner", "Joseph Kamau", Role.DOCUMENT_EXAMINER, "AIR-CAP"),
    DemoUser("docexpert", "Mary Wambui", Role.DOCUMENT_EXPERT, None),
]

# Later capabilities append their own loaders here (each idempotent).
EXTRA_LOADERS: list[Callable[[], None]] = []


def _watchlists() -> None:
    from openbmis.watchlists.demo import load_demo_lists

    load_demo_lists()


EXTRA_LOADERS.append(_watchlists)


def _statistics() -> None:
    """Roll up the demo traffic (a full build the first time, then only what is new)."""
    from openbmis.statistics.services import refresh

    refresh()


EXTRA_LOADERS.append(_statistics)


def _permits() -> None:
    from openbmis.permits.demo import load_demo_policy

    load_demo_policy()


EXTRA_LOADERS.append(_permits)


def _overstays() -> None:
    """Run the overstay detection once (the first load), so that the overstay list shows the demo's overstayers at once (the
    worker then runs it daily)."""
    from openbmis.audit.models import AuditEvent
    from openbmis.permits.services import detect_overstays

    if not AuditEvent.objects.filter(action="overstay.detect").exists():
        detect_overstays()


EXTRA_LOADERS.append(_overstays)
def _capacity() -> None:
    from openbmis.capacity.demo import load as load_capacity

    load_capacity(DEMO_PASSWORD)


EXTRA_LOADERS.append(_capacity)


def _documents() -> None:
    from openbmis.documents.demo import load_demo_library

    load_demo_library(User.objects.get(username="docexpert"))


EXTRA_LOADERS.append(_documents)


DEMO_CROSSINGS = 100_000


def load(crossings: int = DEMO_CROSSINGS, progress: Callable[[int], None] | None = None,
         on_step: Callable[[str], None] | None = None) -> dict[str, int]:
    """Create what is missing; return counts of what was created.

    ``crossings``: how much synthetic traffic to generate over the last 90 days when there is none yet.
    ``progress(done)`` follows the traffic generation; ``on_step(text)`` names each later step.
    """
    if settings.OPENBMIS_PRODUCTION:
        # The demo's accounts have a published password: they must never exist on a real installation.
        raise AccessDenied(PRODUCTION_REFUSAL)
    created = {"border_posts": 0, "users": 0, "crossings": 0, "test_traveller_crossings": 0}
    with transaction.atomic():
        for spec in POSTS:
            data = dict(spec)
            if BorderPost.objects.filter(code=data["code"]).exists():
                continue
            lanes = data.pop("lanes")
            code = data.pop("code")
            borderposts.create_border_post(ACTOR, code=code, lanes=lanes, country="UTO", **data)
            created["border_posts"] += 1
        for demo in USERS:
            if User.objects.filter(username=demo.username).exists():
                continue
            user = accounts.create_user(ACTOR, username=demo.username, password=DEMO_PASSWORD,
                                        full_name=demo.full_name, validate=False)
            post = BorderPost.objects.get(code=demo.post) if demo.post else None
            accounts.assign_role(ACTOR, user, demo.role, post)
            created["users"] += 1
    if crossings and not Crossing.objects.exists():
        generated = traffic.generate(crossings, progress=progress)
        created["crossings"] = generated.crossings
        audit.record(actor=ACTOR, action="demo.traffic", object_type="crossing",
                     after={"crossings": generated.crossings, "travellers": generated.travellers,
                            "refusals": generated.refusals, "referrals": generated.referrals})
    created["test_traveller_crossings"] = test_travellers.load_history()
    for loader in EXTRA_LOADERS:
        if on_step is not None:
            on_step(f"preparing the demo's {loader.__name__.strip('_')}")
        loader()
    return created
