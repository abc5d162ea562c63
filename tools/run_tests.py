#!/usr/bin/python3
"""The test runner behind `make test`: unit tests, then integration tests
through nginx against a fresh private stack, then the browser tests
(tests/browser, headless Chromium) against another fresh one; one
summary line at the end.

    run_tests.py --bin BINDIR --build BUILDDIR --var DIR --port N [--sanitize]

Each unit test binary ends with `name: N passed, N failed`. Without
--sanitize they run under valgrind (leaks fail them); with it, the
binaries carry ASan/UBSan themselves. The stack in DIR is always brought
down at the end; a `make run` stack (another DIR and port) is not touched.
"""
import argparse
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PYTHON = "/usr/bin/python3"
VALGRIND = ["valgrind", "--leak-check=full", "--error-exitcode=1", "--quiet"]
SUMMARY = re.compile(r"^(\S+): (\d+) passed, (\d+) failed$")
SANITIZER = re.compile(r"==\d+==ERROR: \w+Sanitizer|: runtime error: ")
# Integration tests fire 50 logins at once; nginx's limit stays out of it.
# How every test stack differs from `make run`'s (conftest.py uses it too):
# nginx's login rate limit out of the way of tests that fire 50 logins at
# once, and leases short enough to watch expire.
TEST_STACK = ["--auth-rate", "1000r/s", "--auth-burst", "1000",
              "--set", "sync.lease_s=2", "--set", "sync.daily_lease_s=3",
              "--set", "alerts.operator_email=operator@infosys.test"]


def unit_binaries(build):
    tests = Path(build) / "tests"
    if not tests.is_dir():
        return []
    return sorted(p for p in tests.glob("test_*")
                  if p.is_file() and os.access(p, os.X_OK))


def run_unit(binary, sanitize):
    """(passed, failed) of one binary; a crash or a missing summary line
    counts as one failure on top of what it reported."""
    argv = [str(binary)] if sanitize else VALGRIND + [str(binary)]
    r = subprocess.run(argv, capture_output=True, text=True,
                       stdin=subprocess.DEVNULL, cwd=REPO)
    lines = r.stdout.strip().splitlines()
    match = SUMMARY.match(lines[-1]) if lines else None
    passed, failed = (int(match[2]), int(match[3])) if match else (0, 0)
    if r.returncode != 0 or not match:
        failed = max(failed, 1)
        sys.stdout.write(r.stdout[-4000:] + r.stderr[-4000:])
        why = "no summary line" if not match else f"exit {r.returncode}"
        print(f"  {binary.name}: FAILED ({why})")
    return passed, failed


def run_units(build, sanitize):
    total_p = total_f = 0
    binaries = unit_binaries(build)
    mode = "sanitizers" if sanitize else "valgrind"
    print(f"== unit tests ({len(binaries)} binaries, {mode})")
    for binary in binaries:
        p, f = run_unit(binary, sanitize)
        print(f"  {binary.name}: {p} passed, {f} failed")
        total_p, total_f = total_p + p, total_f + f
    return total_p, total_f


def stack(*args):
    argv = [PYTHON, str(REPO / "tools" / "stack.py")] + list(args)
    return subprocess.run(argv, stdin=subprocess.DEVNULL, cwd=REPO)


def junit_counts(path):
    """(passed, failed) from pytest's JUnit XML; errors and a missing
    report count as failures, skips as neither."""
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError):
        return 0, 1
    suites = [root] if root.tag == "testsuite" else root.iter("testsuite")
    passed = failed = 0
    for s in suites:
        bad = int(s.get("failures", 0)) + int(s.get("errors", 0))
        passed += int(s.get("tests", 0)) - bad - int(s.get("skipped", 0))
        failed += bad
    return passed, failed


def sanitizer_reports(log_dir):
    """Failures the sanitizers found inside FastCGI workers: multiwatch
    replaces a crashed worker, so a test may pass while one died."""
    found = 0
    for log in sorted(Path(log_dir).glob("*.log")):
        lines = log.read_text(errors="replace").splitlines()
        hits = [i for i, line in enumerate(lines) if SANITIZER.search(line)]
        if hits:
            found += 1
            print(f"  {log.name}: {len(hits)} sanitizer report(s); first:")
            print("\n".join(lines[hits[0]:hits[0] + 12]))
    return found


def run_integration(args):
    """(passed, failed) of the integration tests and of the browser tests,
    each suite against a fresh stack of its own: the integration tests
    leave sign-in failures from 127.0.0.1 behind, and the browser (which
    cannot pick its source address) would meet that address's throttle.
    A sanitizer report in a stack's FastCGI logs is a failure."""
    var = Path(args.var).resolve()
    print(f"== integration tests (stack in {var}, port {args.port})")
    (passed, failed) = on_fresh_stack(args, var, run_pytest)
    browser = on_fresh_stack(args, var, run_browser)
    return (passed, failed), browser


def on_fresh_stack(args, var, suite):
    """suite(args, var, env) run against a stack brought up fresh in var
    and taken down after; its (passed, failed), failed counting each
    FastCGI log with sanitizer reports."""
    try:
        up = stack("up", "--var", str(var), "--port", str(args.port),
                   "--bin", args.bin, "--fresh", *TEST_STACK)
        if up.returncode != 0:
            print("  stack did not come up")
            return 0, 1
        env = dict(os.environ, INFOSYS_TEST_VAR=str(var),
                   INFOSYS_TEST_PORT=str(args.port),
                   INFOSYS_TEST_BIN=str(Path(args.bin).resolve()))
        passed, failed = suite(args, var, env)
    finally:
        stack("down", "--var", str(var))
    bad = sanitizer_reports(var / "log")
    if bad:
        print(f"  FastCGI logs with sanitizer reports: {bad} (each a failure)")
    return passed, failed + bad


BROWSER_DIR = REPO / "tests" / "browser"
CHROMIUM = "/usr/bin/chromium"
TAP_COUNT = re.compile(r"^# (pass|fail|cancelled) (\d+)$")


def run_browser(args, var, env):
    """(passed, failed) of tests/browser (node --test): npm ci, then the
    tests in Debian's headless Chromium. A missing chromium or node is a
    failure, not a skip: the portal would go untested."""
    print("== browser tests (tests/browser, headless Chromium)")
    for tool in (CHROMIUM, "/usr/bin/node", "/usr/bin/npm"):
        if not os.access(tool, os.X_OK):
            print(f"  {tool} is missing (tools/deps.sh installs it)")
            return 0, 1
    ci = subprocess.run(["npm", "ci", "--no-audit", "--no-fund"],
                        cwd=BROWSER_DIR, stdin=subprocess.DEVNULL,
                        capture_output=True, text=True)
    if ci.returncode != 0:
        print("  npm ci failed:\n" + ci.stdout[-2000:] + ci.stderr[-2000:])
        return 0, 1
    r = subprocess.run(["node", "--test", "--test-reporter=tap",
                        "--test-concurrency=1", "--test-timeout=600000"],
                       cwd=BROWSER_DIR, env=env, stdin=subprocess.DEVNULL,
                       capture_output=True, text=True)
    counts = {}
    for line in r.stdout.splitlines():
        m = TAP_COUNT.match(line)
        if m:
            counts[m[1]] = int(m[2])
    passed = counts.get("pass", 0)
    failed = counts.get("fail", 0) + counts.get("cancelled", 0)
    if r.returncode != 0 or "pass" not in counts:
        failed = max(failed, 1)
        log = var / "browser.log"
        log.write_text(r.stdout + r.stderr)
        fails = [l for l in r.stdout.splitlines() if l.startswith("not ok")]
        print("\n".join("  " + l for l in fails[:20]) +
              f"\n  (full output in {log})")
    print(f"  browser: {passed} passed, {failed} failed")
    return passed, failed


def run_pytest(args, var, env):
    junit = var / "junit.xml"
    subprocess.run([PYTHON, "-m", "pytest", "tests/integration", "-q",
                    "-p", "no:cacheprovider", f"--junitxml={junit}"],
                   env=env, cwd=REPO, stdin=subprocess.DEVNULL)
    passed, failed = junit_counts(junit)
    print(f"  integration: {passed} passed, {failed} failed")
    return passed, failed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", required=True)
    parser.add_argument("--build", required=True)
    parser.add_argument("--var", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--sanitize", action="store_true")
    args = parser.parse_args()
    unit_p, unit_f = run_units(args.build, args.sanitize)
    (int_p, int_f), (web_p, web_f) = run_integration(args)
    print(f"== units {unit_p} passed, {unit_f} failed; "
          f"integration {int_p} passed, {int_f} failed; "
          f"browser {web_p} passed, {web_f} failed")
    print(f"{unit_p + int_p + web_p} passed, {unit_f + int_f + web_f} failed")
    return 1 if unit_f + int_f + web_f else 0


if __name__ == "__main__":
    sys.exit(main())
