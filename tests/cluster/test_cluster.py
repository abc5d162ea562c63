"""The stack on a 3-node Galera cluster with two application nodes
(tools/cluster.py), through nginx, as clients see it: writes through one
node are seen through the other, the command lease, the daily-sync claim
and the lockout stay exact when requests race through both nodes, and
faults are survived (kill -9 of a database node under sync and portal
load; kill of a whole application node behind the load balancer).

Run by `make test-cluster`: a fresh cluster in var/test-cluster on
$INFOSYS_CLUSTER_PORT (app nodes on the next two ports), Galera on
$INFOSYS_GALERA_BASE+1.."""
import http.client
import json
import os
import re
import secrets
import subprocess
import threading
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace

import pytest

REPO = Path(__file__).resolve().parents[2]
PYTHON = "/usr/bin/python3"
CT = "application/x-infosys-command"
VAR = REPO / "var" / "test-cluster"


def cluster_cmd(*args, check=True):
    return subprocess.run([PYTHON, str(REPO / "tools" / "cluster.py"),
                           *args, "--var", str(VAR)], check=check,
                          capture_output=True, text=True)


@pytest.fixture(scope="module")
def cl():
    port = int(os.environ.get("INFOSYS_CLUSTER_PORT", "18085"))
    base = os.environ.get("INFOSYS_GALERA_BASE", "14500")
    bindir = Path(os.environ.get("INFOSYS_TEST_BIN", REPO / "bin")).resolve()
    r = subprocess.run([PYTHON, str(REPO / "tools" / "cluster.py"), "up",
                        "--var", str(VAR), "--port", str(port),
                        "--galera-base", base, "--bin", str(bindir),
                        "--fresh"], capture_output=True, text=True)
    try:
        assert r.returncode == 0, r.stdout + r.stderr
        yield SimpleNamespace(lb=port, app=(port + 1, port + 2), bin=bindir,
                              conf=VAR / "infosys.conf")
    finally:
        cluster_cmd("down", check=False)


# -------------------------------------------------------------- helpers

def post(port, path, body, headers=None, src="127.0.0.1", timeout=30):
    """(status, headers dict lower-case, parsed JSON or None); status 0
    when the connection failed."""
    hdrs = {"Content-Type": CT}
    hdrs.update(headers or {})
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout,
                                      source_address=(src, 0))
    try:
        conn.request("POST", path, body=body.encode(), headers=hdrs)
        resp = conn.getresponse()
        raw = resp.read()
        h = {k.lower(): v for k, v in resp.getheaders()}
    except OSError:
        return 0, {}, None
    finally:
        conn.close()
    try:
        return resp.status, h, json.loads(raw)
    except ValueError:
        return resp.status, h, None


def sync(port, key, body, pc="PC-1"):
    return post(port, "/api/sync", body,
                {"Authorization": f"Bearer {key}", "Infosys-PC": pc})


def sql(i, query):
    """Rows of SQL run as root on database node i, after every write the
    cluster committed before it (wsrep_sync_wait)."""
    sock = VAR / f"db{i}" / "mariadb.sock"
    r = subprocess.run(["mariadb", "--no-defaults", f"--socket={sock}", "-u",
                        "root", "-N", "-B", "infosys"],
                       input="SET SESSION wsrep_sync_wait = 1;\n" + query,
                       capture_output=True, text=True, check=True)
    return [line.split("\t") for line in r.stdout.splitlines()]


def ctl(cl, *args, stdin=None):
    r = subprocess.run([str(cl.bin / "infosysctl"), *args], input=stdin,
                       text=True, capture_output=True,
                       env=dict(os.environ, INFOSYS_CONF=str(cl.conf)))
    assert r.returncode == 0, r.stdout + r.stderr
    return r.stdout


def facility(cl):
    code = "C" + uuid.uuid4().hex[:10].upper()
    key = ctl(cl, "facility", "create", code, "Cluster test").strip() \
        .splitlines()[-1].strip()
    fid = int(sql(2, f"SELECT id FROM facilities WHERE code = '{code}'")[0][0])
    return SimpleNamespace(code=code, key=key, id=fid)


def ts(seconds_ago):
    t = datetime.now(timezone.utc) - timedelta(seconds=seconds_ago)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def race(fn, args):
    """Runs fn(*a) for every a in args at the same instant; the results."""
    barrier = threading.Barrier(len(args))
    out = [None] * len(args)

    def run(i):
        barrier.wait()
        out[i] = fn(*args[i])

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(args))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


def fresh_src():
    return "127.{}.{}.{}".format(*(secrets.randbelow(250) + 2 for _ in range(3)))


# ---------------------------------------------------------------- tests

def test_everything_binds_loopback_only(cl):
    pids = set()
    for f in VAR.rglob("*.pid"):
        try:
            pids.add(f.read_text().split()[0])
        except (OSError, IndexError):
            pass
    out = subprocess.run(["ss", "-ltnpH"], capture_output=True, text=True).stdout
    ours = [line for line in out.splitlines()
            if any(f"pid={p}," in line for p in pids)]
    # 3 x (group communication + SQL), 2 app nginx, the balancer.
    assert len(ours) >= 9, ours
    for line in ours:
        assert line.split()[3].startswith("127.0.0.1:"), line


def test_write_through_one_node_is_seen_through_the_other(cl):
    f = facility(cl)
    a1, a2 = cl.app
    assert sync(a1, f.key, "DEVICE.UPSERT device=F1 kind=fridge location=Ward")[0] == 200
    # At once through the other node: wsrep_sync_wait makes it visible.
    status, _, reply = sync(a2, f.key, f"READING.PUSH device=F1 ts={ts(1)} value=4.5")
    assert status == 200, reply


def test_command_lease_exactly_once_across_nodes(cl):
    f = facility(cl)
    # As the portal queues them (cmdqueue_add): command_due first.
    sql(1, f"INSERT INTO command_due VALUES ({f.id}, 0)")
    for n in range(12):
        sql(1, "INSERT INTO commands (facility_id, line, issuer, created_at) "
            f"VALUES ({f.id}, 'MESSAGE.POST board=B1 text=\"m{n}\"', 'alice', "
            "UTC_TIMESTAMP())")
    args = [(cl.app[i % 2], f.key, "COMMAND.POLL max=3", f"PC-{i}")
            for i in range(8)]
    got = {}
    for status, _, reply in race(sync, args):
        assert status == 200, reply
        for c in reply["data"]["commands"]:
            got.setdefault(c["id"], 0)
            got[c["id"]] += 1
    # No command leased to two PCs; every lease recorded once.
    assert all(v == 1 for v in got.values()), got
    rows = sql(3, f"SELECT COUNT(*) FROM commands WHERE facility_id = {f.id}"
               " AND deliveries = 1")
    assert int(rows[0][0]) == len(got) and len(got) == 12


def test_daily_claim_one_winner_across_nodes(cl):
    f = facility(cl)
    args = [(cl.app[i % 2], f.key, "DAILYSYNC.CLAIM date=2026-01-15", f"PC-{i}")
            for i in range(8)]
    results = race(sync, args)
    winners = [r for r in results if r[0] == 200]
    assert len(winners) == 1, [r[0] for r in results]
    assert all(r[0] == 409 for r in results if r[0] != 200)


def login(port, f, user, password, src):
    body = f'LOGIN facility={f.code} user={user} password="{password}"'
    return post(port, "/api/auth", body, src=src)


def test_lockout_counts_exactly_through_both_nodes(cl):
    f = facility(cl)
    pw = "Pw-" + secrets.token_urlsafe(12) + "-7x"
    ctl(cl, "user", "add", f.code, "nurse", "--role", "user", stdin=pw + "\n")
    args = [(cl.app[i % 2], f, "nurse", f"wrong-{i}", fresh_src()) for i in range(8)]
    assert all(r[0] == 401 for r in race(login, args))
    count = sql(1, f"SELECT failed_logins, locked_at IS NULL FROM users "
                f"WHERE facility_id = {f.id} AND name = 'nurse'")
    assert count == [["8", "1"]]
    args = [(cl.app[i % 2], f, "nurse", f"wrong-{i}", fresh_src()) for i in range(2)]
    race(login, args)
    assert sql(2, f"SELECT locked_at IS NOT NULL FROM users WHERE facility_id"
               f" = {f.id} AND name = 'nurse'") == [["1"]]


class Load:
    """Sync pushers on both application nodes (each reading acknowledged
    by a 200 is recorded) and portal-side pollers, until stopped."""

    def __init__(self, cl, f, ports, threads=3):
        self.cl, self.f, self.ports = cl, f, ports
        self.acked, self.failed, self.other = [], [], []
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.seq = 0
        self.threads = [threading.Thread(target=self.push, args=(p, n))
                        for p in ports for n in range(threads)]

    def next_ts(self):
        with self.lock:
            self.seq += 1
            return ts(100000 - self.seq)

    def push(self, port, n):
        while not self.stop.is_set():
            t = self.next_ts()
            status, h, reply = sync(port, self.f.key,
                                    f"READING.PUSH device=L1 ts={t} value=3.5",
                                    pc=f"PC-{port}-{n}")
            with self.lock:
                if status == 200:
                    self.acked.append(t)
                elif status == 503:
                    self.failed.append((port, h.get("retry-after")))
                else:
                    self.other.append((port, status, reply))

    def __enter__(self):
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for t in self.threads:
            t.join()

    def wait_acked(self, n):
        start = len(self.acked)
        while len(self.acked) < start + n:
            time.sleep(0.05)


def readings_stored(f):
    rows = sql(2, "SELECT DATE_FORMAT(r.ts, '%Y-%m-%dT%H:%i:%sZ') FROM readings r"
               " JOIN devices d ON d.id = r.device_id"
               f" WHERE d.facility_id = {f.id} AND d.ext_id = 'L1'")
    return {r[0] for r in rows}


def test_database_node_killed_under_load(cl):
    f = facility(cl)
    assert sync(cl.app[0], f.key, "DEVICE.UPSERT device=L1 kind=fridge location=Lab")[0] == 200
    with Load(cl, f, cl.app) as load:
        load.wait_acked(30)
        # app1's programs use db1 first: kill it hard.
        cluster_cmd("kill-db", "--node", "1")
        load.wait_acked(60)
    assert not load.other, load.other[:5]
    # Only requests that were using db1's connections fail, with 503 and
    # a Retry-After; each worker then connects to the next node.
    assert len(load.failed) <= 2 * 4, load.failed
    assert all(ra for _, ra in load.failed)
    # No acknowledged reading is lost.
    assert set(load.acked) <= readings_stored(f)
    # The killed node rejoins by IST (writesets since its crash), not SST.
    err = VAR / "db1" / "mariadb.err"
    old = err.read_text(errors="replace")
    cluster_cmd("start-db", "--node", "1")
    text = err.read_text(errors="replace")
    # (The rsync script logs "SST started" for either; it completes as
    # IST when only writesets are sent.)
    assert text.count("rsync SST completed on joiner") == \
        old.count("rsync SST completed on joiner")
    assert text.count("rsync IST completed on joiner") == \
        old.count("rsync IST completed on joiner") + 1
    assert re.search(r"Receiving IST: [1-9]\d* writesets", text[len(old):])
    assert set(load.acked) <= {r[0] for r in sql(
        1, "SELECT DATE_FORMAT(r.ts, '%Y-%m-%dT%H:%i:%sZ') FROM readings r"
        " JOIN devices d ON d.id = r.device_id"
        f" WHERE d.facility_id = {f.id} AND d.ext_id = 'L1'")}


def test_app_node_killed_behind_load_balancer(cl):
    f = facility(cl)
    assert sync(cl.lb, f.key, "DEVICE.UPSERT device=L1 kind=fridge location=Lab")[0] == 200
    threads = 3
    with Load(cl, f, [cl.lb], threads=threads) as load:
        load.wait_acked(30)
        cluster_cmd("kill-app", "--node", "2")
        load.wait_acked(60)
    # Really gone: nothing listens on app2's port any more.
    listening = subprocess.run(["ss", "-ltnH"], capture_output=True,
                               text=True).stdout
    assert f"127.0.0.1:{cl.app[1]} " not in listening
    # At most the requests in flight on app2 fail (one per client thread);
    # the balancer sends everything after them to app1.
    assert len(load.failed) + len(load.other) <= threads, (load.failed, load.other)
    assert set(load.acked) <= readings_stored(f)
