"""An upgrade from the first schema, as README "Upgrade" says: a database
that a release with only schema/001 made and used (the rows written here
in SQL, as those programs wrote them), the new programs already running
(they refuse to serve the old schema, 503), then `infosysctl migrate` to
the latest while requests keep coming. Data and sign-in survive: the old
password signs in, the old sync key syncs, a lockout stays, the logs keep
their rows, and nothing answered 500 on the way."""
import ctypes
import ctypes.util
import hashlib
import http.client
import json
import os
import secrets
import shutil
import subprocess
import threading
import time

from authkit import q, remember
from conftest import CONTENT_TYPE, REPO, stack_cmd

PORT = 18271


def get(path):
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, json.loads(resp.read() or b"{}")
    finally:
        conn.close()


def post(path, body, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    try:
        conn.request("POST", path, body=body.encode(),
                     headers={"Content-Type": CONTENT_TYPE, **(headers or {})})
        resp = conn.getresponse()
        return resp.status, json.loads(resp.read() or b"{}")
    finally:
        conn.close()


def root_sql(var, query):
    r = subprocess.run(["mariadb", "--no-defaults",
                        f"--socket={var / 'run' / 'mariadb.sock'}", "-u", "root",
                        "-N", "-B", "infosys"], input=query, text=True,
                       capture_output=True, check=True)
    return [line.split("\t") for line in r.stdout.splitlines()]


def argon2id(password):
    """A PHC string as libsodium's crypto_pwhash_str makes it (the old
    programs' user add)."""
    na = ctypes.CDLL(ctypes.util.find_library("sodium"))
    assert na.sodium_init() >= 0
    out = ctypes.create_string_buffer(128)
    pw = password.encode()
    assert na.crypto_pwhash_str(out, pw, ctypes.c_ulonglong(len(pw)),
                                ctypes.c_ulonglong(2),
                                ctypes.c_size_t(64 << 20)) == 0
    return out.value.decode()


def old_release_data(var, sync_key, passwords):
    """What the programs of schema 001 left behind: a facility, an admin,
    a user, a locked user, and rows in the three logs."""
    key_hash = hashlib.sha256(sync_key.encode()).hexdigest()
    users = ",".join(
        f"(1, '{name}', '{role}', '{argon2id(pw)}', 'active', {fails},"
        f" {locked}, 0, '2024-01-02 03:04:05', {last}, '2024-01-01',"
        " '2024-01-01')"
        for name, role, pw, fails, locked, last in (
            ("olga", "admin", passwords["olga"], 0, "NULL", "'2024-05-01 08:00:00'"),
            ("nils", "user", passwords["nils"], 2, "NULL", "NULL"),
            ("lars", "user", passwords["lars"], 10, "'2024-05-02 09:00:00'", "NULL")))
    root_sql(var, f"""
INSERT INTO facilities (id, code, name, sync_key_hash, active, created_at)
 VALUES (1, 'OLDFAC', 'Old Clinic', '{key_hash}', 1, '2024-01-01');
INSERT INTO users (facility_id, name, role, password_hash, status,
 failed_logins, locked_at, must_change_password, password_changed_at,
 last_login_at, created_at, updated_at) VALUES {users};
INSERT INTO login_log (ts, facility_id, user_name, result, reason, channel,
 device_type, pc_id, address, user_agent) VALUES
 ('2024-05-01 08:00:00.000', 1, 'olga', 'success', NULL, 'web', 'desktop',
  NULL, '10.0.0.5', 'Mozilla/5.0'),
 ('2024-05-02 09:00:00.000', 1, 'lars', 'failure', 'locked', 'pc', 'pc',
  'WARD-PC', '10.0.0.9', NULL);
INSERT INTO activity_log (ts, facility_id, user_name, module, action, target,
 detail, address) VALUES
 ('2024-05-01 08:01:00.000', 1, 'olga', 'users', 'user.unlock', 'nils', NULL,
  '10.0.0.5');
INSERT INTO request_log (ts, request_id, endpoint, verb, params, facility_id,
 user_name, pc_id, address, status, code, duration_us) VALUES
 ('2024-05-02 09:00:01.000', 'a1b2c3d4e5f60718', 'sync', 'PING', '{{}}', 1,
  NULL, 'WARD-PC', '10.0.0.9', 200, NULL, 812);
""")


def test_upgrade_from_the_first_schema_keeps_data_and_sign_in(stack):
    var = REPO / "var" / "pytest-upgrade"
    up = stack_cmd("up", "--var", str(var), "--port", str(PORT),
                   "--bin", str(stack.bin), "--fresh")
    subprocess.run(up, check=True, capture_output=True)
    env = dict(os.environ, INFOSYS_CONF=str(var / "infosys.conf"))

    def ctl(*args):
        return subprocess.run([str(stack.bin / "infosysctl"), *args], env=env,
                              capture_output=True, text=True)
    try:
        # The database as the first release left it.
        root_sql(var, "DROP DATABASE infosys; CREATE DATABASE infosys")
        r = ctl("migrate", "--to", "1")
        assert r.returncode == 0, r.stderr
        assert root_sql(var, "SELECT MAX(version) FROM schema_migrations") == [["1"]]
        sync_key = remember(secrets.token_urlsafe(32))
        passwords = {u: remember("Old-Release-" + secrets.token_urlsafe(9))
                     for u in ("olga", "nils", "lars")}
        old_release_data(var, sync_key, passwords)

        # The new programs refuse the old schema, plainly: 503, not 500
        # (their own database accounts get privileges only from 010 on,
        # so they see a schema they cannot read: 0).
        status, reply = get("/api/health")
        assert status == 503 and reply["data"]["schema"] in (0, 1), reply
        login = (f"LOGIN facility=OLDFAC user=nils"
                 f" password={q(passwords['nils'])}")
        status, reply = post("/api/auth", login)
        assert (status, reply["error"]["code"]) == (503, "UNAVAILABLE"), reply

        # README "Upgrade": migrate --status, then migrate, while the
        # programs keep answering.
        r = ctl("migrate", "--status")
        assert r.returncode == 1 and "pending  002_" in r.stdout, r.stdout
        stop, statuses = threading.Event(), []

        def pinger():
            while not stop.is_set():
                statuses.append(post("/api/sync", "PING", {
                    "Authorization": f"Bearer {sync_key}",
                    "Infosys-PC": "WARD-PC"})[0])
                time.sleep(0.02)
        t = threading.Thread(target=pinger)
        t.start()
        try:
            r = ctl("migrate")
            time.sleep(1.5)     # the programs look again once a second
        finally:
            stop.set()
            t.join()
        assert r.returncode == 0, r.stdout + r.stderr
        assert set(statuses) <= {200, 503}, statuses
        assert statuses[-1] == 200, statuses[-5:]
        assert ctl("migrate", "--status").returncode == 0

        status, reply = get("/api/health")
        assert status == 200 and reply["data"]["schema"] > 1, reply
        # The old password signs in; the admin gets the MFA enrolment
        # the new policy asks of admins; the lock stays.
        status, reply = post("/api/auth", login)
        assert status == 200 and reply["data"]["user"] == "nils", reply
        status, reply = post("/api/auth", "LOGIN facility=oldfac user=olga"
                             f" password={q(passwords['olga'])}")
        assert status == 200 and reply["data"]["role"] == "admin", reply
        status, reply = post("/api/auth", "LOGIN facility=OLDFAC user=lars"
                             f" password={q(passwords['lars'])}")
        assert (status, reply["error"]["code"]) == (401, "AUTH_FAILED")
        # The rows of the first release are all there.
        assert root_sql(var, "SELECT user_name, result, pc_id FROM login_log"
                        " WHERE ts < '2025-01-01' ORDER BY id") == [
            ["olga", "success", "NULL"], ["lars", "failure", "WARD-PC"]]
        assert root_sql(var, "SELECT action, target FROM activity_log WHERE"
                        " ts < '2025-01-01'") == [["user.unlock", "nils"]]
        assert root_sql(var, "SELECT verb, duration_us FROM request_log"
                        " WHERE request_id = 'a1b2c3d4e5f60718'") == [
            ["PING", "812"]]
        assert root_sql(var, "SELECT name, failed_logins, locked_at IS NOT NULL"
                        " FROM users ORDER BY id") == [
            ["olga", "0", "0"], ["nils", "0", "0"], ["lars", "10", "1"]]
        # The operator's checks after an upgrade pass.
        r = ctl("audit", "verify")
        assert r.returncode == 0, r.stdout + r.stderr
        r = ctl("user", "list", "--facility", "OLDFAC")
        assert r.returncode == 0 and "lars" in r.stdout, r.stderr
    finally:
        subprocess.run(stack_cmd("down", "--var", str(var)),
                       capture_output=True)
        shutil.rmtree(var, ignore_errors=True)
