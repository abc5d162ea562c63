"""make bench, cluster section: the same requests on the `make run` single
node and on a 3-node Galera cluster with two application nodes behind a
load balancer (tools/cluster.py, brought up in DIR/bench-cluster and down
at the end whatever happens), in the same run, as ratios.

- sync ingest (READING.PUSH batches of 100) and empty COMMAND.POLL;
- a contended lease: every connection polls one facility's queue (max=1)
  at once, so the two application nodes' transactions write the
  same rows; on Galera the loser of each race fails certification and is
  rerun (counted from the programs' logs: "rerun N time(s)")."""
import os
import re
import subprocess
import time
from pathlib import Path

import fill
import wrkrun

REPO = Path(__file__).resolve().parents[1]
PYTHON = "/usr/bin/python3"
CONTENDED_DUE = 200_000


def cluster(var, *args):
    return subprocess.run([PYTHON, str(REPO / "tools" / "cluster.py"), *args,
                           "--var", str(var)], capture_output=True, text=True)


def mariadb(sock, text):
    r = subprocess.run(["mariadb", "--no-defaults", f"--socket={sock}", "-u",
                        "root", "-N", "-B", "infosys"], input=text, text=True,
                       capture_output=True, check=True)
    return [line.split("\t") for line in r.stdout.splitlines()]


def facility(bindir, conf, code):
    env = dict(os.environ, INFOSYS_CONF=str(conf))
    out = subprocess.run([str(Path(bindir) / "infosysctl"), "facility",
                          "create", code, f"Bench {code}"], env=env,
                         capture_output=True, text=True, check=True)
    return out.stdout.strip().splitlines()[-1].strip()


def queue_due(sock, code):
    """CONTENDED_DUE commands due for facility code."""
    mariadb(sock, f"""
INSERT INTO command_due (facility_id, due_at)
SELECT id, 0 FROM facilities WHERE code = '{code}'
ON DUPLICATE KEY UPDATE due_at = 0;
INSERT INTO commands (facility_id, line, issuer, created_at)
SELECT f.id, CONCAT('MESSAGE.POST board=B1 text="c', seq, '"'), 'bench',
       UTC_TIMESTAMP()
FROM facilities f, seq_1_to_{CONTENDED_DUE} WHERE f.code = '{code}'""")


def reruns(var):
    n = 0
    for log in Path(var).glob("app*/log/*.log"):
        for m in re.finditer(r"rerun (\d+) time", log.read_text(errors="replace")):
            n += int(m.group(1))
    return n


def measure(base, keys, seconds, conns, var=None):
    """{case: wrk result} on one deployment; keys: push, empty, contended."""
    out = {"nodb": wrkrun.run(base + "/bench/nodb", "PING", seconds, conns)}
    time.sleep(1)
    out["push"] = wrkrun.run(base + "/api/sync", "", seconds, conns,
                             key=keys["push"], readings=100)
    time.sleep(1)
    out["poll"] = wrkrun.run(base + "/api/sync", "COMMAND.POLL", seconds,
                             conns, key=keys["empty"])
    time.sleep(1)
    before = reruns(var) if var else 0
    out["lease"] = wrkrun.run(base + "/api/sync", "COMMAND.POLL max=1",
                              seconds, conns, key=keys["contended"])
    out["lease"]["reruns"] = (reruns(var) - before) if var else None
    return out


def setup(base, bindir, conf, sock, tag):
    keys = {}
    for name in ("push", "empty", "contended"):
        code = f"BC{tag}{name[:4].upper()}{int(time.time()) % 100000}"
        keys[name] = facility(bindir, conf, code)
        if name == "push":
            fill.ensure_devices(base, keys[name])
        if name == "contended":
            queue_due(sock, code)
    return keys


def section(run_var, single_base, bindir, seconds, conns, port, galera_base):
    var = Path(run_var).resolve() / "bench-cluster"
    r = cluster(var, "up", "--port", str(port), "--galera-base",
                str(galera_base), "--bin", str(bindir), "--fresh")
    try:
        if r.returncode != 0:
            raise RuntimeError("cluster did not come up: " + r.stderr[-500:])
        lb = f"http://127.0.0.1:{port}"
        single_var = Path(run_var).resolve()
        one = measure(single_base, setup(single_base, bindir,
                                         single_var / "infosys.conf",
                                         single_var / "run" / "mariadb.sock",
                                         "S"), seconds, conns)
        many = measure(lb, setup(lb, bindir, var / "infosys.conf",
                                 var / "db1" / "mariadb.sock", "C"),
                       seconds, conns, var)
    finally:
        cluster(var, "down")
    return report(one, many, seconds, conns)


def report(one, many, seconds, conns):
    rows = [("nodb responder (reference)", "nodb", 0),
            ("READING.PUSH batch of 100", "push", 100),
            ("COMMAND.POLL, empty", "poll", 0),
            ("COMMAND.POLL max=1, one facility's queue (contended lease)",
             "lease", 0)]
    out = ["", "## Cluster: 3 Galera nodes, 2 application nodes, 1 balancer",
           "", f"Same run, same machine; wrk -c{conns} -d{seconds}s; single"
           " node = the `make run` stack, cluster = DIR/bench-cluster through"
           " its load balancer (one more nginx hop).", "",
           "| case | single req/s | cluster req/s | cluster / single |"
           " cluster p99 ms | cluster non-2xx |", "|---|---|---|---|---|---|"]
    for name, k, lines in rows:
        a, b = one[k], many[k]
        unit = f" ({lines} readings each)" if lines else ""
        out.append(f"| {name}{unit} | {a['rps']:.0f} | {b['rps']:.0f} | "
                   f"{b['rps'] / a['rps']:.2f} | {b['p99']:.2f} | {b['non2xx']} |")
    lease = many["lease"]
    per = 1000 * lease["reruns"] / max(1, lease["requests"])
    out += ["", f"Contended lease on the cluster: {lease['reruns']} reruns after "
                f"certification conflicts in {lease['requests']} requests "
                f"({per:.1f} per 1000); its cost is the lease row's ratio "
                "against the empty poll's ratio."]
    return out
