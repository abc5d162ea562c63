"""The sign-in part of make bench (issue 3, Performance).

- pwtime: one argon2id verification at the server's parameters, timed
  outside the server (bench/pwtime.c).
- The rate-limited flood: LOGIN through the `make run` stack's nginx,
  whose limit_req on /api/auth (10 r/s per address, burst 20) is
  production's first defence; how much of a flood it refuses.
- The auth pool itself, and isolation: a bench stack of its own
  (tools/stack.py up --fresh --demo on another port, nginx's login limit
  lifted, the same worker counts as make run), always brought down at the
  end. On it: LOGIN throughput, then PING (/api/sync) and DASHBOARD
  (/api/portal, a session cookie from a LOGIN) alone and again while a
  LOGIN flood keeps both auth.fcgi workers busy.

Every LOGIN is the demo user's right password, so neither the lockout
nor the address throttle (both count failures) takes part."""
import json
import subprocess
import time
import urllib.request
from pathlib import Path

import wrkrun

REPO = Path(__file__).resolve().parents[1]
PYTHON = "/usr/bin/python3"
LOGIN_TIMEOUT = 60          # s; a flood queues logins for seconds
FLOOD_WARMUP = 2            # s between starting the flood and measuring


def read_kv(path):
    return dict(line.split("=", 1) for line in
                Path(path).read_text().splitlines() if "=" in line)


def login_body(c):
    return (f"LOGIN facility={c['facility']} user={c['user']} "
            f"password={c['user_password']}")


def login(base, c):
    """A session cookie ("__Host-sid=…") for the demo user."""
    req = urllib.request.Request(
        base + "/api/auth", data=login_body(c).encode(), method="POST",
        headers={"Content-Type": "application/x-infosys-command"})
    with urllib.request.urlopen(req, timeout=60) as r:
        reply = json.loads(r.read())
        cookie = r.headers.get("Set-Cookie", "")
    if not reply.get("ok") or not cookie.startswith("__Host-sid="):
        raise RuntimeError(f"bench: demo LOGIN refused: {reply.get('error')}")
    return cookie.split(";", 1)[0]


def pwtime(bindir, n=20):
    out = subprocess.run([str(Path(bindir) / "pwtime"), str(n)],
                         capture_output=True, text=True, check=True).stdout
    return dict(kv.split("=", 1) for kv in out.split())


def rate_limited(base, creds, seconds, conns):
    """A LOGIN flood against the production-like limit, statuses counted."""
    r = wrkrun.run(base + "/api/auth", login_body(creds), seconds, conns,
                   timeout=LOGIN_TIMEOUT, status=True)
    return dict(r, seconds=seconds)


class BenchStack:
    """`with BenchStack(...) as base:` — up on entry, down on any exit."""

    def __init__(self, var, port, bindir):
        self.var, self.port, self.bindir = str(var), str(port), str(bindir)

    def stack(self, *args):
        return subprocess.run([PYTHON, str(REPO / "tools" / "stack.py"),
                               *args], capture_output=True, text=True)

    def __enter__(self):
        print(f"bench: starting a bench stack in {self.var} on port "
              f"{self.port} …", flush=True)
        r = self.stack("up", "--var", self.var, "--port", self.port,
                       "--bin", self.bindir, "--fresh", "--demo",
                       "--auth-rate", "100000r/s", "--auth-burst", "100000")
        if r.returncode != 0:
            self.__exit__(None, None, None)
            raise RuntimeError(f"bench stack failed:\n{r.stdout}{r.stderr}")
        return f"http://127.0.0.1:{self.port}"

    def __exit__(self, *exc):
        r = self.stack("down", "--var", self.var)
        if r.returncode != 0:
            print(f"bench: stack down failed:\n{r.stderr}", flush=True)
        return False


def isolation(base, creds, cookie, seconds, conns):
    """PING and DASHBOARD alone, then both again (one after the other)
    inside one LOGIN flood of conns connections."""
    cases = [("sync PING", "/api/sync", "PING",
              {"key": creds["sync_key"]}),
             ("portal DASHBOARD", "/api/portal", "DASHBOARD",
              {"cookie": cookie})]
    alone = []
    for _, path, body, kw in cases:
        alone.append(wrkrun.run(base + path, body, seconds, conns, **kw))
        time.sleep(1)
    flood_s = FLOOD_WARMUP + len(cases) * (seconds + 1)
    flood = wrkrun.start(base + "/api/auth", login_body(creds), flood_s,
                         conns, timeout=LOGIN_TIMEOUT)
    under = []
    try:
        time.sleep(FLOOD_WARMUP)
        for _, path, body, kw in cases:
            under.append(wrkrun.run(base + path, body, seconds, conns, **kw))
            time.sleep(1)
    except BaseException:
        flood.kill()
        flood.wait()
        raise
    flood_r = wrkrun.finish(flood)
    names = [c[0] for c in cases]
    return list(zip(names, alone, under)), flood_r


def measure(var, port, bindir, seconds, conns):
    creds_path = Path(var) / "demo-credentials"
    with BenchStack(var, port, bindir) as base:
        creds = read_kv(creds_path)
        cookie = login(base, creds)
        ref = wrkrun.run(base + "/bench/nodb", "PING", seconds, conns)
        time.sleep(1)
        few = wrkrun.run(base + "/api/auth", login_body(creds), seconds, 2,
                         timeout=LOGIN_TIMEOUT)
        time.sleep(1)
        many = wrkrun.run(base + "/api/auth", login_body(creds), seconds,
                          conns, timeout=LOGIN_TIMEOUT)
        time.sleep(1)
        pairs, flood = isolation(base, creds, cookie, seconds, conns)
    return {"ref": ref, "few": few, "many": many, "pairs": pairs,
            "flood": flood}


def fmt(x):
    return "—" if x is None else f"{x:.2f}"


def login_row(name, r, ref):
    return (f"| {name} | {r['rps']:.1f} | {fmt(r['p50'])} | {fmt(r['p99'])} "
            f"| {r['rps'] / ref['rps']:.4f} | {r['non2xx']} | {r['errors']} |")


def iso_row(name, a, u):
    return (f"| {name} | {a['rps']:.0f} | {fmt(a['p50'])} | {fmt(a['p99'])} "
            f"| {u['rps']:.0f} | {fmt(u['p50'])} | {fmt(u['p99'])} "
            f"| {u['rps'] / a['rps']:.2f} | {u['p99'] / a['p99']:.1f} "
            f"| {a['non2xx'] + u['non2xx']} |")


def report(pw, limited, m, seconds, conns, port):
    """Markdown lines for the sign-in sections of latest.md; seconds is
    each bench-stack wrk's, limited["seconds"] the rate-limited flood's."""
    st = limited["statuses"]
    ok = sum(n for c, n in st.items() if 200 <= c < 300)
    ls = limited["seconds"]
    out = ["", "## Sign-in (issue 3)", "",
           f"One argon2id verification (password_verify at m={pw['m_kib']} KiB,"
           f" t={pw['t']}, p=1; bench/pwtime, {pw['n']} runs, one thread): "
           f"median {pw['verify_ms_median']} ms, p90 {pw['verify_ms_p90']} ms.",
           "",
           f"Rate-limited (the `make run` stack, nginx limit_req 10 r/s per "
           f"address, burst 20): a {ls} s LOGIN flood, wrk -c{conns}, sent "
           f"{limited['requests']:,} requests; {ok} were logged in "
           f"({ok / ls:.1f}/s), nginx refused {st.get(429, 0):,} with 429"
           f"; all statuses {dict(sorted(st.items()))}.",
           "",
           f"Bench stack (port {port}, same worker counts as `make run`: "
           f"auth.fcgi x2; login limit lifted), demo user's right password:",
           "", "| case | logins/s | p50 ms | p99 ms | ratio to reference | "
               "non-2xx | socket errors |", "|---|---|---|---|---|---|---|",
           login_row("nodb responder (reference)", m["ref"], m["ref"]),
           login_row("LOGIN, wrk -c2 (one per auth worker)", m["few"], m["ref"]),
           login_row(f"LOGIN, wrk -c{conns} (flood)", m["many"], m["ref"]),
           "", f"Isolation: each alone, then during a LOGIN flood (wrk -c{conns}"
               f" on /api/auth); wrk -c{conns} -d{seconds}s for each.", "",
           "| request | alone req/s | p50 ms | p99 ms | in flood req/s | p50 ms"
           " | p99 ms | req/s ratio | p99 ratio | non-2xx |",
           "|---|---|---|---|---|---|---|---|---|---|"]
    out += [iso_row(n, a, u) for n, a, u in m["pairs"]]
    f = m["flood"]
    out += ["", f"The flood meanwhile: {f['rps']:.1f} logins/s, p50 "
                f"{fmt(f['p50'])} ms, p99 {fmt(f['p99'])} ms, {f['non2xx']} "
                f"non-2xx, {f['errors']} socket errors."]
    return out
