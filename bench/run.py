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
facility would be.

Then the sign-in figures of bench/signin.py: one argon2id verify, a LOGIN
flood against the stack's nginx rate limit, and, on a bench stack of its
own (DIR/bench-stack, brought down at the end whatever happens), LOGIN
throughput and PING/DASHBOARD with and without a LOGIN flood, then
(bench/device_flood.py, the same bench stack brought up again) a known
device's sign-in against the ordinary lane's under a 40-address guessing
flood. Last, the
cluster figures of bench/cluster.py: the single node against a Galera
cluster (DIR/bench-cluster, likewise brought down) in the same run."""
import argparse
import os
import platform
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import cluster  # noqa: E402
import device_flood  # noqa: E402
import events  # noqa: E402
import fill  # noqa: E402
import series  # noqa: E402
import signin  # noqa: E402
import wrkrun  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


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


def wrk(url, body, seconds, conns, key="", cookie="", readings=0, keys=(),
        rate=0):
    return wrkrun.run(url, body, seconds, conns, key=key, cookie=cookie,
                      readings=readings, keys=keys, rate=rate)


def row(name, r, ref, lines):
    per = f"{r['rps'] * lines:.0f}" if lines else ""
    return (f"| {name} | {r['rps']:.0f} | {per} | {r['p50']:.2f} | "
            f"{r['p99']:.2f} | {r['rps'] / ref['rps']:.2f} | {r['non2xx']} |")


# The empty poll again at the goal's load, half the reference's rate,
# for its latency there (post.lua's BENCH_RATE).
PACED_POLL = "COMMAND.POLL, empty, paced to 0.50 of the reference"
PACED_SHARE = 0.5


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
        (PACED_POLL, "/api/sync", poll, keys["BENCH0"], 0, 0),
        ("COMMAND.POLL, non-empty (max=1, 50 facilities)", "/api/sync", poll,
         "", 0, 0),
        ("READING.PUSH batch of 100", "/api/sync", "", keys["BENCH"], 100, 1),
        ("READING.PUSH batch of 1000", "/api/sync", "", keys["BENCH"], 1000, 2),
    ]


def goals_section(args, base, keys, results):
    """Issue 10's goals, each measured in this run and shown against its
    target: command latency over the facility events, idle subscribers,
    ingest and the empty poll against the ceiling, the dashboard's series
    at two table sizes."""
    by = {n: r for n, r, _, _ in results}
    ceiling = by["nodb responder (reference)"]["rps"]
    lat = events.latency(args.var, args.bin, base, keys)
    idle = events.idle(args.var, args.port, keys)
    dash = series.measure(args.var, args.bin, base, keys, args.seconds)
    small, large = dash["BENCHS1"], dash["BENCHS2"]
    poll, paced = by["COMMAND.POLL, empty"], by[PACED_POLL]
    per_ceiling = [by[f"READING.PUSH batch of {n}"]["rps"] * n / ceiling
                   for n in (100, 1000)]
    mem = (idle["pss_with_kb"] - idle["pss_before_kb"]) / 1024
    return [
        "", "## Goals (issue 10)", "",
        "| goal | target | measured |", "|---|---|---|",
        f"| portal `ALARM.ACK` → `.dat` written by `listen` (events; slow poll 1 h),"
        f" {lat['n']} commands | p50 < 100 ms, p99 < 500 ms |"
        f" p50 {lat['p50']:.0f} ms, p99 {lat['p99']:.0f} ms |",
        f"| {idle['subs']:,} idle subscribed PCs (50 facilities), {idle['window']} s"
        " with the demo agent and mailer paused | no FastCGI request, no statement;"
        f" nginx memory reported | {idle['fcgi']} FastCGI requests,"
        f" {idle['statements']} statements; nginx PSS {idle['pss_before_kb'] / 1024:.1f}"
        f" → {idle['pss_with_kb'] / 1024:.1f} MB ({mem * 1024 / max(1, idle['subs']):.0f} KB"
        " a subscription) |",
        f"| ingest, readings per ceiling request | ≥ 3 | {per_ceiling[0]:.1f} (100-line"
        f" batches), {per_ceiling[1]:.1f} (1000-line) |",
        f"| empty `COMMAND.POLL` at {args.conns} connections | ≥ 0.50 of the ceiling,"
        f" p99 < 5 ms | {poll['rps'] / ceiling:.2f} at saturation (p99"
        f" {poll['p99']:.2f} ms there); paced to {paced['rps'] / ceiling:.2f} of the"
        f" ceiling, p99 {paced['p99']:.2f} ms |",
        f"| `DASHBOARD.SERIES` (7 devices, 24 h a minute) at {small['readings']:,} and"
        f" {large['readings']:,} readings in the table | p50 ratio ≤ 1.5 |"
        f" {large['p50'] / small['p50']:.2f} (p50 {small['p50']:.0f} / {large['p50']:.0f} ms,"
        f" {small['rps']:.0f} / {large['rps']:.0f} req/s at 4 connections) |",
    ]


def signin_section(args, base):
    creds = read_kv(Path(args.var) / "demo-credentials")
    pw = signin.pwtime(args.bin)
    # Half the usual length: a flood nginx refuses is ~5k requests/s,
    # each a line in the stack's error log.
    limited = signin.rate_limited(base, creds, max(3, args.seconds // 2),
                                  args.conns)
    time.sleep(1)
    m = signin.measure(Path(args.var) / "bench-stack", args.bench_port,
                       args.bin, args.seconds, args.conns)
    out = signin.report(pw, limited, m, args.seconds, args.conns,
                        args.bench_port)
    time.sleep(1)
    flood = device_flood.measure(Path(args.var) / "bench-stack",
                                 args.bench_port, args.bin, 4 * args.seconds)
    return out + device_flood.report(flood)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--var", default="var")
    ap.add_argument("--port", default="8080")
    ap.add_argument("--bin", default="bin")
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--conns", type=int, default=32)
    ap.add_argument("--bench-port", type=int, default=18900,
                    help="port of the sign-in bench stack")
    ap.add_argument("--no-signin", action="store_true")
    ap.add_argument("--cluster-port", type=int, default=18910,
                    help="load balancer of the cluster section")
    ap.add_argument("--galera-base", type=int, default=14580)
    ap.add_argument("--no-cluster", action="store_true")
    args = ap.parse_args()
    # make's interrupt and a kill both unwind, so the bench stack comes down.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
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
        rate = PACED_SHARE * results[0][1]["rps"] if name == PACED_POLL else 0
        r = wrk(base + path, body, args.seconds, args.conns, k, readings=lines,
                keys=fill.poll_keys(keys) if "non-empty" in name else (),
                rate=rate)
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
    lines_out += goals_section(args, base, keys, results)
    failed = False
    if not args.no_signin:
        try:
            lines_out += signin_section(args, base)
        except (OSError, RuntimeError, subprocess.SubprocessError) as e:
            # Keep the rows above; say what is missing and fail make.
            lines_out += ["", f"Sign-in bench failed: {e}"]
            failed = True
    if not args.no_cluster:
        try:
            lines_out += cluster.section(args.var, base, args.bin,
                                         args.seconds, args.conns,
                                         args.cluster_port, args.galera_base)
        except (OSError, RuntimeError, subprocess.SubprocessError) as e:
            lines_out += ["", f"Cluster bench failed: {e}"]
            failed = True
    text = "\n".join(lines_out) + "\n"
    print(text)
    out = Path(args.var) / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / "latest.md").write_text(text)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
