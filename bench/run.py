#!/usr/bin/python3
"""make bench: wrk against the running `make run` stack.

Every figure is reported with the no-database FastCGI responder
(/bench/nodb, same nginx, same machine, same run) as the reference, since
these machines are shared and noisy: absolute numbers mean little, ratios
measured minutes apart on the same box mean more. Results go to stdout and
to var/bench/latest.md."""
import argparse
import os
import platform
import re
import subprocess
import sys
import time
from pathlib import Path

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


def wrk(url, body, seconds, conns, key="", cookie=""):
    env = dict(os.environ, BENCH_BODY=body, BENCH_KEY=key,
               BENCH_COOKIE=cookie)
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


def row(name, r, ref):
    return (f"| {name} | {r['rps']:.0f} | {r['p50']:.2f} | {r['p99']:.2f} | "
            f"{r['rps'] / ref['rps']:.2f} | {r['non2xx']} |")


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

    cases = [("nodb responder (reference)", "/bench/nodb", "PING", "")]
    cases += [("sync PING (key check + request log)", "/api/sync", "PING",
               key)]
    results = []
    for name, path, body, k in cases:
        results.append((name, wrk(base + path, body, args.seconds,
                                  args.conns, k)))
        time.sleep(1)
    ref = results[0][1]
    lines = [f"# make bench — {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
             "", f"Machine: {machine()}.",
             f"wrk -t2 -c{args.conns} -d{args.seconds}s through nginx on loopback.",
             "", "| case | req/s | p50 ms | p99 ms | ratio to reference | non-2xx |",
             "|---|---|---|---|---|---|"]
    lines += [row(n, r, ref) for n, r in results]
    text = "\n".join(lines) + "\n"
    print(text)
    out = Path(args.var) / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / "latest.md").write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
