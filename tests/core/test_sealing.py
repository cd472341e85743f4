"""Secrets sealed at rest with AES-256-GCM under key ids, keys outside the database, rotation (issue 14)."""

from __future__ import annotations

import json

import pyotp
import pytest
from django.db import connection

from openbmis.core import sealing


def _stored_secret(user) -> str:
    """The column as the database holds it (no field conversion)."""
    pk = user._meta.pk.get_db_prep_value(user.pk, connection)
    with connection.cursor() as cursor:
        cursor.execute("SELECT totp_secret FROM accounts_user WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_a_totp_secret_is_stored_sealed_and_read_plain(keys, make_user):
    from openbmis.accounts import services

    user = make_user("administrator")
    services.start_totp_enrolment(user)
    user.refresh_from_db()
    secret = user.totp_secret
    stored = _stored_secret(user)
    assert len(secret) == 32 and secret not in stored
    assert stored.startswith("sealed:v1:" + json.loads(keys.read_text())["current"] + ":")
    assert services.verify_totp(user, pyotp.TOTP(secret).now())  # the login path opens it
    assert keys.stat().st_mode & 0o777 == 0o600  # the key file: made once, readable by its owner only


def test_a_sealed_value_opens_only_in_its_own_column_and_unaltered(keys):
    stored = sealing.seal("JBSWY3DPEHPK3PXP", "accounts.User.totp_secret")
    assert sealing.unseal(stored, "accounts.User.totp_secret") == "JBSWY3DPEHPK3PXP"
    with pytest.raises(sealing.SealingError, match="another column"):
        sealing.unseal(stored, "travellers.TravelDocument.number")
    altered = stored[:-4] + ("AAAA" if not stored.endswith("AAAA") else "BBBB")
    with pytest.raises(sealing.SealingError):
        sealing.unseal(altered, "accounts.User.totp_secret")
    assert sealing.seal("x", "p") != sealing.seal("x", "p")  # a fresh nonce each time


def test_rotation_keeps_old_values_readable_and_reseal_moves_them_to_the_new_key(keys, make_user):
    from openbmis.accounts import services
    from openbmis.accounts.models import User

    user = make_user("administrator")
    services.start_totp_enrolment(user)
    user.refresh_from_db()
    secret, old_key = user.totp_secret, sealing.key_id(_stored_secret(user))
    new_key = sealing.rotate()
    assert new_key != old_key
    assert User.objects.get(pk=user.pk).totp_secret == secret  # still opens under the old key
    assert sealing.reseal_all()["accounts.User.totp_secret"] == 1
    assert sealing.key_id(_stored_secret(user)) == new_key
    # with the old key retired from the file the value still opens
    content = json.loads(keys.read_text())
    del content["keys"][old_key]
    keys.write_text(json.dumps(content))
    sealing.forget()
    assert User.objects.get(pk=user.pk).totp_secret == secret
    assert sealing.reseal_all()["accounts.User.totp_secret"] == 0  # nothing left under an older key


def test_a_value_under_a_key_the_file_lacks_is_a_clear_error(keys, make_user):
    from openbmis.accounts import services
    from openbmis.accounts.models import User

    user = make_user("administrator")
    services.start_totp_enrolment(user)
    keys.unlink()
    sealing.forget()  # a restored database without its key file
    with pytest.raises(sealing.SealingError, match="does not hold"):
        User.objects.get(pk=user.pk)


def test_a_running_process_opens_values_sealed_under_a_key_another_process_added(keys):
    sealing.seal("warm", "p")  # this process has read the key file
    stale = dict(sealing._cache)
    sealing.rotate()  # another process: `openbmis keys rotate`, then values sealed under the new key
    value = sealing.seal("JBSWY3DPEHPK3PXP", "accounts.User.totp_secret")
    sealing._cache.clear()
    sealing._cache.update(stale)  # the running server still holds the file as it was before the rotation
    assert sealing.unseal(value, "accounts.User.totp_secret") == "JBSWY3DPEHPK3PXP"
