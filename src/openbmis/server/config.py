"""Configuration read once from ``OPENBMIS_*`` environment variables.

Every variable is documented in docs/configuration.md.  In production mode a missing or
contradictory value stops start-up with a :class:`ConfigError` naming the variable; in
development mode safe defaults apply (a secret key generated once under the data dir,
SQLite under ``./var``).
"""

from __future__ import annotations

import ipaddress
import os
import secrets
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from openbmis.core.files import write_private

MODES = ("development", "production")
DEFAULT_LANGUAGES = ("en", "fr", "ar", "es", "pt")
# The check slots (inspections/checks.py SLOTS) whose failure blocks an admission until reviewed.
DEFAULT_BLOCKING_CHECKS = ("watchlist", "stolen_lost", "entry_ban", "chip")
BLOCKABLE_CHECKS = ("mrz", "document", "watchlist", "stolen_lost", "history", "visa", "stay", "entry_ban", "chip",
                    "document_alerts")
OVERRIDE_CAPABLE_ROLES = ("secondary_officer", "supervisor")
KNOWN_LANGUAGES = {"en": "English", "fr": "Français", "es": "Español", "ar": "العربية", "pt": "Português"}


class ConfigError(ValueError):
    """A configuration value is missing, malformed or contradicts another."""

    def __init__(self, variable: str, problem: str) -> None:
        self.variable = variable
        self.problem = problem
        super().__init__(f"{variable}: {problem}")


@dataclass(frozen=True)
class Config:
    mode: str
    data_dir: Path
    database_url: str
    secret_key: str
    allowed_hosts: tuple[str, ...]
    time_zone: str
    languages: tuple[str, ...]
    installation: str  # "hq" or "bcp:<CODE>"
    session_idle_minutes: int
    lockout_attempts: int
    lockout_minutes: int
    secure_cookies: bool
    csrf_trusted_origins: tuple[str, ...] = field(default=())
    statistics_min_cell: int = 5  # counts below it are suppressed for roles without identities access
    retroactive_screening_days: int = 30  # new watchlist entries are screened against crossings this far back
    overstay_retention_days: int = 1825  # ended overstays and ended entry bans are deleted this long after
    # Retention periods of the other record types (docs/data-protection.md, "How long records are kept").
    crossing_retention_days: int = 1095  # crossings and inspections, counted from the traveller's exit
    chip_read_retention_days: int = 365  # chip verifications (with the chip photo)
    image_retention_days: int = 365  # referral note images and examination photographs
    manifest_retention_days: int = 90  # airline manifests (API/PAXLST) and their passengers, from arrival
    permit_retention_days: int = 1095  # registry visas and residence permits, from their end of validity
    # The counter's safety rules (docs/configuration.md, "Decisions at the counter").
    blocking_checks: tuple[str, ...] = DEFAULT_BLOCKING_CHECKS  # failed checks that stop an admission
    override_roles: tuple[str, ...] = ("supervisor",)  # roles that may admit over a blocking check, with a reason
    override_four_eyes: bool = True  # the officer who inspected may not also override
    stale_inspection_minutes: int = 30  # open inspections older than this are listed to the supervisor

    address_lockout_attempts: int = 20  # failed logins from one address (any accounts) before it is refused
    trusted_proxy: str = ""  # the TLS proxy's address: only its X-Forwarded-Proto/-For are believed
    # PostgreSQL: bind parameters on the server and prepare the statements used often (off behind a pooler that
    # does not keep prepared statements: PgBouncer in transaction mode before 1.21 or without max_prepared_statements)
    database_prepared_statements: bool = True
    # the audit chain's anchors, kept outside the database (docs/configuration.md, docs/adr/0003)
    audit_key_file: Path = Path("var/audit/chain.key")  # HMAC key of the keyed chain
    audit_signing_key_file: Path = Path("var/audit/checkpoint.key")  # Ed25519 key that signs checkpoints
    data_keys_file: Path = Path("var/data_keys.json")  # AES-256 keys that seal secrets at rest (core/sealing.py)
    audit_checkpoint_file: Path = Path("var/audit/checkpoints.jsonl")  # the append-only file of checkpoints
    audit_ref_key: str = ""  # HMAC key of pseudonymous traveller references (empty: derived from the secret key)
    certification_on_assign: str = "warn"  # a role given without its required certificates: warn or refuse
    certificate_expiry: str = "warn"  # a holder whose required certificate is not valid: warn or suspend the role
    certificate_warn_days: int = 60  # holders are warned this many days before a required certificate expires
    sync_batch: int = 1000  # outbox records a node sends in one push (headquarters takes at most 1,000)
    sync_transport: str = "https"  # https, or nats (NATS JetStream through the post's leaf node)
    nats_url: str = "nats://127.0.0.1:4222"
    node_keep_days: int = 90  # a node purges its own records headquarters holds after this many days
    sync_interval: int = 60  # seconds between a node worker's exchanges with headquarters (0: none)
    nats_domain: str = ""  # the hub's JetStream domain, reached through a post's leaf node
    nats_ack_wait: int = 30  # seconds a node waits for headquarters' acknowledgements over NATS
    # Largest upload accepted, in MiB, per kind of file (docs/configuration.md, "Uploads").
    upload_max_mb: tuple[tuple[str, int], ...] = (
        ("watchlist", 200), ("trust", 100), ("evisa", 50), ("manifest", 20), ("image", 5),
    )

    @property
    def debug(self) -> bool:
        return self.mode == "development"


def _int(env: Mapping[str, str], name: str, default: int, minimum: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(name, f"expected a whole number, got {raw!r}") from None
    if value < minimum:
        raise ConfigError(name, f"must be at least {minimum}, got {value}")
    return value


# Production refuses values that defeat the control they configure.
PRODUCTION_MAXIMUM = {
    "OPENBMIS_SESSION_IDLE_MINUTES": 720,
    "OPENBMIS_LOCKOUT_ATTEMPTS": 20,
    "OPENBMIS_LOCKOUT_MINUTES": 1440,
    "OPENBMIS_ADDRESS_LOCKOUT_ATTEMPTS": 1000,
}
# A secret key made by hand (a repeated character, a placeholder) is guessable whatever its length.
MIN_SECRET_KEY_DISTINCT = 16
_PLACEHOLDER_SECRETS = ("django-insecure", "changeme", "change-me", "change_me", "secret", "example", "openbmis")


def _bounded(env: Mapping[str, str], name: str, default: int, minimum: int, production: bool) -> int:
    value = _int(env, name, default, minimum)
    maximum = PRODUCTION_MAXIMUM[name]
    if production and value > maximum:
        raise ConfigError(name, f"must be at most {maximum} in production mode, got {value}")
    return value


def weak_secret_key(key: str) -> str | None:
    """Why a secret key is too weak for production, or None."""
    if len(key) < 32:
        return "must be at least 32 characters in production mode"
    if len(set(key)) < MIN_SECRET_KEY_DISTINCT:
        return (f"is too regular ({len(set(key))} distinct characters; at least {MIN_SECRET_KEY_DISTINCT}):"
                " generate one, e.g. python3 -c 'import secrets; print(secrets.token_urlsafe(50))'")
    lowered = key.lower()
    for word in _PLACEHOLDER_SECRETS:
        if word in lowered:
            return f"contains the placeholder {word!r}: generate a random key"
    return None


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(name, f"expected true or false, got {raw!r}")


def _choice(env: Mapping[str, str], name: str, default: str, choices: tuple[str, ...]) -> str:
    raw = (env.get(name) or "").strip().lower()
    if not raw:
        return default
    if raw not in choices:
        raise ConfigError(name, f"must be one of {', '.join(choices)}, got {raw!r}")
    return raw


def _list(env: Mapping[str, str], name: str) -> tuple[str, ...] | None:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return None
    return tuple(item.strip() for item in raw.split(",") if item.strip())


def _secret_from_file(data_dir: Path) -> str:
    """Development only: a random key made once and kept under the data dir."""
    path = data_dir / "secret_key"
    if not path.exists():
        try:
            write_private(path, secrets.token_urlsafe(50).encode(), exclusive=True)
        except FileExistsError:
            pass  # another process (the worker beside the server) made it first: use theirs
    return path.read_text().strip()


def _path(env: Mapping[str, str], name: str, default: Path) -> Path:
    raw = env.get(name, "").strip()
    path = Path(raw).expanduser().resolve() if raw else default
    if path.exists() and path.is_dir():
        raise ConfigError(name, f"{path} is a directory; expected a file path")
    return path


def load(env: Mapping[str, str] | None = None) -> Config:
    """Read and validate the configuration; raise ConfigError naming the first bad variable."""
    env = os.environ if env is None else env
    mode = env.get("OPENBMIS_MODE", "development").strip().lower()
    if mode not in MODES:
        raise ConfigError("OPENBMIS_MODE", f"must be one of {', '.join(MODES)}, got {mode!r}")
    production = mode == "production"

    data_dir = Path(env.get("OPENBMIS_DATA_DIR") or "var").expanduser().resolve()
    if data_dir.exists() and not data_dir.is_dir():
        raise ConfigError("OPENBMIS_DATA_DIR", f"{data_dir} exists and is not a directory")

    database_url = env.get("OPENBMIS_DATABASE_URL", "").strip()
    if not database_url:
        if production:
            raise ConfigError("OPENBMIS_DATABASE_URL", "required in production mode")
        database_url = f"sqlite:///{data_dir / 'openbmis.sqlite3'}"
    scheme = database_url.split(":", 1)[0]
    if scheme not in {"sqlite", "postgres", "postgresql", "pgsql"}:
        raise ConfigError("OPENBMIS_DATABASE_URL", f"unsupported database scheme {scheme!r} (use sqlite or postgres)")

    secret_key = env.get("OPENBMIS_SECRET_KEY", "").strip()
    if not secret_key:
        if production:
            raise ConfigError("OPENBMIS_SECRET_KEY", "required in production mode")
        secret_key = _secret_from_file(data_dir)
    elif production and (problem := weak_secret_key(secret_key)):
        raise ConfigError("OPENBMIS_SECRET_KEY", problem)

    allowed_hosts = _list(env, "OPENBMIS_ALLOWED_HOSTS")
    if allowed_hosts is None:
        if production:
            raise ConfigError("OPENBMIS_ALLOWED_HOSTS", "required in production mode (comma-separated host names)")
        allowed_hosts = ("127.0.0.1", "localhost", "[::1]", "testserver")
    if production and "*" in allowed_hosts:
        raise ConfigError("OPENBMIS_ALLOWED_HOSTS", "'*' is not allowed in production mode")

    time_zone = env.get("OPENBMIS_TIME_ZONE", "UTC").strip()
    try:
        zoneinfo.ZoneInfo(time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ConfigError("OPENBMIS_TIME_ZONE", f"unknown time zone {time_zone!r}") from None

    languages = _list(env, "OPENBMIS_LANGUAGES") or DEFAULT_LANGUAGES
    unknown = [code for code in languages if code not in KNOWN_LANGUAGES]
    if unknown:
        raise ConfigError(
            "OPENBMIS_LANGUAGES",
            f"unknown language code(s) {', '.join(unknown)}; known: {', '.join(sorted(KNOWN_LANGUAGES))}",
        )

    installation = env.get("OPENBMIS_INSTALLATION", "hq").strip()
    if installation != "hq" and not (installation.startswith("bcp:") and len(installation) > 4):
        raise ConfigError("OPENBMIS_INSTALLATION", f"must be 'hq' or 'bcp:<POST CODE>', got {installation!r}")

    trusted_proxy = env.get("OPENBMIS_TRUSTED_PROXY", "").strip()
    if trusted_proxy:
        try:
            ipaddress.ip_address(trusted_proxy)
        except ValueError:
            raise ConfigError("OPENBMIS_TRUSTED_PROXY",
                              f"must be the proxy's IP address (such as 127.0.0.1), got {trusted_proxy!r}") from None

    secure_cookies = _bool(env, "OPENBMIS_SECURE_COOKIES", production)
    if production and not secure_cookies:
        raise ConfigError("OPENBMIS_SECURE_COOKIES", "cannot be false in production mode")

    blocking_checks = _list(env, "OPENBMIS_BLOCKING_CHECKS")
    if blocking_checks is None:
        blocking_checks = DEFAULT_BLOCKING_CHECKS
    elif blocking_checks == ("none",):
        blocking_checks = ()
    unknown = [code for code in blocking_checks if code not in BLOCKABLE_CHECKS]
    if unknown:
        raise ConfigError("OPENBMIS_BLOCKING_CHECKS",
                          f"unknown check(s) {', '.join(unknown)}; known: {', '.join(BLOCKABLE_CHECKS)}, or none")
    override_roles = _list(env, "OPENBMIS_OVERRIDE_ROLES") or ("supervisor",)
    unknown = [role for role in override_roles if role not in OVERRIDE_CAPABLE_ROLES]
    if unknown:
        raise ConfigError("OPENBMIS_OVERRIDE_ROLES",
                          f"role(s) {', '.join(unknown)} may not override; choose from "
                          f"{', '.join(OVERRIDE_CAPABLE_ROLES)}")

    return Config(
        mode=mode,
        data_dir=data_dir,
        database_url=database_url,
        secret_key=secret_key,
        allowed_hosts=allowed_hosts,
        time_zone=time_zone,
        languages=languages,
        installation=installation,
        session_idle_minutes=_bounded(env, "OPENBMIS_SESSION_IDLE_MINUTES", 30, 1, production),
        lockout_attempts=_bounded(env, "OPENBMIS_LOCKOUT_ATTEMPTS", 5, 1, production),
        lockout_minutes=_bounded(env, "OPENBMIS_LOCKOUT_MINUTES", 15, 1, production),
        secure_cookies=secure_cookies,
        csrf_trusted_origins=_list(env, "OPENBMIS_CSRF_TRUSTED_ORIGINS") or (),
        statistics_min_cell=_int(env, "OPENBMIS_STATISTICS_MIN_CELL", 5, 1),
        retroactive_screening_days=_int(env, "OPENBMIS_RETROACTIVE_SCREENING_DAYS", 30, 0),
        overstay_retention_days=_int(env, "OPENBMIS_OVERSTAY_RETENTION_DAYS", 1825, 1),
        crossing_retention_days=_int(env, "OPENBMIS_CROSSING_RETENTION_DAYS", 1095, 1),
        chip_read_retention_days=_int(env, "OPENBMIS_CHIP_READ_RETENTION_DAYS", 365, 1),
        image_retention_days=_int(env, "OPENBMIS_IMAGE_RETENTION_DAYS", 365, 1),
        manifest_retention_days=_int(env, "OPENBMIS_MANIFEST_RETENTION_DAYS", 90, 1),
        permit_retention_days=_int(env, "OPENBMIS_PERMIT_RETENTION_DAYS", 1095, 1),
        blocking_checks=blocking_checks,
        override_roles=override_roles,
        override_four_eyes=_bool(env, "OPENBMIS_OVERRIDE_FOUR_EYES", True),
        database_prepared_statements=_bool(env, "OPENBMIS_DATABASE_PREPARED_STATEMENTS", True),
        stale_inspection_minutes=_int(env, "OPENBMIS_STALE_INSPECTION_MINUTES", 30, 1),
        address_lockout_attempts=_bounded(env, "OPENBMIS_ADDRESS_LOCKOUT_ATTEMPTS", 20, 1, production),
        trusted_proxy=trusted_proxy,
        audit_key_file=_path(env, "OPENBMIS_AUDIT_KEY_FILE", data_dir / "audit" / "chain.key"),
        audit_signing_key_file=_path(env, "OPENBMIS_AUDIT_SIGNING_KEY_FILE", data_dir / "audit" / "checkpoint.key"),
        data_keys_file=_path(env, "OPENBMIS_DATA_KEYS_FILE", data_dir / "data_keys.json"),
        audit_checkpoint_file=_path(env, "OPENBMIS_AUDIT_CHECKPOINT_FILE", data_dir / "audit" / "checkpoints.jsonl"),
        audit_ref_key=env.get("OPENBMIS_AUDIT_REF_KEY", "").strip(),
        certification_on_assign=_choice(env, "OPENBMIS_CERTIFICATION_ON_ASSIGN", "warn", ("warn", "refuse")),
        certificate_expiry=_choice(env, "OPENBMIS_CERTIFICATE_EXPIRY", "warn", ("warn", "suspend")),
        certificate_warn_days=_int(env, "OPENBMIS_CERTIFICATE_WARN_DAYS", 60, 0),
        sync_batch=min(_int(env, "OPENBMIS_SYNC_BATCH", 1000, 1), 1000),
        sync_transport=_choice(env, "OPENBMIS_SYNC_TRANSPORT", "https", ("https", "nats")),
        nats_url=env.get("OPENBMIS_NATS_URL") or "nats://127.0.0.1:4222",
        node_keep_days=_int(env, "OPENBMIS_NODE_KEEP_DAYS", 90, 1),
        sync_interval=_int(env, "OPENBMIS_SYNC_INTERVAL", 60, 0),
        nats_domain=env.get("OPENBMIS_NATS_DOMAIN", "").strip(),
        nats_ack_wait=_int(env, "OPENBMIS_NATS_ACK_WAIT", 30, 1),
        upload_max_mb=tuple((kind, _int(env, f"OPENBMIS_UPLOAD_MAX_MB_{kind.upper()}", default, 1))
                            for kind, default in Config.upload_max_mb),
    )
