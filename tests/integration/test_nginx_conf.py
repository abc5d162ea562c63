"""The nginx template: the production example is current and does what it
says (TLS 1.3 only, HSTS, redirect, headers), and nginx's own refusals on
the local config speak the protocol's JSON. Needs no running stack."""
import http.client
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tools"))
import render_nginx  # noqa: E402


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def workdir():
    # Not pytest's tmp_path: nginx's workers (www-data/nobody) must be able
    # to traverse it, and pytest's directories are 0700.
    d = Path(tempfile.mkdtemp(prefix="infosys-nginx-"))
    d.chmod(0o755)
    (d / "www").mkdir()
    (d / "www" / "index.html").write_text("<!doctype html><title>t</title>\n")
    (d / "temp").mkdir()
    (d / "run").mkdir()  # the sockets, nginx's own events.sock among them
    yield d
    shutil.rmtree(d, ignore_errors=True)


class Nginx:
    """A private nginx on a rendered config, stopped by its pid."""

    def __init__(self, workdir, text):
        self.dir, self.conf = workdir, workdir / "nginx.conf"
        self.conf.write_text(text)
        self.argv = ["nginx", "-c", str(self.conf), "-p", str(workdir),
                     "-e", str(workdir / "error.log")]

    def check(self):
        r = subprocess.run(self.argv + ["-t"], capture_output=True,
                           text=True)
        assert r.returncode == 0, r.stderr

    def start(self):
        self.check()
        subprocess.run(self.argv, check=True)
        pidfile = self.dir / "nginx.pid"
        deadline = time.monotonic() + 5
        while not pidfile.exists():
            assert time.monotonic() < deadline, "nginx wrote no pid"
            time.sleep(0.05)
        self.pid = int(pidfile.read_text())

    def stop(self):
        os.kill(self.pid, signal.SIGTERM)
        deadline = time.monotonic() + 5
        while os.path.exists(f"/proc/{self.pid}") and \
                time.monotonic() < deadline:
            time.sleep(0.05)


def self_signed(workdir):
    cert, key = workdir / "cert.pem", workdir / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048",
                    "-nodes", "-keyout", str(key), "-out", str(cert),
                    "-days", "1", "-subj", "/CN=localhost"],
                   check=True, capture_output=True)
    return cert, key


def prod_values(workdir, http_port, https_port):
    cert, key = self_signed(workdir)
    return dict(render_nginx.PROD_DEFAULTS,
                PID=workdir / "nginx.pid", LOG_DIR=workdir,
                TEMP_DIR=workdir / "temp",
                HTTP_LISTEN=f"127.0.0.1:{http_port}",
                HTTPS_LISTEN=f"127.0.0.1:{https_port}",
                CERT=cert, CERT_KEY=key, WWW=workdir / "www",
                SOCK_DIR=workdir / "run")


def client_context(max_version=None):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    if max_version:
        ctx.maximum_version = max_version
    return ctx


def test_example_is_fresh_rendering():
    assert (REPO / "nginx.conf.example").read_text() == \
        render_nginx.render_example(), \
        "run: tools/render_nginx.py --example > nginx.conf.example"


def test_example_sets_production_policy():
    text = render_nginx.render_example()
    assert "ssl_protocols TLSv1.3;" in text
    assert "max-age=63072000; includeSubDomains" in text
    assert "unix:/run/infosys/auth.sock" in text
    assert "root /usr/local/share/infosys/www;" in text
    assert "# real_ip_header X-Forwarded-For;" in text
    assert "/bench/nodb" not in text


def test_production_config_tls13_only(workdir):
    http_port, https_port = free_port(), free_port()
    nginx = Nginx(workdir, render_nginx.render(
        "prod", prod_values(workdir, http_port, https_port)))
    nginx.start()
    try:
        with pytest.raises((ssl.SSLError, ConnectionResetError)):
            with socket.create_connection(("127.0.0.1", https_port), 5) as s:
                with client_context(ssl.TLSVersion.TLSv1_2).wrap_socket(s):
                    pass

        conn = http.client.HTTPSConnection(
            "127.0.0.1", https_port, timeout=5, context=client_context())
        conn.request("GET", "/")
        resp = conn.getresponse()
        resp.read()
        assert conn.sock.version() == "TLSv1.3"
        assert resp.status == 200
        assert resp.getheader("Strict-Transport-Security") == \
            "max-age=63072000; includeSubDomains"
        assert resp.getheader("X-Content-Type-Options") == "nosniff"
        assert "script-src 'self'" in resp.getheader(
            "Content-Security-Policy")
        assert resp.getheader("Referrer-Policy") == "no-referrer"
        conn.close()

        conn = http.client.HTTPConnection("127.0.0.1", http_port, timeout=5)
        conn.request("GET", "/portal?x=1", headers={"Host": "example.test"})
        resp = conn.getresponse()
        assert resp.status == 301
        assert resp.getheader("Location") == "https://example.test/portal?x=1"
        conn.close()
    finally:
        nginx.stop()


def post(port, path, body=b"PING"):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("POST", path, body=body, headers={
            "Content-Type": "application/x-infosys-command"})
        resp = conn.getresponse()
        return resp.status, resp, json.loads(resp.read())
    finally:
        conn.close()


def test_local_config_refusals_are_protocol_json(workdir):
    """No FastCGI behind it: 502 must come out as 503 UNAVAILABLE; a strict
    auth rate makes nginx's own 429 come out as THROTTLED."""
    port = free_port()
    values = {"USER": "nobody nogroup", "PID": workdir / "nginx.pid",
              "LOG_DIR": workdir, "TEMP_DIR": workdir / "temp",
              "AUTH_RATE": "1r/m", "AUTH_BURST": "1",
              "LISTEN": f"127.0.0.1:{port}", "SERVER_NAME": "localhost",
              "WWW": workdir / "www", "SOCK_DIR": workdir / "run",
              "APP_WWW": workdir / "www", "APP_ORIGIN_MAP": ""}
    nginx = Nginx(workdir, render_nginx.render("local", values))
    nginx.start()
    try:
        status, resp, body = post(port, "/api/portal")
        assert status == 503 and body["error"]["code"] == "UNAVAILABLE"
        assert resp.getheader("Retry-After")
        assert resp.getheader("Content-Type").startswith("application/json")
        assert resp.getheader("Cache-Control") == "no-store"

        post(port, "/api/auth")
        post(port, "/api/auth")
        status, resp, body = post(port, "/api/auth")
        assert status == 429 and body["error"]["code"] == "THROTTLED"
        assert resp.getheader("Retry-After")
        assert resp.getheader("Cache-Control") == "no-store"
    finally:
        nginx.stop()
