"""infosysctl against the test stack's MariaDB: migrations, facility keys,
users, usage errors and the application account's least privilege."""
import configparser
import hashlib
import os
import re
import secrets
import subprocess

import pytest

from conftest import ctl


def conf(stack):
    c = configparser.ConfigParser(interpolation=None,
                                  comment_prefixes=("#", ";"))
    c.read(stack.conf)
    return c


def sql_root(stack, sql):
    """Runs SQL as the server's root account; returns stdout (tab-separated,
    no header)."""
    sock = conf(stack)["database"]["socket"]
    r = subprocess.run(["mariadb", "--no-defaults", f"--socket={sock}",
                        "-u", "root", "-N", "-B", "infosys", "-e", sql],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return r.stdout


def sql_app(stack, sql):
    """Runs SQL as the application account; returns the CompletedProcess.
    The password goes through the environment, not the command line."""
    c = conf(stack)["database"]
    env = dict(os.environ, MYSQL_PWD=c["password"])
    return subprocess.run(["mariadb", "--no-defaults",
                           f"--socket={c['socket']}", "-u", c["user"],
                           "-N", "-B", c.get("name", "infosys"), "-e", sql],
                          capture_output=True, text=True, env=env)


def new_code():
    return "T" + secrets.token_hex(4).upper()


def dump(stack):
    """Every row of every table, as text."""
    sock = conf(stack)["database"]["socket"]
    r = subprocess.run(["mariadb-dump", "--no-defaults", f"--socket={sock}",
                        "-u", "root", "--no-create-info", "--skip-comments",
                        "infosys"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return r.stdout


def test_migrate_is_idempotent(stack):
    first = ctl("migrate")
    second = ctl("migrate")
    assert "applied" not in second.stdout
    assert "up to date" in second.stdout
    files = [f for f in os.listdir(conf(stack)["migrate"].get(
        "schema_dir", "schema")) if re.fullmatch(r"\d+_[\w-]+\.sql", f)]
    rows = sql_root(stack, "SELECT name FROM schema_migrations").split()
    assert sorted(rows) == sorted(files)
    assert first.returncode == 0 and second.returncode == 0


def test_facility_create_prints_key_last_and_stores_only_hash(stack):
    code = new_code()
    r = ctl("facility", "create", code, "Clinic Ünïcode")
    lines = r.stdout.strip().splitlines()
    key = lines[-1]
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", key)
    assert code in r.stdout
    stored = sql_root(stack, "SELECT sync_key_hash FROM facilities "
                      f"WHERE code = '{code}'").strip()
    assert stored == hashlib.sha256(key.encode()).hexdigest()
    assert key not in dump(stack)
    assert key not in r.stderr


def test_facility_code_is_unique_case_insensitively(stack):
    code = new_code()
    ctl("facility", "create", code, "One")
    r = ctl("facility", "create", code.lower(), "Two", check=False)
    assert r.returncode == 1
    assert "exists" in r.stderr


def test_rotate_key_replaces_the_key(stack):
    code = new_code()
    old = ctl("facility", "create", code, "Rotating").stdout.split()[-1]
    r = ctl("facility", "rotate-key", code.lower())
    new = r.stdout.strip().splitlines()[-1]
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", new) and new != old
    stored = sql_root(stack, "SELECT sync_key_hash FROM facilities "
                      f"WHERE code = '{code}'").strip()
    assert stored == hashlib.sha256(new.encode()).hexdigest()
    assert new not in dump(stack)
    missing = ctl("facility", "rotate-key", "NOSUCH" + code[:6],
                  check=False)
    assert missing.returncode == 1


def test_facility_list_shows_facilities(stack):
    code = new_code()
    ctl("facility", "create", code, "Listed Clinic")
    out = ctl("facility", "list").stdout
    assert code in out and "Listed Clinic" in out


def test_user_add_stores_argon2id(stack):
    code = new_code()
    ctl("facility", "create", code, "Users")
    ctl("user", "add", code, "alice", "--role", "admin",
        stdin="a long enough password\n")
    row = sql_root(stack, "SELECT u.role, u.password_hash FROM users u "
                   "JOIN facilities f ON f.id = u.facility_id "
                   f"WHERE f.code = '{code}' AND u.name = 'alice'").split()
    assert row[0] == "admin"
    assert re.fullmatch(r"\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]+"
                        r"\$[A-Za-z0-9+/]+", row[1])
    assert "a long enough password" not in dump(stack)
    again = ctl("user", "add", code, "ALICE", "--role", "user",
                stdin="another long password\n", check=False)
    assert again.returncode == 1 and "exists" in again.stderr


def test_user_add_refuses_short_or_empty_password(stack):
    code = new_code()
    ctl("facility", "create", code, "Short")
    for pw in ("", "\n", "elevenchars\n"):
        r = ctl("user", "add", code, "bob", "--role", "user", stdin=pw,
                check=False)
        assert r.returncode == 2, r.stderr
    assert sql_root(stack, "SELECT COUNT(*) FROM users u JOIN facilities f"
                    f" ON f.id = u.facility_id WHERE f.code = '{code}'"
                    ).strip() == "0"


def test_user_add_unknown_facility(stack):
    r = ctl("user", "add", "NOSUCHFAC", "bob", "--role", "user",
            stdin="a long enough password\n", check=False)
    assert r.returncode == 1 and "no facility" in r.stderr


@pytest.mark.parametrize("args", [
    [],
    ["nosuchcommand"],
    ["facility"],
    ["facility", "create", "AB", "Too short a code"],
    ["facility", "create", "ABC-1", "Bad character"],
    ["facility", "create", "ABCD"],
    ["facility", "rotate-key"],
    ["facility", "frobnicate"],
    ["user", "add", "ABCD", "bob"],
    ["user", "add", "ABCD", "bob", "--role", "root"],
    ["user", "add", "ABCD", "bad name", "--role", "user"],
    ["migrate", "extra"],
])
def test_usage_errors_exit_2(stack, args):
    r = ctl(*args, stdin="a long enough password\n", check=False)
    assert r.returncode == 2, (args, r.stdout, r.stderr)
    assert r.stderr.strip()


def test_help(stack):
    r = ctl("help")
    assert "migrate" in r.stdout and "facility create" in r.stdout


def test_database_down_exits_1(stack, tmp_path):
    bad = tmp_path / "bad.conf"
    bad.write_text("[database]\nsocket = /nonexistent/db.sock\n"
                   "user = nobody\n")
    r = subprocess.run([str(stack.bin / "infosysctl"), "--conf", str(bad),
                        "facility", "list"], capture_output=True, text=True)
    assert r.returncode == 1 and "unavailable" in r.stderr


def test_app_account_cannot_change_logs(stack):
    ctl("migrate")
    ok = sql_app(stack, "INSERT INTO request_log (ts, request_id, endpoint,"
                 " address, status, duration_us) VALUES (UTC_TIMESTAMP(3),"
                 " 'test00000000000', 'auth', '127.0.0.1', 200, 1);"
                 " SELECT COUNT(*) FROM request_log")
    assert ok.returncode == 0, ok.stderr
    for sql in ("UPDATE request_log SET status = 500",
                "DELETE FROM request_log",
                "UPDATE activity_log SET action = 'x'",
                "DELETE FROM login_log",
                "DROP TABLE request_log",
                "DELETE FROM schema_migrations"):
        r = sql_app(stack, sql)
        assert r.returncode != 0, sql
        assert "denied" in r.stderr, (sql, r.stderr)
    rw = sql_app(stack, "UPDATE users SET failed_logins = failed_logins"
                 " WHERE id = 0")
    assert rw.returncode == 0, rw.stderr


def conf_with(stack, tmp_path, extra):
    """A copy of the stack's configuration with extra lines appended."""
    path = tmp_path / "infosys.conf"
    path.write_text(stack.conf.read_text() + "\n" + extra)
    path.chmod(0o600)
    return dict(os.environ, INFOSYS_CONF=str(path))


def migrate_with(stack, env):
    return subprocess.run([str(stack.bin / "infosysctl"), "migrate"],
                          capture_output=True, text=True, env=env)


def test_migrate_lock_row_is_released(stack):
    assert ctl("migrate").returncode == 0
    assert sql_root(stack, "SELECT COUNT(*) FROM schema_migrate_lock").strip() == "0"


def test_migrate_refuses_while_another_holds_the_lock(stack, tmp_path):
    # The lock is a row (GET_LOCK is per node on Galera): one held by a
    # migrate on another node stops this one, which names the holder.
    sql_root(stack, "INSERT INTO schema_migrate_lock VALUES (1, 'other node', "
             "'tok', UTC_TIMESTAMP(), UTC_TIMESTAMP() + INTERVAL 1 HOUR)")
    try:
        r = migrate_with(stack, conf_with(stack, tmp_path, "[migrate]\nlock_wait = 1\n"))
        assert r.returncode != 0
        assert "another migrate is running (other node" in r.stderr
        # Not released by the loser.
        assert sql_root(stack, "SELECT holder FROM schema_migrate_lock").strip() == "other node"
    finally:
        sql_root(stack, "DELETE FROM schema_migrate_lock")


def test_migrate_takes_over_an_expired_lock(stack):
    # A migrate killed mid-way leaves its row; after it expires the next
    # migrate runs and leaves no row behind.
    sql_root(stack, "INSERT INTO schema_migrate_lock VALUES (1, 'dead', "
             "'tok', UTC_TIMESTAMP() - INTERVAL 2 HOUR, "
             "UTC_TIMESTAMP() - INTERVAL 1 HOUR)")
    r = ctl("migrate")
    assert r.returncode == 0, r.stderr
    assert sql_root(stack, "SELECT COUNT(*) FROM schema_migrate_lock").strip() == "0"


def test_concurrent_migrates_both_finish(stack):
    # The second waits for the first rather than failing or interleaving.
    env = dict(os.environ, INFOSYS_CONF=str(stack.conf))
    procs = [subprocess.Popen([str(stack.bin / "infosysctl"), "migrate"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, env=env) for _ in range(3)]
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    assert sql_root(stack, "SELECT COUNT(*) FROM schema_migrate_lock").strip() == "0"


def test_database_list_fails_over_to_the_next_server(stack, tmp_path):
    # [database] socket is a preference list: a dead first server costs
    # nothing but a refused connect. sync_wait (Galera's wsrep_sync_wait)
    # is harmless on a single server.
    sock = conf(stack)["database"]["socket"]
    text = re.sub(r"^socket = .*$", f"socket = {tmp_path}/gone.sock, {sock}",
                  stack.conf.read_text(), count=1, flags=re.M)
    text = text.replace("[database]\n", "[database]\nsync_wait = 3\n", 1)
    path = tmp_path / "infosys.conf"
    path.write_text(text)
    r = migrate_with(stack, dict(os.environ, INFOSYS_CONF=str(path)))
    assert r.returncode == 0, r.stderr
    assert "up to date" in r.stdout
    # Nothing answers: unavailable, naming no password.
    path.write_text(text.replace(f", {sock}", ""))
    r = migrate_with(stack, dict(os.environ, INFOSYS_CONF=str(path)))
    assert r.returncode != 0 and "unavailable" in r.stderr
