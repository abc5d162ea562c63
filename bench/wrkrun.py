"""wrk runs for make bench: `wrk -t2 --latency -s bench/post.lua` through
nginx, the request described to post.lua by environment variables (rate=
paces it to that many requests a second in all), and its output parsed
into a dict (rps, p50 and p99 in ms, non2xx, requests, errors = socket
errors including timeouts, statuses when asked for)."""
import os
import random
import re
import subprocess
import time
from pathlib import Path

import fill

REPO = Path(__file__).resolve().parents[1]
UNIT = {"us": 1e-3, "ms": 1.0, "s": 1000.0}
THREADS = 2


def env(body="PING", key="", cookie="", readings=0, keys=(), status=False,
        rate=0):
    return dict(os.environ, BENCH_BODY=body, BENCH_KEY=key,
                BENCH_RATE=str(rate), BENCH_THREADS=str(THREADS),
                BENCH_KEYS=",".join(keys),
                BENCH_COOKIE=cookie, BENCH_READINGS=str(readings),
                BENCH_DEVICES=str(fill.PUSH_DEVICES),
                BENCH_DEVPREFIX=fill.PUSH_PREFIX,
                BENCH_STATUS="1" if status else "",
                BENCH_TS_BASE=str(int(time.time()) - 40 * 86400
                                  - random.randrange(4 * 365 * 86400)))


def argv(url, seconds, conns, timeout=None):
    """timeout (s): wrk's default of 2 s would count slow logins queued
    behind argon2id as socket timeouts and leave them out of the latency."""
    extra = [f"--timeout", f"{timeout}s"] if timeout else []
    return (["wrk", f"-t{THREADS}", f"-c{conns}", f"-d{seconds}s", "--latency"]
            + extra + ["-s", str(REPO / "bench" / "post.lua"), url])


def run(url, body, seconds, conns, timeout=None, **kw):
    r = subprocess.run(argv(url, seconds, conns, timeout), env=env(body, **kw),
                       capture_output=True, text=True, check=True)
    return parse(r.stdout)


def start(url, body, seconds, conns, timeout=None, **kw):
    """A wrk in the background (e.g. a flood); finish() collects it."""
    return subprocess.Popen(argv(url, seconds, conns, timeout),
                            env=env(body, **kw), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def finish(proc):
    out, err = proc.communicate(timeout=600)
    if proc.returncode != 0:
        raise RuntimeError(f"wrk failed: {err.strip()}")
    return parse(out)


def parse(out):
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    lat = {}
    for pct, val, unit in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$",
                                     out, re.M):
        lat[pct] = float(val) * UNIT[unit]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    total = re.search(r"(\d+) requests in", out)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+),"
                     r" timeout (\d+)", out)
    return {"rps": rps, "p50": lat.get("50"), "p99": lat.get("99"),
            "non2xx": int(bad.group(1)) if bad else 0,
            "requests": int(total.group(1)) if total else 0,
            "errors": sum(map(int, sock.groups())) if sock else 0,
            "statuses": {int(c): int(n) for c, n in
                         re.findall(r"^Status (\d+): (\d+)$", out, re.M)}}
