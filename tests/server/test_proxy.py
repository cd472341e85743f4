"""Behind the documented TLS proxy: with OPENBMIS_TRUSTED_PROXY the proxy's X-Forwarded-Proto is believed, so
login passes CSRF and HSTS is sent; from anyone else the header is dropped (a client cannot claim https)."""

from __future__ import annotations

import http.client
import re
from urllib.parse import urlencode, urlsplit

import pytest
from tests.server.attack_server import served

pytestmark = [pytest.mark.xdist_group("live_server"), pytest.mark.slow]


def _request(url: str, method: str, path: str, headers: dict[str, str], body: str | None = None):
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response.status, response.getheaders(), data


def _cookies(headers: list[tuple[str, str]]) -> dict[str, str]:
    jar = {}
    for name, value in headers:
        if name.lower() == "set-cookie":
            key, _, rest = value.partition("=")
            jar[key] = rest.split(";", 1)[0]
    return jar


def _login(url: str, forwarded: dict[str, str]) -> tuple[int, dict[str, str], list[tuple[str, str]]]:
    """GET the login page then POST the form as a browser behind the proxy would (the proxy adds `forwarded`)."""
    host = urlsplit(url).netloc
    status, headers, page = _request(url, "GET", "/account/login/", {"Host": host, **forwarded})
    assert status == 200, page[:300]
    cookies = _cookies(headers)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
    form = urlencode({"csrfmiddlewaretoken": token, "username": "analyst", "password": "live-test-pw-7f3a9c"})
    status, headers, _ = _request(url, "POST", "/account/login/", {
        "Host": host, "Origin": f"https://{host}", "Referer": f"https://{host}/account/login/",
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()), **forwarded}, form)
    return status, dict(headers), headers


def test_login_through_the_trusted_proxy_passes_csrf_and_sends_hsts(tmp_path):
    with served(tmp_path, extra_env={"OPENBMIS_TRUSTED_PROXY": "127.0.0.1"}) as live:
        status, headers, raw = _login(live.url, {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"})
        assert status == 302, headers
        assert "Strict-Transport-Security" in headers and "max-age=31536000" in headers["Strict-Transport-Security"]
        session = [v for k, v in raw if k.lower() == "set-cookie" and v.startswith("sessionid=")]
        assert session and "Secure" in session[0]


def test_without_a_trusted_proxy_a_client_cannot_claim_https(tmp_path):
    with served(tmp_path) as live:
        status, headers, _ = _login(live.url, {"X-Forwarded-Proto": "https"})
        assert status == 403  # CSRF: the request is plain http, its https Origin does not match
        assert "Strict-Transport-Security" not in headers
