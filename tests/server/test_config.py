"""Configuration from OPENBMIS_* variables: defaults, and a named error for each bad value."""

from __future__ import annotations

import pytest

from openbmis.server.config import ConfigError, load

PRODUCTION_OK = {
    "OPENBMIS_MODE": "production",
    "OPENBMIS_DATABASE_URL": "postgres://bmis@db.example/bmis",
    "OPENBMIS_SECRET_KEY": "q3V9-kT2mZpL8wRx4YbN7cHs1JfD6gUaE0oWiQ5vXrK",
    "OPENBMIS_ALLOWED_HOSTS": "bmis.example",
}


def test_development_defaults(tmp_path):
    config = load({"OPENBMIS_DATA_DIR": str(tmp_path)})
    assert config.mode == "development"
    assert config.database_url == f"sqlite:///{tmp_path / 'openbmis.sqlite3'}"
    # a development secret is generated once and reused
    assert (tmp_path / "secret_key").read_text() == config.secret_key
    assert load({"OPENBMIS_DATA_DIR": str(tmp_path)}).secret_key == config.secret_key
    assert config.debug is True
    assert (config.retroactive_screening_days, config.overstay_retention_days) == (30, 1825)


def test_production_complete_configuration_loads(tmp_path):
    config = load({**PRODUCTION_OK, "OPENBMIS_DATA_DIR": str(tmp_path)})
    assert config.debug is False
    assert config.secure_cookies is True
    assert config.allowed_hosts == ("bmis.example",)


@pytest.mark.parametrize(
    ("changes", "variable", "fragment"),
    [
        ({"OPENBMIS_DATABASE_URL": ""}, "OPENBMIS_DATABASE_URL", "required in production"),
        ({"OPENBMIS_SECRET_KEY": ""}, "OPENBMIS_SECRET_KEY", "required in production"),
        ({"OPENBMIS_SECRET_KEY": "short"}, "OPENBMIS_SECRET_KEY", "at least 32"),
        ({"OPENBMIS_ALLOWED_HOSTS": ""}, "OPENBMIS_ALLOWED_HOSTS", "required in production"),
        ({"OPENBMIS_ALLOWED_HOSTS": "*"}, "OPENBMIS_ALLOWED_HOSTS", "not allowed"),
        ({"OPENBMIS_SECURE_COOKIES": "false"}, "OPENBMIS_SECURE_COOKIES", "cannot be false"),
        ({"OPENBMIS_SECURE_COOKIES": "maybe"}, "OPENBMIS_SECURE_COOKIES", "true or false"),
        ({"OPENBMIS_MODE": "staging"}, "OPENBMIS_MODE", "must be one of"),
        ({"OPENBMIS_DATABASE_URL": "mysql://x/y"}, "OPENBMIS_DATABASE_URL", "unsupported database scheme 'mysql'"),
        ({"OPENBMIS_TIME_ZONE": "Mars/Olympus"}, "OPENBMIS_TIME_ZONE", "unknown time zone"),
        ({"OPENBMIS_LANGUAGES": "en,xx"}, "OPENBMIS_LANGUAGES", "xx"),
        ({"OPENBMIS_INSTALLATION": "bcp:"}, "OPENBMIS_INSTALLATION", "bcp:<POST CODE>"),
        ({"OPENBMIS_SESSION_IDLE_MINUTES": "ten"}, "OPENBMIS_SESSION_IDLE_MINUTES", "whole number"),
        ({"OPENBMIS_LOCKOUT_ATTEMPTS": "0"}, "OPENBMIS_LOCKOUT_ATTEMPTS", "at least 1"),
        ({"OPENBMIS_RETROACTIVE_SCREENING_DAYS": "-1"}, "OPENBMIS_RETROACTIVE_SCREENING_DAYS", "at least 0"),
        ({"OPENBMIS_OVERSTAY_RETENTION_DAYS": "0"}, "OPENBMIS_OVERSTAY_RETENTION_DAYS", "at least 1"),
        ({"OPENBMIS_OVERSTAY_RETENTION_DAYS": "5y"}, "OPENBMIS_OVERSTAY_RETENTION_DAYS", "whole number"),
        # values that defeat the control they configure (issue 13, item 19)
        ({"OPENBMIS_SECRET_KEY": "x" * 40}, "OPENBMIS_SECRET_KEY", "too regular"),
        ({"OPENBMIS_SECRET_KEY": "ab" * 32}, "OPENBMIS_SECRET_KEY", "too regular"),
        ({"OPENBMIS_SECRET_KEY": "django-insecure-Hq8&zk2#mW5!tR9p@Lx4vN7cB1"}, "OPENBMIS_SECRET_KEY", "placeholder"),
        ({"OPENBMIS_SESSION_IDLE_MINUTES": "100000"}, "OPENBMIS_SESSION_IDLE_MINUTES", "at most 720"),
        ({"OPENBMIS_LOCKOUT_ATTEMPTS": "1000000"}, "OPENBMIS_LOCKOUT_ATTEMPTS", "at most 20"),
        ({"OPENBMIS_LOCKOUT_MINUTES": "100000"}, "OPENBMIS_LOCKOUT_MINUTES", "at most 1440"),
        ({"OPENBMIS_ADDRESS_LOCKOUT_ATTEMPTS": "1000000"}, "OPENBMIS_ADDRESS_LOCKOUT_ATTEMPTS", "at most 1000"),
    ],
)
def test_bad_or_missing_values_name_the_variable(tmp_path, changes, variable, fragment):
    env = {**PRODUCTION_OK, "OPENBMIS_DATA_DIR": str(tmp_path), **changes}
    with pytest.raises(ConfigError) as excinfo:
        load(env)
    assert excinfo.value.variable == variable
    assert fragment in str(excinfo.value)
    assert str(excinfo.value).startswith(variable)


def test_data_dir_that_is_a_file_is_refused(tmp_path):
    target = tmp_path / "file"
    target.write_text("")
    with pytest.raises(ConfigError, match="OPENBMIS_DATA_DIR"):
        load({"OPENBMIS_DATA_DIR": str(target)})


def test_development_keeps_generous_limits(tmp_path):
    config = load({"OPENBMIS_DATA_DIR": str(tmp_path), "OPENBMIS_SESSION_IDLE_MINUTES": "100000",
                   "OPENBMIS_LOCKOUT_ATTEMPTS": "1000000"})
    assert (config.session_idle_minutes, config.lockout_attempts) == (100000, 1000000)
    assert config.address_lockout_attempts == 20


def test_trusted_proxy_is_an_address_and_only_then_are_forwarded_headers_believed(tmp_path):
    from types import SimpleNamespace

    from openbmis.cli.server import proxy_options

    config = load({**PRODUCTION_OK, "OPENBMIS_DATA_DIR": str(tmp_path), "OPENBMIS_TRUSTED_PROXY": "10.0.0.5"})
    assert config.trusted_proxy == "10.0.0.5"
    options = proxy_options(SimpleNamespace(CONFIG=config))
    assert options["trusted_proxy"] == "10.0.0.5"
    assert options["trusted_proxy_headers"] == {"x-forwarded-proto", "x-forwarded-for"}
    assert proxy_options(SimpleNamespace(CONFIG=load({**PRODUCTION_OK, "OPENBMIS_DATA_DIR": str(tmp_path)}))) == {}
    with pytest.raises(ConfigError) as raised:
        load({**PRODUCTION_OK, "OPENBMIS_DATA_DIR": str(tmp_path), "OPENBMIS_TRUSTED_PROXY": "*"})
    assert raised.value.variable == "OPENBMIS_TRUSTED_PROXY"


def test_upload_limits_come_from_the_configuration(tmp_path):
    config = load({"OPENBMIS_DATA_DIR": str(tmp_path), "OPENBMIS_UPLOAD_MAX_MB_IMAGE": "2"})
    limits = dict(config.upload_max_mb)
    assert limits == {"watchlist": 200, "trust": 100, "evisa": 50, "manifest": 20, "image": 2}
    with pytest.raises(ConfigError) as excinfo:
        load({"OPENBMIS_DATA_DIR": str(tmp_path), "OPENBMIS_UPLOAD_MAX_MB_MANIFEST": "none"})
    assert excinfo.value.variable == "OPENBMIS_UPLOAD_MAX_MB_MANIFEST"


def test_a_lowered_upload_limit_is_enforced(settings, db):
    from openbmis.core.errors import TooLarge
    from openbmis.watchlists import services

    settings.OPENBMIS_UPLOAD_LIMITS = {**settings.OPENBMIS_UPLOAD_LIMITS, "watchlist": 1024}
    listed = services.create_watchlist("test", name="Small", owner="HQ")
    with pytest.raises(TooLarge):
        services.start_import("test", listed, file_name="big.csv", content=b"id,name\n" + b"x" * 2048)


def _database_options(tmp_path, **env: str) -> dict:
    """The database OPTIONS that settings.py builds from these variables (in a fresh interpreter: settings are
    read once per process)."""
    import json
    import os
    import subprocess
    import sys

    code = ("import json; from django.conf import settings; import django; django.setup(); "
            "print(json.dumps(settings.DATABASES['default'].get('OPTIONS', {})))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env={
        **os.environ, "DJANGO_SETTINGS_MODULE": "openbmis.server.settings", "OPENBMIS_DATA_DIR": str(tmp_path), **env})
    return json.loads(run.stdout.strip().splitlines()[-1])


def test_postgresql_prepares_statements_unless_told_not_to(tmp_path):
    url = "postgres://bmis@db.example/bmis?target_session_attrs=read-write"
    prepared = _database_options(tmp_path, OPENBMIS_DATABASE_URL=url)
    assert prepared == {"target_session_attrs": "read-write", "server_side_binding": True, "prepare_threshold": 5}
    plain = _database_options(tmp_path, OPENBMIS_DATABASE_URL=url, OPENBMIS_DATABASE_PREPARED_STATEMENTS="false")
    assert plain == {"target_session_attrs": "read-write"}  # behind PgBouncer in transaction mode
    assert "server_side_binding" not in _database_options(tmp_path, OPENBMIS_DATABASE_URL="sqlite:///x.sqlite3")
    with pytest.raises(ConfigError) as raised:
        load({"OPENBMIS_DATA_DIR": str(tmp_path), "OPENBMIS_DATABASE_PREPARED_STATEMENTS": "sometimes"})
    assert raised.value.variable == "OPENBMIS_DATABASE_PREPARED_STATEMENTS"
