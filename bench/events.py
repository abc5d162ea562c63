"""The facility events' figures for make bench (issue 10).

latency(): a portal ALARM.ACK until `infosys-agent listen` (subscribed,
slow poll an hour away) has the command's .dat on disk, N times; p50/p99.

idle(): 1,000 PCs subscribed across the 50 BENCHP facilities, then a
quiet window with the stack's own background work (demo agent, mailer)
paused: FastCGI requests (nginx access log lines under /api/) and
database statements (MariaDB's Questions, less what reading it costs) during the window, and nginx's memory (PSS of its processes)
before and with the subscriptions."""
import asyncio
import json
import os
import signal
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import fill

REPO = Path(__file__).resolve().parents[1]
CT = "application/x-infosys-command"
LAT_FACILITY = "BENCHL"
LAT_USER = "benchstaff"


def call(base, path, body, headers):
    req = urllib.request.Request(base + path, data=body.encode(), method="POST",
                                 headers=dict(headers, **{"Content-Type": CT}))
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, dict(r.headers), json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), json.loads(e.read())


def ctl(var, bindir, args, stdin=None):
    env = dict(os.environ, INFOSYS_CONF=str(Path(var).resolve() / "infosys.conf"))
    return subprocess.run([str(Path(bindir) / "infosysctl"), *args], input=stdin,
                          env=env, capture_output=True, text=True)


def latency_setup(var, bindir, base, keys):
    """BENCHL with a device, an active alarm and a user; (key, cookie)."""
    path = Path(var) / "bench" / "keys"
    if LAT_FACILITY not in keys:
        exists = fill.sql(var, f"SELECT id FROM facilities WHERE code = '{LAT_FACILITY}'")
        verb = ["rotate-key", LAT_FACILITY] if exists else ["create", LAT_FACILITY, "Bench latency"]
        keys[LAT_FACILITY] = ctl(var, bindir, ["facility", *verb]).stdout.strip().splitlines()[-1].strip()
        fill.write_keys(path, keys)
    key = keys[LAT_FACILITY]
    pw = "bench-latency-" + key[:12]
    ctl(var, bindir, ["user", "add", LAT_FACILITY, LAT_USER, "--role", "user"], pw + "\n")
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    fill.post(base, key, "DEVICE.UPSERT device=BL1 kind=fridge location=Bench\n"
                         f"ALARM.PUSH alarm=BLA device=BL1 status=active severity=low ts={now}")
    status, headers, reply = call(base, "/api/auth",
                                  f"LOGIN facility={LAT_FACILITY} user={LAT_USER} password={pw}", {})
    if status != 200:
        raise RuntimeError(f"bench login refused: {reply}")
    cookie = headers.get("Set-Cookie", "").split(";")[0]
    return key, cookie


def latency(var, bindir, base, keys, n=100):
    key, cookie = latency_setup(var, bindir, base, keys)
    with tempfile.TemporaryDirectory() as d:
        keyfile = Path(d) / "key"
        keyfile.write_text(key + "\n")
        cmds = Path(d) / "commands"
        cmds.mkdir()
        agent = subprocess.Popen([str(Path(bindir) / "infosys-agent"), "--url", base,
                                  "--key-file", str(keyfile), "--pc", "BENCH-LISTEN",
                                  "--commands", str(cmds), "--slow-poll-s", "3600", "listen"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            time.sleep(2)  # subscribed, and the poll after it done
            times = []
            for _ in range(n):
                t0 = time.monotonic()
                status, _, reply = call(base, "/api/portal", "ALARM.ACK alarm=BLA",
                                        {"Cookie": cookie})
                if status != 200:
                    raise RuntimeError(f"ALARM.ACK refused: {reply}")
                dat = cmds / f"{reply['data']['command']}.dat"
                deadline = t0 + 10
                while not dat.exists():
                    if time.monotonic() > deadline:
                        raise RuntimeError("no .dat within 10 s")
                    time.sleep(0.0005)
                times.append((time.monotonic() - t0) * 1000)
                time.sleep(0.05)
        finally:
            agent.send_signal(signal.SIGTERM)
            agent.communicate(timeout=15)
    times.sort()
    return {"n": n, "p50": times[n // 2], "p99": times[min(n - 1, n * 99 // 100)]}


def nginx_pss_kb(var):
    master = int((Path(var) / "run" / "nginx.pid").read_text())
    pids = [master] + [int(p) for p in subprocess.run(
        ["pgrep", "-P", str(master)], capture_output=True, text=True).stdout.split()]
    total = 0
    for pid in pids:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                total += int(line.split()[1])
    return total


async def subscribe(port, key, pc, held):
    r, w = await asyncio.open_connection("127.0.0.1", port)
    w.write((f"GET /api/sync/events HTTP/1.1\r\nHost: localhost\r\n"
             f"Authorization: Bearer {key}\r\nInfosys-PC: {pc}\r\n"
             "Accept: text/event-stream\r\n\r\n").encode())
    await w.drain()
    status = (await r.readline()).decode()
    if " 200 " not in status:
        raise RuntimeError(f"subscription refused: {status.strip()}")
    held.append(w)


def questions(var):
    return int(fill.sql(var, "SHOW GLOBAL STATUS LIKE 'Questions'")[0][1])


def api_lines(var):
    log = Path(var) / "log" / "nginx-access.log"
    return sum(1 for line in log.read_text(errors="replace").splitlines() if " /api/" in line)


def paused(var):
    """The stack's own periodic clients (demo agent, mailer), to stop."""
    pids = []
    for name in ("agent.pid", "mailer.pid"):
        p = Path(var) / "run" / name
        if p.exists():
            pids.append(int(p.read_text().split()[0]))
    return pids


async def idle_async(var, port, keys, subs, window):
    fkeys = fill.poll_keys(keys)
    before = nginx_pss_kb(var)
    held = []
    for start in range(0, subs, 100):
        await asyncio.gather(*(subscribe(port, fkeys[i % len(fkeys)], f"IDLE-{i:04d}", held)
                               for i in range(start, min(subs, start + 100))))
    await asyncio.sleep(1)
    stopped = paused(var)
    for pid in stopped:
        os.kill(pid, signal.SIGSTOP)
    try:
        await asyncio.sleep(2)
        # What reading the counter itself costs (the client's own queries).
        own = -questions(var) + questions(var)
        q0, a0 = questions(var), api_lines(var)
        await asyncio.sleep(window)
        q1, a1 = questions(var), api_lines(var)
        during = nginx_pss_kb(var)
    finally:
        for pid in stopped:
            os.kill(pid, signal.SIGCONT)
    for w in held:
        w.close()
    return {"subs": len(held), "window": window, "fcgi": a1 - a0,
            "statements": q1 - q0 - own, "pss_before_kb": before,
            "pss_with_kb": during}


def idle(var, port, keys, subs=1000, window=20):
    return asyncio.run(idle_async(var, int(port), keys, subs, window))
