"""The stack itself: every part up, nginx in front with the right headers
and limits, and a pool that survives losing a worker."""
import os
import signal
import socket
import time
from pathlib import Path

from conftest import api, request

CSP = ("default-src 'self'; script-src 'self'; worker-src 'self'; object-src 'none'; "
       "base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
POOLS = {"auth": 2, "portal": 3, "sync": 4, "nodb": 1}


def header_list(raw, name):
    return [v for k, v in raw if k.lower() == name.lower()]


def assert_security_headers(raw):
    assert header_list(raw, "X-Content-Type-Options") == ["nosniff"]
    assert header_list(raw, "Content-Security-Policy") == [CSP]
    assert header_list(raw, "Referrer-Policy") == ["no-referrer"]
    assert not header_list(raw, "Server") or \
        header_list(raw, "Server") == ["nginx"]  # server_tokens off


def assert_api_error(status, headers, body, want_status, code):
    assert status == want_status, body
    assert headers["content-type"].startswith("application/json")
    assert headers["cache-control"] == "no-store"
    assert isinstance(body, dict) and body["ok"] is False, body
    assert body["error"]["code"] == code


def test_every_part_runs(stack):
    run = stack.var / "run"
    assert (run / "mariadb.sock").is_socket()
    for prog in POOLS:
        sock = run / f"{prog}.sock"
        with socket.socket(socket.AF_UNIX) as s:
            s.connect(str(sock))
        # Only root and nginx's workers' group may connect (see stack.py).
        assert sock.stat().st_mode & 0o007 == 0
    assert (stack.conf.stat().st_mode & 0o777) == 0o600
    # 32 raw bytes as the stack made it, or a key set once a test rotated it.
    key = stack.var / "secret.key"
    assert (key.stat().st_mode & 0o777) == 0o600
    raw = key.read_bytes()
    assert len(raw) == 32 or b" current" in raw


def test_static_index_has_security_headers(stack):
    status, raw, body = request("/", method="GET")
    assert status == 200
    assert header_list(raw, "Content-Type")[0].startswith("text/html")
    assert_security_headers(raw)
    assert not header_list(raw, "Cache-Control")


def test_api_answers_json_with_its_headers(stack):
    status, raw, _ = request("/api/sync", b"PING", {
        "Content-Type": "application/x-infosys-command"})
    assert status == 401
    assert_security_headers(raw)
    # nginx adds these once; the program's own copies are hidden.
    assert header_list(raw, "Cache-Control") == ["no-store"]
    status, headers, body = api("/api/sync", "PING")
    assert_api_error(status, headers, body, 401, "AUTH_REQUIRED")


def test_auth_body_over_8k_is_refused_by_nginx(stack):
    status, headers, body = api("/api/auth", "X" * 9 * 1024)
    assert_api_error(status, headers, body, 413, "TOO_LARGE")
    status, headers, body = api("/api/portal", "X" * 9 * 1024)
    assert_api_error(status, headers, body, 413, "TOO_LARGE")


def test_sync_body_over_1m_is_refused_by_nginx(stack):
    status, headers, body = api("/api/sync", b"X" * (1024 * 1024 + 102400))
    assert_api_error(status, headers, body, 413, "TOO_LARGE")
    # Just under the limit reaches the program (no key: 401).
    status, headers, body = api("/api/sync", b"PING\n" * 200000)
    assert status != 413, body


def test_unknown_api_path_is_json_404(stack):
    status, headers, body = api("/api/nothing", "PING")
    assert_api_error(status, headers, body, 404, "NOT_FOUND")


def pool_children(pid):
    kids = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        kids += (task / "children").read_text().split()
    return sorted(int(k) for k in kids)


def test_killed_worker_is_replaced(stack):
    master = int((stack.var / "run" / "sync.pid").read_text())
    before = pool_children(master)
    assert len(before) == POOLS["sync"]
    os.kill(before[0], signal.SIGKILL)
    deadline = time.monotonic() + 5
    while True:
        now = pool_children(master)
        if len(now) == len(before) and before[0] not in now:
            break
        assert time.monotonic() < deadline, f"pool still {now}"
        time.sleep(0.1)
    for _ in range(20):
        status, headers, body = api("/api/sync", "PING")
        assert_api_error(status, headers, body, 401, "AUTH_REQUIRED")
