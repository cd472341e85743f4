"""Account lifecycle from the server's console (an already-authenticated channel): enrolment codes, password
reset, deactivation, unlock. Every change goes through openbmis.accounts.services and is audited as `cli`."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from typing import Any

from openbmis.cli.server import setup_django


def _run(action: Callable[[Any], str], username: str) -> int:
    from openbmis.accounts import services
    from openbmis.core.errors import DomainError

    try:
        print(action(services.get_user(username)))
    except DomainError as exc:
        print(f"openbmis: {exc.message}", file=sys.stderr)
        return 2
    return 0


def cmd_enrolment(args: argparse.Namespace) -> int:
    setup_django()
    from openbmis.accounts import services

    def issue(user: Any) -> str:
        if user.totp_confirmed_at is not None and not args.reset:
            from openbmis.core.errors import Conflict

            raise Conflict(f"{user.username} has an authenticator; add --reset to withdraw it first")
        code = services.reset_totp("cli", user) if args.reset else services.issue_totp_enrolment("cli", user)
        return f"{code}\n(one-time enrolment code for {user.username}, valid {services.ENROLMENT_CODE_DAYS} days)"

    return _run(issue, args.username)


def cmd_reset_password(args: argparse.Namespace) -> int:
    setup_django()
    from openbmis.accounts import services

    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else getpass.getpass("New password: ")

    def reset(user: Any) -> str:
        services.reset_password("cli", user, password)
        return f"password of {user.username} reset; its sessions have ended"

    return _run(reset, args.username)


def cmd_set_active(args: argparse.Namespace) -> int:
    setup_django()
    from openbmis.accounts import services

    def change(user: Any) -> str:
        revoked = services.set_active("cli", user, args.active, args.reason)
        if args.active:
            return f"{user.username} reactivated"
        return f"{user.username} deactivated; sessions ended, {revoked} token(s) revoked"

    return _run(change, args.username)


def cmd_unlock(args: argparse.Namespace) -> int:
    setup_django()
    from openbmis.accounts import services

    def unlock(user: Any) -> str:
        services.unlock("cli", user)
        return f"{user.username} unlocked"

    return _run(unlock, args.username)


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    user = subparsers.add_parser("user", help="account lifecycle").add_subparsers(dest="user_command", metavar="ACTION")
    p = user.add_parser("enrolment", help="issue a one-time TOTP enrolment code (production needs one)")
    p.add_argument("username")
    p.add_argument("--reset", action="store_true", help="withdraw the user's current authenticator first")
    p.set_defaults(handler=cmd_enrolment)
    p = user.add_parser("reset-password", help="set a new password (sessions end, locks are lifted)")
    p.add_argument("username")
    p.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    p.set_defaults(handler=cmd_reset_password)
    p = user.add_parser("deactivate", help="deactivate: sessions and API tokens stop at once")
    p.add_argument("username")
    p.add_argument("--reason", required=True)
    p.set_defaults(handler=cmd_set_active, active=False)
    p = user.add_parser("activate", help="reactivate a deactivated account")
    p.add_argument("username")
    p.add_argument("--reason", required=True)
    p.set_defaults(handler=cmd_set_active, active=True)
    p = user.add_parser("unlock", help="lift every lock on the account")
    p.add_argument("username")
    p.set_defaults(handler=cmd_unlock)
