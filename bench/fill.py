"""The data `make bench` runs against (bench/run.py): two facilities of its
own and tables as large as a facility's two years.

    BENCH   100 push devices (BP000…) and 50 fill devices (BF000…)
    BENCH0  no due commands (the empty poll), but the settled ones that
            bring the commands table to a million rows
    BENCHP00…BENCHP49  a backlog of due commands each, polled in turn by
            the non-empty COMMAND.POLL (made in SQL with keys made here:
            a realistic backlog is small per facility; one facility with
            hundreds of thousands due and 32 concurrent pollers makes the
            poll's FOR UPDATE lock them all)

Filling is INSERT … SELECT from MariaDB's sequence engine (seq_1_to_N)
through `tools/stack.py sql`, and only up to what is missing, so a second
run costs a count. Sync keys are shown once by infosysctl, so they are kept
in DIR/bench/keys (mode 0600)."""
import hashlib
import json
import secrets
import os
import subprocess
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PYTHON = "/usr/bin/python3"
TARGET = 1_000_000
PUSH_PREFIX, PUSH_DEVICES = "BP", 100
FILL_DEVICES, FILL_MINUTES = 50, 20_000     # 50 x 20000 = a million
POLL_FACILITIES, DUE_EACH = 50, 600


def sql(var, text):
    r = subprocess.run([PYTHON, str(REPO / "tools" / "stack.py"), "sql",
                        "--var", str(var)], input=text, text=True,
                       capture_output=True, check=True)
    return [line.split("\t") for line in r.stdout.splitlines()[1:]]


def read_keys(path):
    if not path.exists():
        return {}
    return dict(l.split("=", 1) for l in path.read_text().split() if "=" in l)


def write_keys(path, keys):
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write("".join(f"{k}={v}\n" for k, v in keys.items()))


def ensure_facilities(var, bindir):
    path = Path(var) / "bench" / "keys"
    keys = read_keys(path)
    env = dict(os.environ, INFOSYS_CONF=str(Path(var).resolve() / "infosys.conf"))
    for code in ("BENCH", "BENCH0"):
        if code in keys:
            continue
        exists = sql(var, f"SELECT id FROM facilities WHERE code = '{code}'")
        verb = ["rotate-key", code] if exists else ["create", code, f"Bench {code}"]
        out = subprocess.run([str(Path(bindir) / "infosysctl"), "facility", *verb],
                             env=env, capture_output=True, text=True, check=True)
        keys[code] = out.stdout.strip().splitlines()[-1].strip()
        write_keys(path, keys)
    return keys


def post(base, key, body):
    req = urllib.request.Request(
        base + "/api/sync", data=body.encode(), method="POST",
        headers={"Content-Type": "application/x-infosys-command",
                 "Authorization": f"Bearer {key}", "Infosys-PC": "bench-pc"})
    with urllib.request.urlopen(req, timeout=60) as r:
        reply = json.loads(r.read())
    if not reply.get("ok"):
        raise RuntimeError(f"bench setup refused: {reply}")


def ensure_devices(base, key):
    lines = [f"DEVICE.UPSERT device={PUSH_PREFIX}{d:03d} kind=fridge"
             f" location=\"Bench fridge {d}\"" for d in range(PUSH_DEVICES)]
    lines += [f"DEVICE.UPSERT device=BF{d:03d} kind=freezer"
              f" location=\"Bench freezer {d}\"" for d in range(FILL_DEVICES)]
    post(base, key, "\n".join(lines))


def facility_id(var, code):
    return int(sql(var, f"SELECT id FROM facilities WHERE code = '{code}'")[0][0])


def count(var, table):
    return int(sql(var, f"SELECT COUNT(*) FROM {table}")[0][0])


def fill_readings(var, bench):
    """Two weeks of minutes for each fill device, ending 2020-01-01, so
    they never meet the pushes of a run; INSERT IGNORE keeps it re-runnable."""
    if count(var, "readings") >= TARGET:
        return
    print("bench: filling readings to a million rows …", flush=True)
    sql(var, "INSERT IGNORE INTO readings (device_id, ts, value) "
             "SELECT d.id, TIMESTAMPADD(MINUTE, -s.seq, '2020-01-01 00:00:00'), "
             "-20 + (s.seq % 300) / 100 FROM devices d "
             f"JOIN seq_1_to_{FILL_MINUTES} s "
             f"WHERE d.facility_id = {bench} AND d.ext_id LIKE 'BF%'")


def fill_commands(var, bench0):
    missing = TARGET - count(var, "commands")
    if missing <= 0:
        return
    print(f"bench: adding {missing:,} settled commands …", flush=True)
    sql(var, "INSERT INTO commands (facility_id, line, issuer, status, due_at,"
             " deliveries, result, settled_by, created_at, delivered_at,"
             " settled_at) SELECT "
             f"{bench0}, CONCAT('MESSAGE.POST board=LOBBY user=bench text=\"Note ', seq, '\"'),"
             " 'bench', 'done', NULL, 1, 'Shown on the display board', 'bench-pc',"
             " UTC_TIMESTAMP(), UTC_TIMESTAMP(), UTC_TIMESTAMP()"
             f" FROM seq_1_to_{missing}")


def ensure_poll_facilities(var, keys):
    for i in range(POLL_FACILITIES):
        code = f"BENCHP{i:02d}"
        if code in keys:
            continue
        key = secrets.token_urlsafe(32)
        digest = hashlib.sha256(key.encode()).hexdigest()
        sql(var, "INSERT INTO facilities (code, name, sync_key_hash, active,"
                 f" created_at) VALUES ('{code}', 'Bench poll {i}', '{digest}', 1,"
                 " UTC_TIMESTAMP()) ON DUPLICATE KEY UPDATE"
                 f" sync_key_hash = '{digest}'")
        keys[code] = key
        write_keys(Path(var) / "bench" / "keys", keys)


def poll_keys(keys):
    return [keys[f"BENCHP{i:02d}"] for i in range(POLL_FACILITIES)]


def ensure_due(var, keys):
    """DUE_EACH commands due (pending, or leased by an earlier run whose
    lease ran out) on each poll facility."""
    rows = sql(var, "SELECT f.id, COUNT(c.id) FROM facilities f LEFT JOIN"
                    " commands c ON c.facility_id = f.id AND c.due_at <="
                    " UNIX_TIMESTAMP() WHERE f.code LIKE 'BENCHP%' GROUP BY f.id")
    for fid, due in rows:
        if int(due) < DUE_EACH:
            # As the portal queues (cmdqueue_add): command_due first.
            sql(var, f"INSERT INTO command_due VALUES ({fid}, 0)"
                     " ON DUPLICATE KEY UPDATE due_at = 0")
            sql(var, "INSERT INTO commands (facility_id, line, issuer, created_at)"
                     f" SELECT {fid}, CONCAT('REPORT.REQUEST kind=inventory user=u',"
                     f" seq), 'bench', UTC_TIMESTAMP() FROM seq_1_to_{DUE_EACH - int(due)}")


def leased_since(var, started):
    return int(sql(var, "SELECT COUNT(*) FROM commands c JOIN facilities f ON"
                        " f.id = c.facility_id WHERE f.code LIKE 'BENCHP%' AND"
                        f" c.delivered_at >= FROM_UNIXTIME({int(started)})")[0][0])


def prepare(var, bindir, base):
    """(keys by facility code, table sizes) once everything is in place."""
    keys = ensure_facilities(var, bindir)
    ensure_devices(base, keys["BENCH"])
    fill_readings(var, facility_id(var, "BENCH"))
    fill_commands(var, facility_id(var, "BENCH0"))
    ensure_poll_facilities(var, keys)
    ensure_due(var, keys)
    return keys, {"readings": count(var, "readings"),
                  "commands": count(var, "commands")}


# DASHBOARD.SERIES at two table sizes (issue 10): the same 7 devices and
# the same last 24 hours of readings a minute, with no history before
# (BENCHS1, ~10 thousand readings) or with 1,000 days of it (BENCHS2, ~10
# million), so any difference in the dashboard's cost is the table's size.
SERIES_DEVICES = 7
SERIES_FACILITIES = {"BENCHS1": 1440, "BENCHS2": 1_440_000}


def ensure_series_facilities(var, bindir, base, keys):
    """The two facilities, filled up to their size; {code: facility id}."""
    path = Path(var) / "bench" / "keys"
    env = dict(os.environ, INFOSYS_CONF=str(Path(var).resolve() / "infosys.conf"))
    ids = {}
    for code, minutes in SERIES_FACILITIES.items():
        if code not in keys:
            exists = sql(var, f"SELECT id FROM facilities WHERE code = '{code}'")
            verb = ["rotate-key", code] if exists else ["create", code, f"Bench {code}"]
            out = subprocess.run([str(Path(bindir) / "infosysctl"), "facility", *verb],
                                 env=env, capture_output=True, text=True, check=True)
            keys[code] = out.stdout.strip().splitlines()[-1].strip()
            write_keys(path, keys)
        post(base, keys[code], "\n".join(
            f"DEVICE.UPSERT device=SD{d} kind=fridge location=\"Series {d}\""
            for d in range(SERIES_DEVICES)))
        ids[code] = fid = facility_id(var, code)
        have = int(sql(var, "SELECT COUNT(*) FROM readings r JOIN devices d ON"
                            f" d.id = r.device_id WHERE d.facility_id = {fid}")[0][0])
        if have >= SERIES_DEVICES * minutes:
            continue
        print(f"bench: filling {code} to {SERIES_DEVICES * minutes:,} readings …",
              flush=True)
        # The newest minute is always "now": refilled from the current time.
        sql(var, "DELETE r FROM readings r JOIN devices d ON d.id = r.device_id"
                 f" WHERE d.facility_id = {fid}")
        sql(var, "INSERT INTO readings (device_id, ts, value) "
                 "SELECT d.id, TIMESTAMPADD(MINUTE, -s.seq, "
                 "DATE_FORMAT(UTC_TIMESTAMP(), '%Y-%m-%d %H:%i:00')), "
                 "3 + (s.seq % 40) / 10 FROM devices d "
                 f"JOIN seq_1_to_{minutes} s WHERE d.facility_id = {fid}")
    return ids


def top_up_series(var, ids):
    """Readings up to the current minute again for a run days after the
    fill: the window always holds the same 24 hours a minute."""
    for fid in ids.values():
        gap = sql(var, "SELECT TIMESTAMPDIFF(MINUTE, MAX(r.ts), UTC_TIMESTAMP())"
                       " FROM readings r JOIN devices d ON d.id = r.device_id"
                       f" WHERE d.facility_id = {fid}")[0][0]
        if gap != "NULL" and int(gap) > 0:
            sql(var, "INSERT IGNORE INTO readings (device_id, ts, value) "
                     "SELECT d.id, TIMESTAMPADD(MINUTE, -s.seq + 1, "
                     "DATE_FORMAT(UTC_TIMESTAMP(), '%Y-%m-%d %H:%i:00')), 4 "
                     f"FROM devices d JOIN seq_1_to_{int(gap)} s"
                     f" WHERE d.facility_id = {fid}")
