"""A real server for attacks on authentication: waitress on 127.0.0.1:8102 in a thread, and a small cookie-keeping
HTTP client that fills in the CSRF token as a browser would."""

from __future__ import annotations

import http.cookiejar
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

import pytest

SERVED_PORT = 8102


@dataclass
class Answer:
    status: int
    location: str
    body: str


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003 - urllib's signature
        return None


class Visitor:
    """One browser: its own cookies (session, CSRF), no redirects followed."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect)

    def _open(self, request: urllib.request.Request) -> Answer:
        try:
            with self.opener.open(request, timeout=60) as response:
                return Answer(response.status, response.headers.get("Location", ""), response.read().decode())
        except urllib.error.HTTPError as exc:
            return Answer(exc.code, exc.headers.get("Location", ""), exc.read().decode())

    def get(self, path: str, headers: dict[str, str] | None = None) -> Answer:
        return self._open(urllib.request.Request(self.base + path, headers=headers or {}))

    def csrf(self) -> str:
        for cookie in self.jar:
            if cookie.name == "csrftoken":
                return cookie.value
        self.get("/account/login/")
        return next(cookie.value for cookie in self.jar if cookie.name == "csrftoken")

    def post(self, path: str, data: dict[str, str]) -> Answer:
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self.csrf()}).encode()
        request = urllib.request.Request(self.base + path, data=body, method="POST",
                                         headers={"Referer": self.base + path})
        return self._open(request)

    def login(self, username: str, password: str) -> Answer:
        return self.post("/account/login/", {"username": username, "password": password})


@pytest.fixture
def served(transactional_db, fast_hasher):
    """The WSGI application served by waitress, as in production, on the test database."""
    from django.db import connections
    from waitress import wasyncore
    from waitress.server import create_server

    from openbmis.server.wsgi import application

    # Each request closes its connection, so that no server thread keeps the test database open.
    settings_dict = connections.settings["default"]
    kept_age = settings_dict.get("CONN_MAX_AGE", 0)
    settings_dict["CONN_MAX_AGE"] = 0
    deadline = time.monotonic() + 30
    while True:  # the previous test's server may still be letting go of the port
        try:
            server = create_server(application, host="127.0.0.1", port=SERVED_PORT, threads=8, ident="openbmis-test")
            break
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    stop = threading.Event()

    def serve() -> None:
        # waitress's own loop, turned until the test ends; the sockets are closed in this same thread.
        while not stop.is_set():
            wasyncore.loop(timeout=0.05, map=server._map, count=1)
        server.task_dispatcher.shutdown()
        wasyncore.close_all(server._map)

    thread = threading.Thread(target=serve, name="waitress-8102", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{SERVED_PORT}"
    finally:
        stop.set()
        thread.join(timeout=10)
        settings_dict["CONN_MAX_AGE"] = kept_age


@pytest.fixture
def visitor(served):
    """visitor() -> a new browser on the served application."""
    return lambda: Visitor(served)


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
