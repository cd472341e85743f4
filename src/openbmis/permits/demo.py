"""Demo visa policy and registry (idempotent): most nationalities visa-exempt for 90 days in any 180, a few
visa-required with demo visas, diplomatic passports exempt, a residence permit, and an entry ban."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from openbmis.permits import services
from openbmis.permits.models import EntryBan, ResidencePermit, Visa, VisaPolicyRule

ACTOR = "demo-seed"
SINCE = date(2020, 1, 1)
# Visa-required nationalities in the demo (everyone else: exempt, 90 days in any 180).
VISA_REQUIRED = ("IND", "NGA", "PAK", "AFG", "SYR")
VISA_ON_ARRIVAL = ("CHN",)


def load_demo_policy() -> None:
    """Create the demo rules and records that are missing."""
    if not VisaPolicyRule.objects.exists():
        services.create_rule(ACTOR, name="Default: visa-exempt, 90 days in any 180", nationality="*",
                             document_type="*", category="exempt", stay_kind="rolling", max_stay_days=90,
                             window_days=180, valid_from=SINCE)
        services.create_rule(ACTOR, name="Diplomatic and service passports: exempt, 180 days", nationality="*",
                             document_type="PD", category="exempt", stay_kind="fixed", max_stay_days=180,
                             valid_from=SINCE)
        services.create_rule(ACTOR, name="Laissez-passer: officer verifies", nationality="*", document_type="PL",
                             category="special", stay_kind="fixed", max_stay_days=30, valid_from=SINCE,
                             note="Check the issuing organisation's mission order.")
        for code in VISA_REQUIRED:
            services.create_rule(ACTOR, name=f"{code}: visa required", nationality=code, category="required",
                                 valid_from=SINCE)
        for code in VISA_ON_ARRIVAL:
            services.create_rule(ACTOR, name=f"{code}: visa on arrival, 30 days", nationality=code,
                                 category="on_arrival", stay_kind="fixed", max_stay_days=30, valid_from=SINCE)
    today = timezone.localdate()
    if not Visa.objects.exists():
        # The "renewed" and "minor" test travellers (docs/demo.md) hold visas.
        services.create_visa(ACTOR, number="UV0001234", entries="multiple", category="C",
                             valid_from=today - timedelta(days=60), valid_until=today + timedelta(days=300),
                             duration_days=90, issuing_post="Embassy New Delhi", surname="PATEL",
                             given_names="RAJ KUMAR", nationality="IND", birth_date=date(1983, 8, 30),
                             passport_number="P2222222")
        services.create_visa(ACTOR, number="UV0005678", entries="single", category="C",
                             valid_from=today - timedelta(days=10), valid_until=today + timedelta(days=80),
                             duration_days=30, issuing_post="Embassy Abuja", surname="ADEYEMI",
                             given_names="TOLU", nationality="NGA", birth_date=date(2015, 6, 1),
                             passport_number="A09876543")
    if not ResidencePermit.objects.exists():
        services.create_permit(ACTOR, kind="work", number="WP-2024-0042", surname="SHARMA", given_names="PRIYA",
                               nationality="IND", birth_date=date(1987, 2, 11), passport_number="Z7654321",
                               valid_from=today - timedelta(days=200), valid_until=today + timedelta(days=530))
    if not EntryBan.objects.exists():
        from openbmis.accounts.models import User

        admin = User.objects.filter(username="admin").first()
        if admin is not None:
            services.impose_ban(admin, surname="VOLKOV", given_names="IGOR", nationality="RUS",
                                birth_date=date(1975, 9, 9), starts_on=today - timedelta(days=30),
                                ends_on=today + timedelta(days=5 * 365), source="overstay",
                                reason="Overstayed 240 days in 2025 (demo)")
