"""A small HTTP load generator for bench/scan_http.py, run in a process of its own (standard library only).

Reads a JSON job on stdin, writes a JSON report on stdout:

    {"host": "127.0.0.1", "port": 8123, "username": "...", "password": "...",
     "login_path": "/accounts/login/", "page_path": "/staff/cn/scan/", "scan_path": "/staff/cn/scan/",
     "plans": [[[expected_outcome, code], ...], ...],   # one plan a client thread
     "warmup": 25, "seconds": 10.0}

It logs in once through the login form (csrftoken cookie and the form's token, then the session cookie),
opens the scan page for the X-CSRFToken the page's hx-headers give htmx, and then every thread posts its
plan's codes as htmx does. The first `warmup` scans of each plan are untimed; the timed scans start together
and stop when a plan is done or `seconds` have passed. Each response's status and data-outcome are checked.
Only 127.0.0.1 is ever contacted.
"""

import http.client
import json
import re
import sys
import threading
import time
from http.cookies import SimpleCookie
from urllib.parse import urlencode

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
HX_CSRF = re.compile(r"""hx-headers='\{"X-CSRFToken": "([^"]+)"\}'""")
OUTCOME = re.compile(rb'data-outcome="([a-z_]*)"')


class Session:
    """Cookies and a connection to 127.0.0.1; reconnects when the server closes (sync workers always do)."""

    def __init__(self, host: str, port: int, cookies: dict | None = None):
        if host != "127.0.0.1":
            raise SystemExit(f"http_load only talks to 127.0.0.1, not {host}")
        self.host, self.port = host, port
        self.cookies = dict(cookies or {})
        self.connection = http.client.HTTPConnection(host, port, timeout=30)

    def request(self, method: str, path: str, body: str | None = None, headers: dict | None = None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            # A kept-alive connection the server had closed: once more on a new one.
            self.connection.close()
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        content = response.read()
        for header in response.msg.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                self.cookies[name] = morsel.value
        return response.status, response, content


def login(job: dict) -> tuple[dict, str]:
    """Sign in through the form; return the cookies and the X-CSRFToken the scan page hands htmx."""
    session = Session(job["host"], job["port"])
    status, _response, content = session.request("GET", job["login_path"])
    found = CSRF_INPUT.search(content.decode(errors="replace"))
    if status != 200 or not found or "csrftoken" not in session.cookies:
        raise SystemExit(f"login page: HTTP {status}, no CSRF token")
    body = urlencode(
        {"csrfmiddlewaretoken": found.group(1), "username": job["username"], "password": job["password"]}
    )
    status, response, content = session.request("POST", job["login_path"], body)
    if status != 302 or "sessionid" not in session.cookies:
        raise SystemExit(f"login failed: HTTP {status}: {content[:500].decode(errors='replace')}")
    status, _response, content = session.request("GET", job["page_path"])
    found = HX_CSRF.search(content.decode(errors="replace"))
    if status != 200 or not found:
        raise SystemExit(f"scan page: HTTP {status}, no hx-headers CSRF token")
    return session.cookies, found.group(1)


def main() -> int:
    job = json.load(sys.stdin)
    cookies, token = login(job)
    headers = {"X-CSRFToken": token, "HX-Request": "true"}
    plans, warmup = job["plans"], job["warmup"]
    barrier = threading.Barrier(len(plans) + 1)
    state = {"deadline": float("inf"), "start": 0.0}
    results = [None] * len(plans)

    def client(index: int) -> None:
        session = Session(job["host"], job["port"], cookies)
        samples, errors, last = [], [], 0.0

        def scan(expected: str, code: str) -> tuple[float, str | None]:
            started = time.perf_counter()
            status, _response, content = session.request(
                "POST", job["scan_path"], urlencode({"code": code}), headers
            )
            ms = (time.perf_counter() - started) * 1000
            found = OUTCOME.search(content)
            outcome = found.group(1).decode() if found else None
            if status != 200 or outcome != expected:
                return ms, f"{code}: expected {expected}, got HTTP {status} {outcome!r}: {content[:300]!r}"
            return ms, None

        try:
            for expected, code in plans[index][:warmup]:
                _ms, error = scan(expected, code)
                if error:
                    errors.append(error)
        finally:
            barrier.wait()
        for expected, code in plans[index][warmup:]:
            if time.perf_counter() >= state["deadline"]:
                break
            ms, error = scan(expected, code)
            last = time.perf_counter()
            samples.append(ms)
            if error:
                errors.append(error)
        results[index] = {"samples": samples, "errors": errors, "last": last}

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(len(plans))]
    for thread in threads:
        thread.start()
    barrier.wait()  # every client has warmed up
    state["start"] = time.perf_counter()
    state["deadline"] = state["start"] + job["seconds"]
    for thread in threads:
        thread.join()
    done = [r for r in results if r is not None]
    if len(done) != len(plans):
        raise SystemExit("a client thread failed")
    samples = [ms for r in done for ms in r["samples"]]
    errors = [e for r in done for e in r["errors"]]
    elapsed = max(r["last"] for r in done) - state["start"]
    json.dump(
        {"samples": samples, "errors": errors[:20], "n_errors": len(errors), "elapsed": elapsed}, sys.stdout
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
