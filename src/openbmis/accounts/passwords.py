"""Passwords that are public knowledge: refused when set, and (in production) when used to log in."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

KNOWN_PASSWORDS_FILE = Path(__file__).resolve().parent / "data" / "known_passwords.txt"


@cache
def known_passwords() -> frozenset[str]:
    lines = KNOWN_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def is_publicly_known(password: str) -> bool:
    return password.strip().lower() in known_passwords()


class KnownPasswordValidator:
    """Django password validator: refuse the passwords of the shipped list (the demo's own included)."""

    def validate(self, password: str, user: Any = None) -> None:
        if is_publicly_known(password):
            raise ValidationError(_("This password is publicly known (it is on OpenBMIS's list)."),
                                  code="password_publicly_known")

    def get_help_text(self) -> str:
        return _("Your password cannot be one that is publicly known, such as the demo's.")
