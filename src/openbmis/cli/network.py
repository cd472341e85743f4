"""Border-post nodes and headquarters: ``openbmis node code|enrol|list|revoke`` and ``openbmis sync``."""

from __future__ import annotations

import argparse
import json
import sys
import time

from openbmis.cli.server import setup_django


def cmd_code(args: argparse.Namespace) -> int:
    setup_django()
    from openbmis.core.errors import DomainError
    from openbmis.network import services

    try:
        code = services.issue_enrolment_code("cli", args.post)
    except DomainError as exc:
        print(f"openbmis node code: {exc.message}", file=sys.stderr)
        return 2
    print(code)
    return 0


def cmd_enrol(args: argparse.Namespace) -> int:
    setup_django()
    from openbmis.core.errors import DomainError
    from openbmis.network import client

    try:
        enrolment = client.enrol(args.hq, args.code)
    except client.Unreachable as exc:
        print(f"openbmis node enrol: {exc}", file=sys.stderr)
        return 1
    except (client.Refused, DomainError) as exc:
        print(f"openbmis node enrol: {getattr(exc, 'message', exc)}", file=sys.stderr)
        return 2
    print(f"enrolled as node {enrolment.node_id} for {enrolment.border_post_code} at {enrolment.hq_url}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    setup_django()
    from django.core.serializers.json import DjangoJSONEncoder

    from openbmis.network import services

    for view in services.node_views():
        print(json.dumps(view.as_dict(), cls=DjangoJSONEncoder))
    return 0


def cmd_revoke(args: argparse.Namespace) -> int:
    setup_django()
    from openbmis.core.errors import DomainError
    from openbmis.network import services

    try:
        services.revoke("cli", services.get_node(args.node), args.reason)
    except DomainError as exc:
        print(f"openbmis node revoke: {exc.message}", file=sys.stderr)
        return 2
    print(f"node {args.node} revoked")
    return 0


def cmd_checksum(args: argparse.Namespace) -> int:
    setup_django()
    from openbmis.network import services

    print(json.dumps(services.checksums(args.post), sort_keys=True))
    return 0


def cmd_sync(args: argparse.Namespace) -> int:
    setup_django()
    from openbmis.network import client, worker

    while True:
        with worker.exclusive():  # one exchange at a time: waits for the worker's, if one is under way
            report = client.sync()
        print(json.dumps(report.as_dict()), flush=True)
        if not args.every:
            return report.status
        time.sleep(args.every)


def cmd_nats_serve(args: argparse.Namespace) -> int:
    setup_django()
    import asyncio
    import signal
    import threading

    from django.conf import settings

    from openbmis.core import installation
    from openbmis.core.errors import DomainError
    from openbmis.network import nats_transport

    try:
        installation.require_hq("serving the nodes over NATS")
    except DomainError as exc:
        print(f"openbmis node nats-serve: {exc.message}", file=sys.stderr)
        return 2
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    url = args.url or settings.OPENBMIS_NATS_URL
    try:
        asyncio.run(nats_transport.serve(url, stop, ready=lambda: print(f"serving the nodes over NATS at {url}",
                                                                          flush=True)))
    except nats_transport.Unreachable as exc:
        print(f"openbmis node nats-serve: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        pass
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser("node", help="border-post nodes: enrolment codes, enrolment, list, revoke")
    sub = parser.add_subparsers(dest="node_command", metavar="ACTION", required=True)
    p = sub.add_parser("code", help="at headquarters: print a one-time enrolment code for a border post")
    p.add_argument("post", help="border post code")
    p.set_defaults(handler=cmd_code)
    p = sub.add_parser("enrol", help="at a node (OPENBMIS_INSTALLATION=bcp:<POST>): enrol with headquarters")
    p.add_argument("--hq", required=True, help="headquarters' URL, e.g. https://bmis.example.gov")
    p.add_argument("--code", required=True, help="the one-time code from `openbmis node code`")
    p.set_defaults(handler=cmd_enrol)
    p = sub.add_parser("list", help="at headquarters: every node, one JSON object a line")
    p.set_defaults(handler=cmd_list)
    p = sub.add_parser("revoke", help="at headquarters: revoke a node")
    p.add_argument("node", help="node id")
    p.add_argument("--reason", required=True)
    p.set_defaults(handler=cmd_revoke)
    p = sub.add_parser("nats-serve", help="at headquarters: apply the nodes' batches and answer their feed requests "
                       "over NATS JetStream (OPENBMIS_SYNC_TRANSPORT=nats at the nodes)")
    p.add_argument("--url", default="", help="NATS server (default OPENBMIS_NATS_URL)")
    p.set_defaults(handler=cmd_nats_serve)
    p = sub.add_parser("checksum", help="count and checksum the records made at a post (compare node and HQ)")
    p.add_argument("post", help="border post code")
    p.set_defaults(handler=cmd_checksum)
    p = subparsers.add_parser(
        "sync", help="at a node: one exchange with headquarters (exit 0 all acknowledged, 1 unreachable, 2 error)")
    p.add_argument("--every", type=float, default=0,
                   help="keep exchanging, this many seconds apart (the exit status is then never returned)")
    p.set_defaults(handler=cmd_sync)
