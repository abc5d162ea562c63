#!/usr/bin/python3
"""make bench: wrk against the running `make run` stack.

Every figure is reported with the no-database FastCGI responder
(/bench/nodb, same nginx, same machine, same run) as the reference, since
these machines are shared and noisy: absolute numbers mean little, ratios
measured minutes apart on the same box mean more. Batches are compared with
the responder reading a body of the same size. Results go to stdout and
to var/bench/latest.md.

The sync cases run on two facilities of their own (BENCH, with a supply of
due commands, and BENCH0, with none due) whose keys are kept in
DIR/bench/keys, and with the readings and commands tables first filled to
at least a million rows each (bench/fill.py), as two years of a real
facility would be."""
import argparse
import os
import platform
import random
import re
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fill  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
UNIT = {"us": 1e-3, "ms": 1.0, "s": 1000.0}


def machine():
    model = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    return f"{os.cpu_count()} cores, {model}, {platform.platform()}"


def read_kv(path):
    out = {}
    for line in Path(path).read_text().splitlines():
        k, _, v = line.partition("=")
        out[k.strip()] = v.strip()
    return out


def wrk(url, body, seconds, conns, key="", cookie="", readings=0, keys=()):
    env = dict(os.environ, BENCH_BODY=body, BENCH_KEY=key,
               BENCH_KEYS=",".join(keys),
               BENCH_COOKIE=cookie, BENCH_READINGS=str(readings),
               BENCH_DEVICES=str(fill.PUSH_DEVICES),
               BENCH_DEVPREFIX=fill.PUSH_PREFIX,
               BENCH_TS_BASE=str(int(time.time()) - 40 * 86400
                                 - random.randrange(4 * 365 * 86400)))
    r = subprocess.run(["wrk", "-t2", f"-c{conns}", f"-d{seconds}s",
                        "--latency", "-s", str(REPO / "bench" / "post.lua"),
                        url], env=env, capture_output=True, text=True,
                       check=True)
    return parse(r.stdout)


def parse(out):
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    lat = {}
    for pct, val, unit in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$",
                                     out, re.M):
        lat[pct] = float(val) * UNIT[unit]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "p50": lat.get("50"), "p99": lat.get("99"),
            "non2xx": int(bad.group(1)) if bad else 0}


def row(name, r, ref, lines):
    per = f"{r['rps'] * lines:.0f}" if lines else ""
    return (f"| {name} | {r['rps']:.0f} | {per} | {r['p50']:.2f} | "
            f"{r['p99']:.2f} | {r['rps'] / ref['rps']:.2f} | {r['non2xx']} |")


def cases(demo_key, keys):
    """(name, path, body, key, readings per request, reference index)."""
    poll = "COMMAND.POLL max=1"
    return [
        ("nodb responder (reference)", "/bench/nodb", "PING", "", 0, 0),
        ("nodb, 100-line body (reference)", "/bench/nodb", "", "", 100, 1),
        ("nodb, 1000-line body (reference)", "/bench/nodb", "", "", 1000, 2),
        ("sync PING (key check + request log)", "/api/sync", "PING",
         demo_key, 0, 0),
        ("COMMAND.POLL, empty", "/api/sync", poll, keys["BENCH0"], 0, 0),
        ("COMMAND.POLL, non-empty (max=1, 50 facilities)", "/api/sync", poll,
         "", 0, 0),
        ("READING.PUSH batch of 100", "/api/sync", "", keys["BENCH"], 100, 1),
        ("READING.PUSH batch of 1000", "/api/sync", "", keys["BENCH"], 1000, 2),
    ]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--var", default="var")
    ap.add_argument("--port", default="8080")
    ap.add_argument("--bin", default="bin")
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--conns", type=int, default=32)
    args = ap.parse_args()
    base = f"http://127.0.0.1:{args.port}"
    creds = Path(args.var) / "demo-credentials"
    if not creds.exists():
        sys.exit("bench: no running stack with demo data; run `make run`")
    key = read_kv(creds)["sync_key"]
    keys, sizes = fill.prepare(args.var, args.bin, base)

    results = []
    for name, path, body, k, lines, ref in cases(key, keys):
        if "non-empty" in name:
            fill.ensure_due(args.var, keys)
        started = time.time()
        r = wrk(base + path, body, args.seconds, args.conns, k, readings=lines,
                keys=fill.poll_keys(keys) if "non-empty" in name else ())
        if "non-empty" in name:
            r["leased"] = fill.leased_since(args.var, started)
        results.append((name, r, lines, ref))
        time.sleep(1)
    lines_out = [f"# make bench — {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
                 "", f"Machine: {machine()}.",
                 f"wrk -t2 -c{args.conns} -d{args.seconds}s through nginx on loopback.",
                 f"Tables: readings {sizes['readings']:,} rows, commands "
                 f"{sizes['commands']:,} rows.",
                 "", "| case | req/s | readings/s | p50 ms | p99 ms | ratio to reference | non-2xx |",
                 "|---|---|---|---|---|---|---|"]
    lines_out += [row(n, r, results[ref][1], lines) for n, r, lines, ref in results]
    leased = [r.get("leased") for _, r, _, _ in results if "leased" in r]
    if leased:
        lines_out += ["", f"Non-empty polls leased {leased[0]:,} commands in "
                          f"{args.seconds} s (one per poll; {fill.POLL_FACILITIES} facilities"
                          f" x {fill.DUE_EACH} due at the start)."]
    text = "\n".join(lines_out) + "\n"
    print(text)
    out = Path(args.var) / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / "latest.md").write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
