"""Integration tests talk to a real stack through nginx, like a client would.

tools/run_tests.py brings a stack up and names it in the environment:
INFOSYS_TEST_VAR (its DIR), INFOSYS_TEST_PORT, INFOSYS_TEST_BIN. Run with
plain pytest and no such variables, this file brings its own stack up in
var/pytest on port 18090 ($INFOSYS_PYTEST_PORT to change) (programs from $INFOSYS_TEST_BIN, else bin/) and
down again at the end.

Helpers, importable as `from conftest import api, ctl, create_facility`:
    api(path, body, headers=None, content_type=..., method="POST")
        -> (status, headers dict with lower-case names, JSON or text)
    sync(key, body, pc="PC-1", headers=None, **kw) -> api() on /api/sync
        with the facility's sync key and the PC's name
    sql(query) -> rows (lists of strings) of SQL run as the database admin
    ctl(*args, stdin=None) -> CompletedProcess of infosysctl on the stack
    create_facility(code, name) -> the facility's sync key
    add_user(code, user, role, password)
"""
import http.client
import json
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

REPO = Path(__file__).resolve().parents[2]
PYTHON = "/usr/bin/python3"
CONTENT_TYPE = "application/x-infosys-command"
sys.path.insert(0, str(REPO / "tools"))
from run_tests import TEST_STACK  # noqa: E402  (one definition of the test stack)


def _env_stack():
    var = os.environ.get("INFOSYS_TEST_VAR")
    if not var:
        return None
    port = int(os.environ["INFOSYS_TEST_PORT"])
    return SimpleNamespace(
        var=Path(var).resolve(), port=port,
        bin=Path(os.environ["INFOSYS_TEST_BIN"]).resolve(),
        base_url=f"http://127.0.0.1:{port}",
        conf=Path(var).resolve() / "infosys.conf")


def stack_cmd(*args):
    return [PYTHON, str(REPO / "tools" / "stack.py")] + list(args)


@pytest.fixture(scope="session")
def stack():
    """The stack under test: base_url, var, bin, conf, port."""
    given = _env_stack()
    if given:
        yield given
        return
    var = REPO / "var" / "pytest"
    port = os.environ.get("INFOSYS_PYTEST_PORT", "18090")
    bindir = Path(os.environ.get("INFOSYS_TEST_BIN", REPO / "bin")).resolve()
    subprocess.run(stack_cmd("up", "--var", str(var), "--port", port,
                             "--bin", str(bindir), "--fresh", *TEST_STACK),
                   check=True)
    os.environ.update(INFOSYS_TEST_VAR=str(var), INFOSYS_TEST_PORT=port,
                      INFOSYS_TEST_BIN=str(bindir))
    try:
        yield _env_stack()
    finally:
        subprocess.run(stack_cmd("down", "--var", str(var)))
        for name in ("INFOSYS_TEST_VAR", "INFOSYS_TEST_PORT",
                     "INFOSYS_TEST_BIN"):
            os.environ.pop(name, None)


def _current():
    s = _env_stack()
    if s is None:
        raise RuntimeError("no test stack: use the `stack` fixture first")
    return s


def request(path, body=b"", headers=None, method="POST", timeout=30):
    """One HTTP exchange; returns (status, list of (name, value), bytes)."""
    s = _current()
    conn = http.client.HTTPConnection("127.0.0.1", s.port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, resp.getheaders(), resp.read()
    finally:
        conn.close()


def api(path, body, headers=None, content_type=CONTENT_TYPE, method="POST"):
    """Sends body to path; returns (status, headers, parsed JSON or text)."""
    hdrs = dict(headers or {})
    if content_type is not None:
        hdrs.setdefault("Content-Type", content_type)
    if isinstance(body, str):
        body = body.encode()
    status, raw, data = request(path, body, hdrs, method)
    lower = {}
    for name, value in raw:
        key = name.lower()
        lower[key] = f"{lower[key]}, {value}" if key in lower else value
    text = data.decode("utf-8", errors="replace")
    try:
        return status, lower, json.loads(text)
    except ValueError:
        return status, lower, text


@pytest.fixture
def api_call(stack):
    """api() for tests that prefer a fixture over an import."""
    return api


def ctl(*args, stdin=None, check=True):
    """Runs infosysctl with the test stack's configuration."""
    s = _current()
    env = dict(os.environ, INFOSYS_CONF=str(s.conf))
    r = subprocess.run([str(s.bin / "infosysctl")] + [str(a) for a in args],
                       input=stdin, text=True, capture_output=True, env=env)
    if check and r.returncode != 0:
        sys.stderr.write(r.stdout + r.stderr)
        raise AssertionError(f"infosysctl {args} exited {r.returncode}")
    return r


def create_facility(code, name="Test Facility"):
    """Creates a facility; returns its sync key (the last output line)."""
    return ctl("facility", "create", code, name).stdout.strip() \
        .splitlines()[-1].strip()


def add_user(code, user, role, password):
    ctl("user", "add", code, user, "--role", role, stdin=password + "\n")


def sync(key, body, pc="PC-1", headers=None, **kw):
    """api() on /api/sync as PC `pc` of the facility whose key is `key`."""
    hdrs = {"Authorization": f"Bearer {key}", "Infosys-PC": pc}
    hdrs.update(headers or {})
    return api("/api/sync", body, headers=hdrs, **kw)


def queue_command(fid, line, issuer="alice"):
    """Test-only: what the portal's verbs do (cmdqueue_add), straight into
    the tables: command_due says something waits, then the command; its
    id. A command inserted without the first stays unseen by the empty
    poll (schema/017_command_due.sql)."""
    escaped = line.replace("\\", "\\\\").replace("'", "\\'")
    rows = sql("START TRANSACTION;"
               " INSERT INTO command_due (facility_id, due_at)"
               f" VALUES ({fid}, 0) ON DUPLICATE KEY UPDATE due_at = 0;"
               " INSERT INTO commands (facility_id, line, issuer, created_at)"
               f" VALUES ({fid}, '{escaped}', '{issuer}', UTC_TIMESTAMP());"
               " SELECT LAST_INSERT_ID(); COMMIT;")
    return int(rows[0][0])


def sql(query):
    """Runs SQL as the database admin; rows as lists of strings."""
    s = _current()
    r = subprocess.run(["mariadb", "--no-defaults",
                        f"--socket={s.var / 'run' / 'mariadb.sock'}",
                        "-u", "root", "-N", "-B", "infosys"], input=query,
                       capture_output=True, text=True, check=True)
    return [line.split("\t") for line in r.stdout.splitlines()]
