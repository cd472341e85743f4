"""Server subcommands: demo, serve, migrate, createadmin, worker, token, audit, check, otp."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path
from typing import Any

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def setup_django() -> None:
    """Configure Django from OPENBMIS_* variables; exit with a message naming a bad one."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openbmis.server.settings")
    from openbmis.server.config import ConfigError

    try:
        import django

        django.setup()
    except ConfigError as exc:
        print(f"openbmis: configuration error: {exc}", file=sys.stderr)
        print("See docs/configuration.md for every OPENBMIS_* variable.", file=sys.stderr)
        raise SystemExit(2) from None


def _migrate(verbosity: int = 0) -> None:
    from django.core.management import call_command

    from openbmis.server.bootstrap import ensure_installation

    call_command("migrate", interactive=False, verbosity=verbosity)
    ensure_installation()


def proxy_options(settings: Any) -> dict[str, Any]:
    """waitress options for the TLS proxy named by OPENBMIS_TRUSTED_PROXY: its X-Forwarded-Proto and
    X-Forwarded-For are believed (the scheme becomes https, the client address the proxy's peer); without
    it waitress drops every X-Forwarded-* header, so a client cannot claim https itself."""
    proxy = settings.CONFIG.trusted_proxy
    if not proxy:
        return {}
    return {"trusted_proxy": proxy, "trusted_proxy_count": 1,
            "trusted_proxy_headers": {"x-forwarded-proto", "x-forwarded-for"},
            "clear_untrusted_proxy_headers": True}


def _serve(host: str, port: int, threads: int, processes: int = 1) -> int:
    import waitress
    from django.conf import settings
    from django.db import connections

    from openbmis.server import processes as prefork
    from openbmis.server.wsgi import application

    options = {"threads": threads, "ident": "openbmis", **proxy_options(settings)}
    if processes <= 1:
        print(f"OpenBMIS is serving at http://{host}:{port}/  (API docs: http://{host}:{port}/api/docs)", flush=True)
        waitress.serve(application, host=host, port=port, **options)
        return 0
    sock = prefork.listening_socket(host, port)
    connections.close_all()  # each process opens its own after the fork
    print(f"OpenBMIS is serving at http://{host}:{port}/ from {processes} processes of {threads} threads  "
          f"(API docs: http://{host}:{port}/api/docs)", flush=True)
    return prefork.supervise(lambda shared: waitress.serve(application, sockets=[shared], **options), sock, processes)


def _step(text: str) -> None:
    print(f"openbmis demo: {text}", flush=True)


def _start_worker() -> Any:
    """The background jobs (imports, overstay detection, statistics) run while the demo serves: a worker
    process beside the server, stopped with it."""
    import atexit
    import subprocess

    worker = subprocess.Popen([sys.executable, "-m", "openbmis.cli.main", "worker"], stdin=subprocess.DEVNULL)

    def stop() -> None:
        if worker.poll() is None:
            worker.terminate()
            try:
                worker.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker.kill()

    atexit.register(stop)
    return worker


def cmd_demo(args: argparse.Namespace) -> int:
    setup_django()
    from django.conf import settings
    from tqdm import tqdm

    from openbmis.demo import seed, test_travellers

    if settings.OPENBMIS_PRODUCTION:
        print(f"openbmis: {seed.PRODUCTION_REFUSAL}", file=sys.stderr)
        return 2
    settings.CONFIG.data_dir.mkdir(parents=True, exist_ok=True)
    _step(f"preparing the database {settings.DATABASES['default']['NAME']} (migrations)")
    _migrate()
    if args.reset_travellers:
        reset = test_travellers.reset()
        print(f"Test travellers back in their documented state ({reset['travellers']} identities erased with "
              f"{reset['rows_erased']} records; {reset['crossings_recorded']} history crossings recorded).")
        return 0
    from openbmis.inspections.models import Crossing

    if not Crossing.objects.exists():
        _step(f"generating {args.crossings:,} synthetic crossings over 90 days (first run only, about a minute)")
    # The bar is drawn on a terminal; elsewhere (make, CI, a log) a line every 10 %.
    with tqdm(total=args.crossings, unit="crossing", desc="demo traffic", file=sys.stderr,
              disable=not sys.stderr.isatty()) as bar:
        reported = [0]

        def progress(done: int) -> None:
            bar.update(done - bar.n)
            tenth = done * 10 // max(args.crossings, 1)
            if bar.disable and tenth > reported[0]:
                reported[0] = tenth
                _step(f"  {min(tenth * 10, 100)} % of the demo traffic generated")

        created = seed.load(crossings=args.crossings, progress=progress,
                            on_step=_step)
    print(f"Demo data ready (created: {created['border_posts']} border posts, {created['users']} users, "
          f"{created['crossings']} crossings).")
    print("Test travellers for every path at the counter: docs/demo.md")
    print(f"Demo accounts (password for all: {seed.DEMO_PASSWORD}):")
    for user in seed.USERS:
        where = user.post or "national"
        print(f"  {user.username:<11} {user.role.value:<18} {where}")
    print("Administrators and auditors enrol a TOTP authenticator at first login;"
          " in development mode `openbmis otp USER` prints the current code.")
    if args.no_serve:
        return 0
    if not args.no_worker:
        _start_worker()
        print("Background jobs (imports, overstay detection, statistics) run in a worker beside the server.")
    return _serve(args.host, args.port, args.threads)


def cmd_serve(args: argparse.Namespace) -> int:
    if args.processes < 1:
        print("--processes must be at least 1", file=sys.stderr)
        return 2
    setup_django()
    return _serve(args.host, args.port, args.threads, args.processes)


def cmd_migrate(args: argparse.Namespace) -> int:
    setup_django()
    _migrate(verbosity=1)
    return 0


def cmd_createadmin(args: argparse.Namespace) -> int:
    setup_django()
    from openbmis.accounts import services
    from openbmis.core.errors import DomainError

    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else getpass.getpass("Password: ")
    if not args.password_stdin and getpass.getpass("Password (again): ") != password:
        print("openbmis: the passwords differ", file=sys.stderr)
        return 2
    try:
        user = services.create_user("cli", username=args.username, password=password, full_name=args.full_name)
        services.assign_role("cli", user, "administrator", None)
        # The console is the channel already trusted: it hands over the code the first enrolment needs.
        code = services.issue_totp_enrolment("cli", user)
    except DomainError as exc:
        print(f"openbmis: {exc.message}", file=sys.stderr)
        return 2
    print(f"Administrator {user.username} created; a TOTP authenticator is enrolled at first login.")
    print(f"One-time enrolment code (production asks for it at first login; valid {services.ENROLMENT_CODE_DAYS}"
          f" days): {code}")
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    setup_django()
    from django.core.management import call_command

    from openbmis.core import schedule

    # Daily jobs (overstay detection, retention) keep themselves going once queued: queue any missing.
    for path in schedule.ensure_all():
        print(f"queued the daily job {path}")
    # At a border-post node: exchange with headquarters every OPENBMIS_SYNC_INTERVAL seconds, beside the jobs.
    from openbmis.network import worker

    exchanger = worker.start_if_node()
    # No code reloader: the product runs installed code, and the demo stops its worker with the server.
    options: dict[str, Any] = {"batch": args.batch, "interval": args.interval, "reload": False}
    if args.queue:
        options["queue_name"] = args.queue
    try:
        call_command("db_worker", **options)
    finally:
        if exchanger is not None:  # let an exchange under way finish (it resumes anyway if cut)
            exchanger.stop()
    return 0


def cmd_token_create(args: argparse.Namespace) -> int:
    setup_django()
    from openbmis.accounts import services
    from openbmis.core.errors import DomainError

    try:
        user = services.get_user(args.username)
        _token, secret = services.create_token("cli", user, name=args.name, scopes=args.scope,
                                               expires_in_days=args.expires_days)
    except DomainError as exc:
        print(f"openbmis: {exc.message}", file=sys.stderr)
        return 2
    print(secret)
    return 0


def cmd_token_revoke(args: argparse.Namespace) -> int:
    setup_django()
    from openbmis.accounts import services
    from openbmis.accounts.models import ApiToken
    from openbmis.core.errors import DomainError

    token = ApiToken.objects.select_related("user").filter(prefix=args.prefix).first()
    if token is None:
        print(f"openbmis: no token with prefix {args.prefix!r}", file=sys.stderr)
        return 2
    try:
        services.revoke_token("cli", token)
    except DomainError as exc:
        print(f"openbmis: {exc.message}", file=sys.stderr)
        return 2
    print(f"revoked {token.prefix} ({token.user.username}/{token.name})")
    return 0


def cmd_audit_verify(args: argparse.Namespace) -> int:
    setup_django()
    from tqdm import tqdm

    from openbmis.audit import services
    from openbmis.audit.models import AuditEvent

    total = AuditEvent.objects.count()
    with tqdm(total=total, unit="event", disable=args.quiet or not sys.stderr.isatty(), file=sys.stderr) as bar:
        seen = 0

        def progress(n: int) -> None:
            nonlocal seen
            bar.update(n - seen)
            seen = n

        report = services.verify(progress, checkpoint_file=args.checkpoints, public_key_file=args.public_key)
    from openbmis.network.services import verify_origin_chains

    origins = verify_origin_chains()  # every border-post node's chain, as headquarters received it
    for origin in origins:
        state = "intact" if origin.ok else "BROKEN"
        print(f"audit chain of node {origin.node_id} ({origin.border_post}) {state}: {origin.checked} events")
        for message in origin.problems:
            print(f"  - {message}")
    if report.anchored_seq:
        behind = report.head_seq - report.anchored_seq
        anchored = (f"signed checkpoint at #{report.anchored_seq} ({report.anchored_at})"
                    + (f"; {behind} later event(s) not yet checkpointed" if behind > 0 else ""))
    else:
        anchored = "no signed checkpoint yet (run `openbmis audit checkpoint`)"
    if report.ok:
        print(f"audit chain intact: {report.checked} events, head #{report.head_seq} {report.head_hash}")
        print(f"anchored: {anchored}")
        return 0 if all(origin.ok for origin in origins) else 1
    print(f"audit chain BROKEN ({len(report.problems)} problem(s) in {report.checked} events):")
    for problem in report.problems:
        print(f"  - [{problem.kind}] {problem.message}")
    print(f"anchored: {anchored}")
    return 1


def cmd_audit_checkpoint(args: argparse.Namespace) -> int:
    setup_django()
    from openbmis.audit import services

    written = services.checkpoint()
    if written is None:
        print("the audit chain is empty: nothing to checkpoint")
        return 0
    print(f"checkpoint signed: {written.origin} #{written.seq} {written.hash}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    setup_django()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    problems = 0
    config = settings.CONFIG
    print(f"mode: {config.mode}; database: {connection.vendor}; data dir: {config.data_dir}")
    try:
        call_command("check", deploy=config.mode == "production", fail_level="ERROR")
    except Exception as exc:  # noqa: BLE001 - the check command's own failure is the report
        print(f"system check failed: {exc}")
        problems += 1
    try:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if pending:
            print(f"{len(pending)} migration(s) not applied: run `openbmis migrate`")
            problems += 1
        else:
            print("database reachable; migrations up to date")
    except Exception as exc:  # noqa: BLE001 - report any connection problem in words
        print(f"database not reachable: {exc}")
        problems += 1
    return 1 if problems else 0


def cmd_otp(args: argparse.Namespace) -> int:
    setup_django()
    import pyotp
    from django.conf import settings

    from openbmis.accounts.models import User

    if not settings.DEBUG:
        print("openbmis: `otp` only works in development mode", file=sys.stderr)
        return 2
    user = User.objects.filter(username=args.username).first()
    if user is None or not user.totp_secret:
        print(f"openbmis: {args.username!r} has no TOTP secret yet (log in once to enrol)", file=sys.stderr)
        return 2
    print(pyotp.TOTP(user.totp_secret).now())
    return 0


def _add_serve_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default=DEFAULT_HOST, help=f"address to listen on (default {DEFAULT_HOST})")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
    parser.add_argument("--threads", type=int, default=8, help="worker threads (default 8)")


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser("demo", help="migrate, load the demo data set and serve it")
    _add_serve_options(p)
    p.add_argument("--no-serve", action="store_true", help="prepare the demo but do not start the server")
    p.add_argument("--no-worker", action="store_true",
                   help="do not run the background worker beside the server (run `openbmis worker` yourself)")
    p.add_argument("--reset-travellers", action="store_true",
                   help="put the documented test travellers back in their documented state, then exit")
    p.add_argument("--crossings", type=int, default=100_000,
                   help="synthetic crossings over the last 90 days, generated once (default 100000)")
    p.set_defaults(handler=cmd_demo)

    p = subparsers.add_parser("serve", help="serve the web UI and API")
    _add_serve_options(p)
    p.add_argument("--processes", type=int, default=1,
                   help="server processes sharing the port, each with its threads (default 1); one process runs "
                        "Python on one core at a time, so give up to one per core on PostgreSQL (docs/install.md)")
    p.set_defaults(handler=cmd_serve)

    p = subparsers.add_parser("migrate", help="create or update the database schema")
    p.set_defaults(handler=cmd_migrate)

    p = subparsers.add_parser("createadmin", help="create a national administrator")
    p.add_argument("username")
    p.add_argument("--full-name", default="")
    p.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    p.set_defaults(handler=cmd_createadmin)

    p = subparsers.add_parser("worker", help="run background jobs")
    p.add_argument("--batch", action="store_true", help="run the jobs that are waiting, then exit")
    p.add_argument("--interval", type=float, default=1.0, help="seconds between polls (default 1)")
    p.add_argument("--queue", help="only this queue")
    p.set_defaults(handler=cmd_worker)

    token = subparsers.add_parser("token", help="API tokens").add_subparsers(dest="token_command", metavar="ACTION")
    p = token.add_parser("create", help="create a token for USER and print it (shown once)")
    p.add_argument("username")
    p.add_argument("--scope", action="append", required=True, help="a scope such as borderposts:read (repeatable)")
    p.add_argument("--name", default="cli")
    p.add_argument("--expires-days", type=int)
    p.set_defaults(handler=cmd_token_create)
    p = token.add_parser("revoke", help="revoke the token with this prefix")
    p.add_argument("prefix")
    p.set_defaults(handler=cmd_token_revoke)

    audit = subparsers.add_parser("audit", help="audit trail").add_subparsers(dest="audit_command", metavar="ACTION")
    p = audit.add_parser("verify", help="recompute the hash chain; exit 1 and name each break")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--checkpoints", type=Path, help="a copy of the checkpoint file to compare the chain with "
                   "(default OPENBMIS_AUDIT_CHECKPOINT_FILE)")
    p.add_argument("--public-key", type=Path, help="the checkpoints' Ed25519 public key (PEM; default the "
                   ".pub beside OPENBMIS_AUDIT_SIGNING_KEY_FILE)")
    p.set_defaults(handler=cmd_audit_verify)
    p = audit.add_parser("checkpoint", help="sign the chain head now and append it to the checkpoint file")
    p.set_defaults(handler=cmd_audit_checkpoint)

    p = subparsers.add_parser("check", help="check configuration, database and migrations")
    p.set_defaults(handler=cmd_check)

    p = subparsers.add_parser("otp", help="print a user's current TOTP code (development mode only)")
    p.add_argument("username")
    p.set_defaults(handler=cmd_otp)
