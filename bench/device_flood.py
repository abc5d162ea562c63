#!/usr/bin/python3
"""Known devices under a guessing flood (issue 8 item 10), part of make bench.

On a bench stack of its own (tools/stack.py up --fresh --demo, nginx's
login limit lifted, make run's worker counts: auth.fcgi x2 and the
known-device pool x2), FLOODERS threads send wrong passwords for names
that do not exist in the demo facility, each from a loopback address of
its own (the source-address path the lockout tests use), as fast as they
are answered: 40 addresses at any moment, each replaced by a fresh one
after 25 attempts so that the per-address throttle (30 failures) never
turns the flood into cheap refusals. Meanwhile the demo user signs in
with the right password, one request after another, from its own address:
on the ordinary lane (no cookie: before this item, every sign-in) and on
the known-device lane (with the device cookie an earlier sign-in set).
The figure is each lane's p95 and their ratio, measured in the same run.

    device_flood.py --var DIR --port PORT --bin BIN [--window S]"""
import argparse
import http.client
import itertools
import json
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import signin  # noqa: E402

FLOODERS = 40
ROTATE_AFTER = 25           # attempts per address, under the throttle's 30
WARMUP_S = 3
ORDINARY_THREADS = 3        # an ordinary sign-in waits seconds: more samples
ALONE = 5                   # sign-ins per lane before the flood
LEGIT_ADDRESS = "127.99.0.1"
COOKIE = "__Secure-idev"


def post(port, body, src, cookie=None, timeout=120):
    """(status, device cookie set or None, seconds) of one LOGIN."""
    hdrs = {"Content-Type": "application/x-infosys-command"}
    if cookie:
        hdrs["Cookie"] = f"{COOKIE}={cookie}"
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout,
                                      source_address=(src, 0))
    t0 = time.monotonic()
    try:
        conn.request("POST", "/api/auth", body=body.encode(), headers=hdrs)
        resp = conn.getresponse()
        resp.read()
        got = None
        for k, v in resp.getheaders():
            if k.lower() == "set-cookie" and v.startswith(COOKIE + "="):
                got = v.split(";", 1)[0].split("=", 1)[1]
        return resp.status, got, time.monotonic() - t0
    finally:
        conn.close()


class Flood:
    """FLOODERS threads of wrong passwords until stop()."""

    def __init__(self, port, facility):
        self.port, self.facility = port, facility
        self.stopping = threading.Event()
        self.statuses = {}
        self.lock = threading.Lock()
        self.addresses = itertools.count()
        self.threads = [threading.Thread(target=self.run, args=(i,),
                                         daemon=True)
                        for i in range(FLOODERS)]

    def address(self):
        n = next(self.addresses)
        return f"127.{100 + n // 62500 % 100}.{n // 250 % 250 + 1}.{n % 250 + 1}"

    def run(self, i):
        body = (f"LOGIN facility={self.facility} user=guess{i} "
                f"password=Wrong-guess-{i}")
        while not self.stopping.is_set():
            src = self.address()
            for _ in range(ROTATE_AFTER):
                if self.stopping.is_set():
                    return
                try:
                    status = post(self.port, body, src)[0]
                except OSError:
                    status = "error"
                with self.lock:
                    self.statuses[status] = self.statuses.get(status, 0) + 1

    def __enter__(self):
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        for t in self.threads:
            t.join()
        return False


def sample(port, body, cookie, until, out, pause):
    """Sequential right-password sign-ins until `until`, seconds into out."""
    while time.monotonic() < until:
        status, _, s = post(port, body, LEGIT_ADDRESS, cookie)
        if status != 200:
            raise RuntimeError(f"bench: the demo user's sign-in answered {status}")
        out.append(s)
        time.sleep(pause)


def p95(xs):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(0.95 * (len(xs) - 1))))]


def lanes(port, creds, window):
    body = signin.login_body(creds)
    status, cookie, _ = post(port, body, LEGIT_ADDRESS)
    if status != 200 or not cookie:
        raise RuntimeError("bench: the demo sign-in set no device cookie")
    alone = {"ordinary": [], "known": []}
    for _ in range(ALONE):
        alone["ordinary"].append(post(port, body, LEGIT_ADDRESS)[2])
        alone["known"].append(post(port, body, LEGIT_ADDRESS, cookie)[2])
    ordinary, known = [], []
    with Flood(port, creds["facility"]) as flood:
        time.sleep(WARMUP_S)
        until = time.monotonic() + window
        threads = [threading.Thread(target=sample, args=(
            port, body, None, until, ordinary, 0))
            for _ in range(ORDINARY_THREADS)]
        threads.append(threading.Thread(target=sample, args=(
            port, body, cookie, until, known, 0.2)))
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        statuses = dict(flood.statuses)
    return {"ordinary": ordinary, "known": known, "alone": alone,
            "flood": statuses, "window": window}


def measure(var, port, bindir, window):
    creds_path = Path(var) / "demo-credentials"
    with signin.BenchStack(var, port, bindir):
        return lanes(int(port), signin.read_kv(creds_path), window)


def report(m):
    o, k = m["ordinary"], m["known"]
    if not o or not k:
        return ["", "## Known devices under a guessing flood (issue 8)", "",
                f"Too few samples in {m['window']} s: ordinary {len(o)}, "
                f"known-device {len(k)}."]
    wrong = sum(n for s, n in m["flood"].items() if s == 401)
    a = m["alone"]

    def row(name, xs, alone):
        return (f"| {name} | {len(xs)} | {statistics.median(xs) * 1000:.0f} "
                f"| {p95(xs) * 1000:.0f} | {statistics.median(alone) * 1000:.0f}"
                f" | {p95(xs) / statistics.median(alone):.1f} |")
    return [
        "", "## Known devices under a guessing flood (issue 8)", "",
        f"{FLOODERS} addresses at a time sending wrong passwords as fast as "
        f"they are answered ({wrong:,} answered AUTH_FAILED in "
        f"{m['window'] + WARMUP_S} s; all statuses "
        f"{dict(sorted(m['flood'].items(), key=str))}); the demo user's "
        f"right password meanwhile, one after another, and {ALONE} times on"
        f" each lane before the flood (\"alone\").", "",
        "| lane | sign-ins in the flood | p50 ms | p95 ms | alone p50 ms |"
        " p95 in the flood / alone p50 |", "|---|---|---|---|---|---|",
        row("ordinary (no device cookie)", o, a["ordinary"]),
        row("known device (cookie)", k, a["known"]), "",
        f"Known-device p95 / ordinary p95: **{p95(k) / p95(o):.3f}** "
        f"(goal: known-device p95 < 1 s)."]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--var", required=True)
    ap.add_argument("--port", required=True)
    ap.add_argument("--bin", default="bin")
    ap.add_argument("--window", type=int, default=40)
    args = ap.parse_args()
    m = measure(args.var, args.port, Path(args.bin).resolve(), args.window)
    text = "\n".join(report(m)) + "\n"
    print(text)
    print(json.dumps({k: v for k, v in m.items()}, default=str)[:2000],
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
