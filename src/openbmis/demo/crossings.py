"""Seeded generator of realistic traffic: travellers, documents, inspections and crossings.

Used by the demo (about 100,000 crossings over the last 90 days) and by the inspection benchmark
(a million).  Rows are written with ``bulk_create`` in batches, bypassing the services on purpose:
this is synthetic history, recorded in the audit trail as one ``demo.traffic`` event.

Shape of the traffic: trips of one traveller, entry then exit after a stay of a few days to a few
weeks (some still in the country, some past their permitted stay); airports in arrival waves
(morning, midday, evening), land and rail posts in daytime with a morning peak; nationalities,
purposes and travel modes weighted; about 0.6 % of entries refused with standard reasons and 1.5 %
referred to secondary inspection.
"""

from __future__ import annotations

import random
import secrets
import uuid
import zoneinfo
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.db import connection, transaction

from openbmis.accounts import services as accounts
from openbmis.accounts.models import User
from openbmis.borderposts.models import BorderPost
from openbmis.core.ids import uuid7
from openbmis.demo.people import NATIONALITIES
from openbmis.inspections import signals
from openbmis.inspections.models import Crossing, Inspection, Referral
from openbmis.travellers.models import TravelDocument, Traveller

POST_WEIGHTS = {"AIR-CAP": 45, "AIR-NTH": 10, "LND-BRG": 20, "LND-HIG": 12, "SEA-PHV": 5, "RAIL-GLN": 8}
PURPOSES = [("tourism", 45), ("business", 20), ("family", 15), ("transit", 5), ("work", 5), ("study", 3),
            ("resident", 5), ("other", 2)]
MODES = {"air": [("air", 1)], "land": [("car", 40), ("bus", 35), ("foot", 15), ("truck", 10)],
         "sea": [("sea", 1)], "rail": [("rail", 1)]}
# Hour-of-day weights (local time): airports have arrival waves, land posts are busy by day.
AIR_HOURS = [1, 1, 1, 1, 2, 6, 9, 9, 7, 4, 3, 3, 5, 7, 6, 4, 3, 4, 5, 7, 8, 7, 4, 2]
LAND_HOURS = [0, 0, 0, 0, 0, 1, 4, 9, 10, 9, 8, 7, 7, 7, 7, 8, 8, 7, 5, 3, 1, 0, 0, 0]
REFUSAL_REASONS = ["C", "E", "G", "A", "B", "I"]
BATCH = 5000


@dataclass
class Generated:
    travellers: int = 0
    documents: int = 0
    crossings: int = 0
    refusals: int = 0
    referrals: int = 0


def _weighted(rng: random.Random, pairs: list[tuple[str, int]]) -> str:
    return rng.choices([p for p, _ in pairs], weights=[w for _, w in pairs])[0]


def duty_officers(posts: list[BorderPost]) -> dict[str, User]:
    """One officer per post: the demo's own where it has one, else a duty officer without a password."""
    from openbmis.accounts.models import RoleAssignment

    officers: dict[str, User] = {}
    for post in posts:
        assignment = (RoleAssignment.objects.filter(border_post=post, role="primary_officer")
                      .select_related("user").order_by("created_at").first())
        if assignment is not None:
            officers[post.code] = assignment.user
            continue
        user = User.objects.filter(username=f"duty-{post.code.lower()}").first()
        if user is None:
            # A random password nobody knows: the account only signs the synthetic history.
            user = accounts.create_user("demo-seed", username=f"duty-{post.code.lower()}",
                                        password=secrets.token_urlsafe(24), validate=False)
            accounts.assign_role("demo-seed", user, "primary_officer", post)
        officers[post.code] = user
    return officers


# The share of trips that outstay their permitted stay, and the short stay they were granted (days).
OVERSTAY_SHARE = 0.03
OVERSTAY_ALLOWED = 30


def generate(
    crossings: int,
    *,
    days: int = 90,
    travellers: int | None = None,
    seed: int = 20261129,
    now: datetime | None = None,
    progress: Callable[[int], None] | None = None,
) -> Generated:
    """Write about ``crossings`` crossings over the last ``days`` days; returns what was written."""
    rng = random.Random(seed)
    now = now or datetime.now(UTC)
    posts = list(BorderPost.objects.filter(code__in=POST_WEIGHTS))
    if not posts:
        raise RuntimeError("load the demo border posts first")
    officers = duty_officers(posts)
    zones = {p.code: zoneinfo.ZoneInfo(p.time_zone) for p in posts}
    post_pairs = [(p.code, POST_WEIGHTS[p.code]) for p in posts]
    by_code = {p.code: p for p in posts}
    nat_pairs = [(code, spec[0]) for code, spec in NATIONALITIES.items()]
    pool_size = travellers or max(1, crossings // 3)
    result = Generated()

    people: list[Traveller] = []
    documents: list[TravelDocument] = []
    used_numbers: set[str] = set()
    start = now - timedelta(days=days)
    for _ in range(pool_size):
        nat = _weighted(rng, nat_pairs)
        _, surnames, female, male = NATIONALITIES[nat]
        sex = rng.choice("FM")
        given = rng.choice(female if sex == "F" else male)
        if rng.random() < 0.3:
            given += " " + rng.choice(female if sex == "F" else male)
        birth = date(rng.randint(1945, 2020), rng.randint(1, 12), rng.randint(1, 28))
        person = Traveller(id=uuid7(), primary_identifier=rng.choice(surnames), secondary_identifier=given,
                           birth_date=birth, nationality=nat, sex=sex, created_at=start)
        number = f"{rng.choice('ABCDEFGHJKLMNPRSTUVWXYZ')}{rng.randint(0, 99999999):08d}"
        while number in used_numbers:
            number = f"{rng.choice('ABCDEFGHJKLMNPRSTUVWXYZ')}{rng.randint(0, 99999999):08d}"
        used_numbers.add(number)
        people.append(person)
        documents.append(TravelDocument(id=uuid7(), traveller=person, document_code="P", issuing_state=nat,
                                        number=number, expiry_date=date(rng.randint(2027, 2036), rng.randint(1, 12), 1),
                                        first_seen_at=start))

    inspections: list[Inspection] = []
    rows: list[Crossing] = []
    referrals: list[Referral] = []

    def local_moment(post_code: str, day: date) -> datetime:
        post = by_code[post_code]
        hours = AIR_HOURS if post.kind == "air" else LAND_HOURS
        hour = rng.choices(range(24), weights=hours)[0]
        local = datetime(day.year, day.month, day.day, hour, rng.randint(0, 59), rng.randint(0, 59),
                         tzinfo=zones[post_code])
        return local.astimezone(UTC)

    def add(person: Traveller, document: TravelDocument, post_code: str, at: datetime, direction: str,
            purpose: str, permitted: date | None) -> None:
        post = by_code[post_code]
        mode = _weighted(rng, MODES[post.kind])
        transport = f"KQ{rng.randint(100, 999)}" if mode == "air" else (
            f"K{rng.choice('ABCD')}{rng.choice('ABCDEFGH')} {rng.randint(100, 999)}{rng.choice('ABCDEFGHJK')}"
            if mode in {"car", "bus", "truck"} else "")
        refused = direction == "entry" and rng.random() < 0.006
        referred = rng.random() < (0.015 if direction == "entry" else 0.003)
        decision = "refuse" if refused or (referred and rng.random() < 0.2) else "admit"
        reasons = sorted(set(rng.choices(REFUSAL_REASONS, k=rng.randint(1, 2)))) if decision == "refuse" else []
        inspection = Inspection(
            id=uuid7(), client_id=uuid.UUID(int=rng.getrandbits(128), version=4), border_post=post,
            direction=direction, officer=officers[post_code], traveller=person, document=document,
            document_data={"format": "TD3", "generated": True, "nationality": person.nationality}, checks=[], hits=[],
            suggested_action="refer" if referred else "admit", purpose=purpose, travel_mode=mode,
            transport_id=transport[:20], status=Inspection.Status.DECIDED, created_at=at - timedelta(seconds=40),
            duration_ms=rng.randint(40, 300),
        )
        inspections.append(inspection)
        local_day = at.astimezone(zones[post_code]).date()
        rows.append(Crossing(
            id=uuid7(), inspection=inspection, traveller=person, document=document, border_post=post,
            lane_code="", direction=direction, decision=decision, reasons=reasons, officer=officers[post_code],
            at=at, time_zone=post.time_zone, local_date=local_day,
            permitted_until=permitted if decision == "admit" and direction == "entry" else None,
            purpose=purpose, travel_mode=mode, transport_id=transport[:20], nationality=person.nationality,
            sex=person.sex, birth_date=person.birth_date, document_code="P", flags=[],
        ))
        if referred:
            referrals.append(Referral(
                id=uuid7(), inspection=inspection, border_post=post, reason="checked in secondary (demo)",
                referred_by=officers[post_code], referred_at=at - timedelta(minutes=30),
                status=Referral.Status.DECIDED, decided_by=officers[post_code], decided_at=at,
            ))
        result.crossings += 1
        result.refusals += int(decision == "refuse")
        result.referrals += int(referred)

    made = 0
    while made < crossings:
        index = rng.randrange(pool_size)
        person, document = people[index], documents[index]
        # About 3 % of trips outstay a short permitted stay (a 30-day visa): their entry lies far enough back
        # for the stay to have ended, so the overstay list has people in it from the first day.
        overstayer = rng.random() < OVERSTAY_SHARE
        span = days - OVERSTAY_ALLOWED - 2 if overstayer else days
        entry_day = (start + timedelta(days=rng.random() * span)).date()
        post_code = _weighted(rng, post_pairs)
        at = local_moment(post_code, entry_day)
        if at > now:
            continue
        purpose = _weighted(rng, PURPOSES)
        allowed = 90 if purpose in {"tourism", "family", "business", "transit"} else 180
        if overstayer:
            allowed = OVERSTAY_ALLOWED
        permitted = entry_day + timedelta(days=allowed - 1)
        add(person, document, post_code, at, "entry", purpose, permitted)
        made += 1
        if rows[-1].decision == "refuse":
            continue
        # most leave after a stay; some stay on (a few beyond their permitted stay)
        stay = int(rng.expovariate(1 / 9)) + (0 if rng.random() < 0.1 else 1)
        if overstayer:
            stay = allowed + rng.randint(1, 120)  # still here, or left late
        exit_post = post_code if rng.random() < 0.7 else _weighted(rng, post_pairs)
        exit_at = local_moment(exit_post, entry_day + timedelta(days=stay))
        if exit_at <= now and exit_at > at:
            add(person, document, exit_post, exit_at, "exit", purpose, None)
            made += 1
        if progress is not None and made % 1000 < 2:
            progress(made)
    _write(people, documents, inspections, rows, referrals, progress=None)
    signals.crossings_bulk_loaded.send(sender=Crossing, count=len(rows))
    result.travellers = len(people)
    result.documents = len(documents)
    return result


def _write(people: list[Traveller], documents: list[TravelDocument], inspections: list[Inspection],
           rows: list[Crossing], referrals: list[Referral], progress: Callable[[int], None] | None) -> None:
    with transaction.atomic():
        for model, objects in ((Traveller, people), (TravelDocument, documents), (Inspection, inspections),
                               (Crossing, rows), (Referral, referrals)):
            for chunk in _chunks(objects, BATCH):
                fast_insert(model, chunk)


def fast_insert(model: Any, objects: list[Any]) -> None:
    """INSERT with executemany: one prepared statement per table instead of Django's multi-row
    statements, which SQLite's bound-parameter limit cuts into tiny batches. Values are converted
    by each field's own get_db_prep_save, so both backends store exactly what the ORM would."""
    fields = list(model._meta.concrete_fields)
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    # Table and column names come from the model; every value is a bound parameter.
    sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608
    params = [[f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields] for obj in objects]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _chunks(items: list[Any], size: int) -> Iterable[list[Any]]:
    for offset in range(0, len(items), size):
        yield items[offset: offset + size]
