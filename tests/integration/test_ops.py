"""Operations (issue 9, issue 8 item 5): per-program database accounts and
their grants, migrate granting before revoking under live traffic,
migrate --status/--dry-run, db init, GET /api/health and the programs'
refusal to serve an older schema."""
import configparser
import http.client
import os
import secrets
import signal
import subprocess
import threading
import time

import pytest

from conftest import api, create_facility, ctl, request, sql, sync


def conf(stack):
    c = configparser.ConfigParser(interpolation=None,
                                  comment_prefixes=("#", ";"))
    c.read(stack.conf)
    return c


def as_account(stack, account, query):
    """Runs query as one program's account ([database.<account>])."""
    c = conf(stack)
    sec = c[f"database.{account}"] if account != "app" else c["database"]
    env = dict(os.environ, MYSQL_PWD=sec["password"])
    return subprocess.run(["mariadb", "--no-defaults",
                           f"--socket={c['database']['socket']}",
                           "-u", sec["user"], "-N", "-B", "infosys", "-e",
                           query], capture_output=True, text=True, env=env)


def new_code():
    return "O" + secrets.token_hex(4).upper()


# ------------------------------------------------------------- accounts

def test_each_program_has_its_own_account(stack):
    c = conf(stack)
    users = {c[f"database.{a}"]["user"] for a in ("auth", "portal", "sync",
                                                  "purge")}
    users.add(c["database"]["user"])
    assert len(users) == 5
    assert "password" not in c["migrate"], "the programs' file holds no migrator password"
    mig = stack.var / "migrate.conf"
    assert mig.stat().st_mode & 0o077 == 0


@pytest.mark.parametrize("account,query", [
    # sync cannot read or make sessions, only end a user's
    ("sync", "SELECT token_hash FROM sessions"),
    ("sync", "INSERT INTO sessions (token_hash) VALUES ('x')"),
    # no program writes a facility's sync-key hash
    ("portal", "UPDATE facilities SET sync_key_hash = 'x' WHERE id = 0"),
    ("auth", "UPDATE facilities SET sync_key_hash = 'x' WHERE id = 0"),
    ("sync", "UPDATE facilities SET sync_key_hash = 'x' WHERE id = 0"),
    # auth sees no operational data; portal no reset codes
    ("auth", "SELECT * FROM readings"),
    ("auth", "INSERT INTO commands (facility_id) VALUES (0)"),
    ("portal", "SELECT * FROM password_resets"),
    ("portal", "INSERT INTO sessions (token_hash) VALUES ('x')"),
    # logs: insert-only for the programs
    ("sync", "DELETE FROM request_log"),
    ("portal", "UPDATE activity_log SET action = 'x'"),
    # purge deletes old log rows and reads nothing else
    ("purge", "SELECT * FROM users"),
    ("purge", "UPDATE request_log SET status = 1"),
    ("app", "DELETE FROM login_log"),
    # reports from the PCs: staff read them, only the PC writes them
    ("portal", "INSERT INTO report_rows (report_id, n, cells) VALUES (0, 1, 'x')"),
    ("sync", "DELETE FROM report_rows"),
    ("auth", "SELECT * FROM reports"),
])
def test_account_refused_outside_its_grants(stack, account, query):
    r = as_account(stack, account, query)
    assert r.returncode != 0, (account, query)
    assert "denied" in r.stderr, (account, query, r.stderr)


@pytest.mark.parametrize("account,query", [
    ("sync", "DELETE FROM sessions WHERE user_id = 0"),
    ("portal", "UPDATE alarms SET status = status WHERE id = 0"),
    ("auth", "UPDATE users SET failed_logins = failed_logins WHERE id = 0"),
    ("purge", "DELETE FROM request_log WHERE ts < '2000-01-01'"),
    ("app", "SELECT MAX(version) FROM schema_migrations"),
])
def test_account_allowed_its_own_statements(stack, account, query):
    r = as_account(stack, account, query)
    assert r.returncode == 0, (account, query, r.stderr)


def test_db_init_again_keeps_passwords(stack):
    before = stack.conf.read_text()
    r = ctl("db", "init", "--admin", "root")
    assert "accounts ready" in r.stdout
    assert stack.conf.read_text() == before
    assert api("/api/health", b"", method="GET", content_type=None)[0] == 200


# -------------------------------------------------------------- migrate

def test_migrate_status_and_dry_run_when_up_to_date(stack):
    ctl("migrate")
    st = ctl("migrate", "--status")
    assert "0 pending" in st.stdout and "pending " not in st.stdout
    assert "grants: 0 statements" in st.stdout
    dry = ctl("migrate", "--dry-run")
    assert "GRANT" not in dry.stdout and "REVOKE" not in dry.stdout


def test_dry_run_shows_drift_and_changes_nothing(stack):
    user = conf(stack)["database.sync"]["user"]
    sql(f"GRANT UPDATE ON infosys.facilities TO '{user}'@'localhost'")
    try:
        dry = ctl("migrate", "--dry-run")
        assert (f"REVOKE UPDATE ON `infosys`.`facilities` FROM '{user}'"
                in dry.stdout)
        st = ctl("migrate", "--status")
        assert "grants: 1 statement " in st.stdout
        still = as_account(stack, "sync", "UPDATE facilities SET active ="
                           " active WHERE id = 0")
        assert still.returncode == 0, "dry run must not revoke"
    finally:
        ctl("migrate")
    assert as_account(stack, "sync", "UPDATE facilities SET active = active"
                      " WHERE id = 0").returncode != 0


def test_migrate_under_load_never_denies_a_request(stack):
    """Each round gives the sync account privileges it should not hold
    (database-wide and on tables), then migrate takes them away while
    PCs keep pinging: grants first, revokes after, so every PING is
    answered 200 and logged."""
    code = new_code()
    key = create_facility(code)
    pc = "LOAD-" + secrets.token_hex(3).upper()
    user = conf(stack)["database.sync"]["user"]
    stop = threading.Event()
    statuses, lock = [], threading.Lock()

    def pinger():
        while not stop.is_set():
            status, _, _ = sync(key, "PING", pc=pc)
            with lock:
                statuses.append(status)

    threads = [threading.Thread(target=pinger) for _ in range(4)]
    for t in threads:
        t.start()
    try:
        for _ in range(12):
            sql(f"GRANT ALL PRIVILEGES ON infosys.* TO '{user}'@'localhost';"
                f" GRANT ALL PRIVILEGES ON infosys.request_log TO"
                f" '{user}'@'localhost';"
                f" GRANT ALL PRIVILEGES ON infosys.sessions TO"
                f" '{user}'@'localhost'")
            out = ctl("migrate").stdout
            assert "grants:" in out
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert len(statuses) > 50
    assert set(statuses) == {200}, {s: statuses.count(s) for s in set(statuses)}
    logged = sql(f"SELECT COUNT(*) FROM request_log WHERE pc_id = '{pc}'")
    assert int(logged[0][0]) == len(statuses)
    r = as_account(stack, "sync", "SELECT token_hash FROM sessions")
    assert r.returncode != 0, "the drift must be gone after migrate"


# ------------------------------------------------------- health, schema

def restart_workers(stack, prog):
    """Ends the workers of one pool (children of its multiwatch, whose pid
    the stack recorded); multiwatch starts new ones at once."""
    watch = (stack.var / "run" / f"{prog}.pid").read_text().strip()
    children = open(f"/proc/{watch}/task/{watch}/children").read().split()
    for pid in children:
        os.kill(int(pid), signal.SIGTERM)


def test_health_answers_get_without_credentials_and_is_not_logged(stack):
    before = sql("SELECT COUNT(*) FROM request_log")[0][0]
    status, headers, body = api("/api/health", b"", method="GET",
                                content_type=None)
    assert status == 200, body
    assert body["ok"] is True
    d = body["data"]
    assert d["database"] == "ok"
    assert d["schema"] >= d["schema_required"] >= 10
    assert d["auth"] == d["auth_device"] == d["portal"] == d["sync"] == "ok"
    assert headers["cache-control"] == "no-store"
    assert sql("SELECT COUNT(*) FROM request_log")[0][0] == before


def test_health_refuses_post(stack):
    status, headers, _ = api("/api/health", "PING")
    assert status == 405
    assert headers["allow"] == "GET"


def test_older_schema_is_refused_with_503_until_migrated(stack):
    key = create_facility(new_code())
    row = sql("SELECT version, name, checksum, applied_at FROM"
              " schema_migrations ORDER BY version DESC LIMIT 1")[0]
    sql(f"DELETE FROM schema_migrations WHERE version = {row[0]}")
    try:
        # Workers that already saw a new enough schema keep serving
        # (schemas only grow); a fresh worker must refuse. Restarting a
        # worker is what an upgrade does: kill one and let multiwatch
        # start another, then look for a refusal among the answers.
        status, _, body = api("/api/health", b"", method="GET",
                              content_type=None)
        assert status == 503 and body["data"]["schema"] < body["data"]["schema_required"]
        restart_workers(stack, "sync")
        deadline = time.monotonic() + 20
        refused = None
        while time.monotonic() < deadline and refused is None:
            status, _, body = sync(key, "PING")
            # The gate's own refusal: a request nginx had just passed to a
            # stopping worker's connection is a 503 of nginx's.
            if status == 503 and "schema" in body["error"]["message"]:
                refused = body
            time.sleep(0.1)
        assert refused is not None, "a new worker served an older schema"
        assert refused["error"]["code"] == "UNAVAILABLE"
        log = (stack.var / "log" / "sync.log").read_text()
        assert "refusing requests until `infosysctl migrate` has run" in log
    finally:
        sql("INSERT INTO schema_migrations (version, name, checksum,"
            f" applied_at) VALUES ({row[0]}, '{row[1]}', '{row[2]}',"
            f" '{row[3]}')")
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if all(sync(key, "PING")[0] == 200 for _ in range(8)):
            break
        time.sleep(0.5)
    assert all(sync(key, "PING")[0] == 200 for _ in range(8))


# ------------------------------------------------------------ retention

def test_purge_deletes_only_rows_past_their_retention(stack):
    keep_code, short_code = new_code(), new_code()
    create_facility(keep_code)
    create_facility(short_code)
    ids = dict(sql("SELECT code, id FROM facilities WHERE code IN"
                   f" ('{keep_code}', '{short_code}')"))
    marker = "P" + secrets.token_hex(6)

    def add(fid, days):
        sql("INSERT INTO request_log (ts, request_id, endpoint, facility_id,"
            " address, status, duration_us) VALUES (UTC_TIMESTAMP(3) -"
            f" INTERVAL {days} DAY, '{marker}', 'sync', {fid}, '127.0.0.1',"
            " 200, 1)")

    for fid in (ids[keep_code], ids[short_code]):
        for days in (100, 20):
            add(fid, days)
    original = stack.conf.read_text()
    # the facility override: 10 days for one facility, 90 by default
    stack.conf.write_text(original + f"\n[retention.{short_code}]\n"
                          "request_log = 10\n")
    try:
        out = ctl("purge", "--table", "request_log").stdout
    finally:
        stack.conf.write_text(original)
    assert out.startswith("request_log: ")
    left = sql("SELECT facility_id, DATEDIFF(UTC_TIMESTAMP(), ts) FROM"
               f" request_log WHERE request_id = '{marker}' ORDER BY 1, 2")
    assert left == [[ids[keep_code], "20"]]
    # the programs' accounts still cannot delete a log row
    assert as_account(stack, "sync", "DELETE FROM request_log WHERE"
                      f" request_id = '{marker}'").returncode != 0


def test_purge_older_than_applies_to_every_table(stack):
    out = ctl("purge", "--older-than", "36500").stdout
    for table in ("request_log", "login_log", "activity_log", "sync_log",
                  "readings", "queue_history", "mail_outbox"):
        assert f"{table}: " in out
    bad = ctl("purge", "--older-than", "0", check=False)
    assert bad.returncode == 2


# -------------------------------------------------------------- metrics

def metric(text, line_prefix):
    for line in text.splitlines():
        if line.startswith(line_prefix + " "):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def test_metrics_count_requests_without_a_database_write(stack):
    key = create_facility(new_code())
    ping = 'infosys_requests_total{endpoint="sync",verb="PING",code="OK"}'
    status, headers, before = request("/metrics", method="GET")
    assert status == 200
    assert headers and dict(headers)["Content-Type"].startswith("text/plain; version=0.0.4")
    logged = sql("SELECT COUNT(*) FROM request_log")[0][0]
    for _ in range(3):
        assert sync(key, "PING")[0] == 200
    assert sync("wrong-key", "PING")[0] == 401
    _, _, after = request("/metrics", method="GET")
    before, after = before.decode(), after.decode()
    assert metric(after, ping) - metric(before, ping) >= 3
    assert metric(after, 'infosys_requests_total{endpoint="sync",verb="PING",'
                  'code="AUTH_REQUIRED"}') + metric(
        after, 'infosys_requests_total{endpoint="sync",verb="PING",'
        'code="AUTH_FAILED"}') >= 1
    assert "# TYPE infosys_request_duration_seconds histogram" in after
    assert metric(after, 'infosys_request_duration_seconds_count{endpoint="sync"}') >= 4
    # the scrapes themselves are not logged
    assert int(sql("SELECT COUNT(*) FROM request_log")[0][0]) == int(logged) + 4


def test_metrics_only_for_local_scrapers(stack):
    s = http.client.HTTPConnection("127.0.0.1", stack.port, timeout=10,
                                   source_address=("127.0.7.1", 0))
    try:
        s.request("GET", "/metrics")
        assert s.getresponse().status == 403
    finally:
        s.close()
    assert request("/metrics", method="POST")[0] == 405


# ---------------------------------------------------------- operator CLI

def test_facility_disable_stops_its_pcs_until_enabled(stack):
    code = new_code()
    key = create_facility(code)
    assert sync(key, "PING")[0] == 200
    assert f"facility {code} disabled" in ctl("facility", "disable", code).stdout
    assert sync(key, "PING")[0] == 401
    ctl("facility", "enable", code)
    assert sync(key, "PING")[0] == 200
    actions = sql("SELECT action FROM activity_log WHERE target = "
                  f"'{code}' ORDER BY id")
    assert [a[0] for a in actions][-2:] == ["facility.disable", "facility.enable"]
    missing = ctl("facility", "disable", "NOSUCH1", check=False)
    assert missing.returncode == 1 and "no facility" in missing.stderr
