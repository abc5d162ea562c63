"""`infosysctl backup` of a running stack under sync load, `restore` onto
a new stack, and a sign-in there with a password and a sync key made on
the first."""
import http.client
import json
import os
import shutil
import subprocess
import threading

from authkit import q, remember, strong_password
from conftest import (CONTENT_TYPE, REPO, add_user, create_facility, ctl,
                      stack_cmd, sync)
from test_ops import new_code

RESTORE_PORT = 18272 + (os.getpid() % 7)   # 18272-18278: the extra ports


def post(port, path, body, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("POST", path, body=body.encode(),
                     headers={"Content-Type": CONTENT_TYPE, **(headers or {})})
        resp = conn.getresponse()
        return resp.status, json.loads(resp.read())
    finally:
        conn.close()


def root_sql(var, query):
    subprocess.run(["mariadb", "--no-defaults",
                    f"--socket={var / 'run' / 'mariadb.sock'}", "-u", "root",
                    "-e", query], check=True, capture_output=True)


def test_backup_under_load_restores_onto_a_new_stack(stack, tmp_path):
    code = new_code()
    key = remember(create_facility(code))
    password = remember(strong_password())
    add_user(code, "keeper", "admin", password)
    stop, statuses = threading.Event(), []

    def pinger():
        while not stop.is_set():
            statuses.append(sync(key, "PING", pc="BACKUP-LOAD")[0])

    threads = [threading.Thread(target=pinger) for _ in range(3)]
    for t in threads:
        t.start()
    try:
        out = ctl("backup", tmp_path / "bk").stdout
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert "backup in" in out
    assert set(statuses) == {200}
    bk = tmp_path / "bk"
    assert oct(bk.stat().st_mode & 0o777) == "0o700"
    check = subprocess.run(["sha256sum", "-c", "MANIFEST"], cwd=bk,
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr

    var = REPO / "var" / "pytest-restore"
    up = stack_cmd("up", "--var", str(var), "--port", str(RESTORE_PORT),
                   "--bin", str(stack.bin), "--fresh")
    subprocess.run(up, check=True, capture_output=True)
    try:
        env = dict(os.environ, INFOSYS_CONF=str(var / "infosys.conf"))

        def ctl_b(*args):
            return subprocess.run([str(stack.bin / "infosysctl"), *args],
                                  env=env, capture_output=True, text=True)

        # over another key, or onto a database that has tables: refused
        refused = ctl_b("restore", str(bk))
        assert refused.returncode == 1 and "different key" in refused.stderr
        (var / "secret.key").unlink()
        refused = ctl_b("restore", str(bk))
        assert refused.returncode == 1 and "already has tables" in refused.stderr
        assert not (var / "secret.key").exists()
        # a new host: empty database, no key yet
        root_sql(var, "DROP DATABASE infosys; CREATE DATABASE infosys")
        done = ctl_b("restore", str(bk))
        assert done.returncode == 0, done.stdout + done.stderr
        assert "restored" in done.stdout
        assert (var / "secret.key").read_bytes() == (bk / "secret.key").read_bytes()
        # restart the programs so that they read the restored key
        subprocess.run(stack_cmd("down", "--var", str(var)), check=True,
                       capture_output=True)
        subprocess.run(up[:-1], check=True, capture_output=True)
        status, reply = post(RESTORE_PORT, "/api/auth",
                             f"LOGIN facility={code} user=keeper"
                             f" password={q(password)}")
        assert status == 200, reply
        status, reply = post(RESTORE_PORT, "/api/sync", "PING",
                             {"Authorization": f"Bearer {key}",
                              "Infosys-PC": "PC-1"})
        assert status == 200, reply
    finally:
        subprocess.run(stack_cmd("down", "--var", str(var)),
                       capture_output=True)
        shutil.rmtree(var, ignore_errors=True)


def test_restore_refuses_a_damaged_backup(stack, tmp_path):
    ctl("backup", tmp_path / "bk")
    with open(tmp_path / "bk" / "database.sql", "a") as f:
        f.write("DROP TABLE users;\n")
    r = ctl("restore", tmp_path / "bk", check=False)
    assert r.returncode == 1
    assert "does not match MANIFEST" in r.stderr
