"""Serving from several processes on one port: ``openbmis serve --processes N``.

One Python process runs one request's Python at a time (the GIL), whatever its thread count, so a single
waitress process uses one core for the application however many the machine has. Here the parent opens the
listening socket, forks N children that each run waitress (with its threads) on that same socket, and the
kernel hands each new connection to whichever child accepts it first.

The parent only supervises: a child that ends is replaced (after a pause if it ended at once, so a child that
cannot start does not spin), SIGTERM or SIGINT stops every child, and a child whose parent is gone stops itself.
What a process keeps for itself stays correct with several: database connections are opened after the fork,
the screening snapshot is re-read when the lists' stamp moves, the audit chain is serialised by the database,
and checkpoint lines are appended with single O_APPEND writes (audit/anchors.py).
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import time
from collections.abc import Callable
from types import FrameType

log = logging.getLogger(__name__)

#: A child that ends sooner than this after it started is replaced only after this pause.
RESTART_PAUSE_SECONDS = 1.0


def listening_socket(host: str, port: int) -> socket.socket:
    """The listening socket the children share (IPv4 or IPv6, as the host is written)."""
    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(address)
    sock.listen(1024)
    return sock


def _exit_with_parent(parent: int) -> None:
    """In a child: end when the parent is gone (killed without the chance to stop its children)."""
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def supervise(serve: Callable[[socket.socket], object], sock: socket.socket, processes: int) -> int:
    """Fork ``processes`` children that each call ``serve(sock)``; keep that many until told to stop."""
    if not hasattr(os, "fork"):
        raise SystemExit("--processes above 1 needs a system with fork (Linux, macOS); use --threads here")
    parent = os.getpid()
    children: dict[int, float] = {}
    stopping = False

    def spawn() -> None:
        pid = os.fork()
        if pid == 0:  # the child serves until it is terminated, then leaves without running the parent's code
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            code = 0
            try:
                _exit_with_parent(parent)
                serve(sock)
            except BaseException:
                log.exception("server process %s failed", os.getpid())
                code = 1
            finally:
                os._exit(code)
        children[pid] = time.monotonic()

    def stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True
        for pid in list(children):
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for _ in range(processes):
        spawn()
    while children:
        try:
            pid, status = os.wait()
        except ChildProcessError:
            break
        started = children.pop(pid, None)
        if started is None or stopping:
            continue
        log.warning("server process %s ended (status %s); starting another", pid, status)
        if time.monotonic() - started < RESTART_PAUSE_SECONDS:
            time.sleep(RESTART_PAUSE_SECONDS)
        if not stopping:
            spawn()
    sock.close()
    return 0
