"""Fixtures shared by the whole suite."""

from __future__ import annotations

import os
import shutil
import uuid
from datetime import date
from pathlib import Path

import pytest
from tests.paths import shared_testdata


@pytest.fixture(scope="session")
def testdata() -> Path:
    """The external test data folder; tests that need it skip with a reason when it is absent."""
    root = shared_testdata()
    if not root.is_dir():
        pytest.skip(f"external test data not found at {root} (set OPENBMIS_TESTDATA)")
    return root


# --- the audit trail's anchors: each test writes its checkpoints to its own file -------------------------

@pytest.fixture(autouse=True)
def _audit_checkpoints_per_test(settings, tmp_path):
    """Checkpoints of one test database must not be compared with another's (docs/adr/0003)."""
    settings.OPENBMIS_AUDIT_CHECKPOINT_FILE = tmp_path / "audit-checkpoints.jsonl"
    # Likewise the saved screening index: a test's lists are its own.
    settings.OPENBMIS_SCREENING_INDEX_DIR = tmp_path / "screening-index"


@pytest.fixture(autouse=True)
def _english_unless_asked():
    """Each test starts in the default language: a request in Spanish activates Spanish for its thread (as each
    request of a server thread activates its own), which would otherwise leak into the next test on the worker."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.activate("en")


@pytest.fixture(autouse=True)
def _uploads_per_test(settings, tmp_path):
    """Uploaded files (document images, also the demo's) go to the test's own folder, never the data dir."""
    settings.MEDIA_ROOT = tmp_path / "media"


def _flush_lifting_the_audit_delete_guard():
    """Let the flush of a SQLite test database (transactional tests) empty the audit table: the
    trigger that refuses DELETE (audit migration 0004) is dropped for the flush and made again."""
    from django.db.backends.sqlite3.base import DatabaseOperations

    original = DatabaseOperations.sql_flush
    if getattr(original, "lifts_audit_guard", False):
        return

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        statements = original(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        if "audit_auditevent" not in tables:
            return statements
        return [
            "DROP TRIGGER IF EXISTS audit_event_no_delete;",
            *statements,
            "CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_auditevent "
            "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;",
        ]

    sql_flush.lifts_audit_guard = True  # type: ignore[attr-defined]
    DatabaseOperations.sql_flush = sql_flush  # type: ignore[method-assign]


_flush_lifting_the_audit_delete_guard()


# --- application fixtures (Django) --------------------------------------------------------------------

ROLE_NAMES = (
    "primary_officer", "secondary_officer", "supervisor", "analyst", "administrator", "auditor",
)


@pytest.fixture
def fast_hasher(settings):
    """Argon2 is deliberately slow; tests that are not about hashing use a fast hasher."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def two_posts(db):
    """Two border posts, A (ours) and B (another), created through the service."""
    from openbmis.borderposts import services

    post_a = services.create_border_post(
        "test", code="TST-A", name="Post A", kind="air", country="UTO", time_zone="Africa/Nairobi",
        lanes=[{"code": "A1", "direction": "entry"}],
    )
    post_b = services.create_border_post(
        "test", code="TST-B", name="Post B", kind="land", country="UTO", time_zone="Africa/Nairobi",
    )
    return post_a, post_b


@pytest.fixture
def officer(make_user, two_posts):
    """A primary officer of post A: the suite's one counter officer."""
    return make_user("primary_officer", two_posts[0], username="officer-a")


@pytest.fixture
def admin(make_user):
    """A national administrator: the suite's one administrator."""
    return make_user("administrator", None, username="admin-hq")


@pytest.fixture
def make_user(db, fast_hasher):
    """make_user(role=None, post=None, username=None) -> User with that role at that post (None: national)."""
    from openbmis.accounts import services

    counter = {"n": 0}

    def make(role: str | None = None, post=None, username: str | None = None, password: str = "pw-for-tests-1"):
        counter["n"] += 1
        name = username or f"user{counter['n']}"
        user = services.create_user("test", username=name, password=password, validate=False)
        if role:
            services.assign_role("test", user, role, post)
        return user

    return make


@pytest.fixture
def bearer(db):
    """bearer(user, scopes=None: every scope) -> headers dict for the Django test client."""
    from openbmis.accounts import services

    def headers(user, scopes=None):
        # Unless a test narrows it, the token carries every scope: its user's roles then decide.
        if scopes is None:
            from openbmis.accounts.roles import SCOPES

            scopes = sorted(SCOPES)
        _token, secret = services.create_token("test", user, name="t", scopes=list(scopes))
        return {"Authorization": f"Bearer {secret}"}

    return headers


@pytest.fixture
def session_client(client):
    """session_client(user) -> a test client logged in as user, second factor passed."""
    from openbmis.accounts.middleware import SESSION_KEY

    def login(user):
        client.force_login(user)
        session = client.session
        session[SESSION_KEY] = True
        session.save()
        return client

    return login


# --- inspections: an MRZ for a test traveller, and API calls as an officer -----------------------------

def make_mrz(**overrides) -> str:
    """A valid TD3 MRZ (written by openbmis.mrz.make) for a test traveller."""
    from openbmis import mrz

    fields = dict(
        format="TD3", document_code="P", issuing_state="KEN", document_number="X1234567",
        primary_identifier="ODHIAMBO", secondary_identifier="AMINA", nationality="KEN",
        birth_date=date(1990, 5, 17), sex="F", expiry_date=date(2031, 1, 1), optional_data="",
    )
    fields.update(overrides)
    return mrz.make(fields)


@pytest.fixture
def mrz_for():
    return make_mrz


@pytest.fixture
def inspect(client, bearer, officer):
    """inspect(body_overrides, user=officer) -> response of POST /api/inspections."""
    headers_by_user = {}

    def call(user=None, **body):
        user = user or officer
        if user.pk not in headers_by_user:
            headers_by_user[user.pk] = bearer(user)
        payload = {"border_post": "TST-A", "direction": "entry", "client_id": str(uuid.uuid4()), **body}
        return client.post("/api/inspections", payload, content_type="application/json",
                           headers=headers_by_user[user.pk])

    return call


@pytest.fixture
def decide(client, bearer, officer):
    headers_by_user = {}

    def call(inspection_id, user=None, **body):
        user = user or officer
        if user.pk not in headers_by_user:
            headers_by_user[user.pk] = bearer(user)
        return client.post(f"/api/inspections/{inspection_id}/decision", body, content_type="application/json",
                           headers=headers_by_user[user.pk])

    return call


# --- browser tests: Playwright driving Debian's chromium (never a downloaded browser) ---------------------

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
OUTPUT = Path(__file__).resolve().parents[2] / "test-output" / "browser"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium); .ci/run installs it")
    # Playwright's sync API runs an event loop in this thread; the Django test helpers we call
    # between page actions are synchronous and safe here.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    OUTPUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    # Console errors (a script blocked by the Content-Security-Policy, say) for tests to assert on.
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.errors = errors
    yield page
    context.close()


@pytest.fixture
def screenshots():
    """Where browser tests save their screenshots (test-output/browser/)."""
    OUTPUT.mkdir(parents=True, exist_ok=True)
    return OUTPUT
