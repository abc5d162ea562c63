"""DASHBOARD.SERIES at 10 thousand and 10 million readings (issue 10):
a user of each series facility signs in, then wrk asks for the dashboard's
series as the page does; p50/p99 and req/s of each, and their ratio."""
import json
import os
import subprocess
import urllib.request
from pathlib import Path

import fill
import wrkrun

USER = "benchviewer"


def login(var, bindir, base, code):
    pw = f"bench-series-{code.lower()}-pw"
    env = dict(os.environ, INFOSYS_CONF=str(Path(var).resolve() / "infosys.conf"))
    subprocess.run([str(Path(bindir) / "infosysctl"), "user", "add", code, USER,
                    "--role", "user"], input=pw + "\n", env=env,
                   capture_output=True, text=True)
    req = urllib.request.Request(
        base + "/api/auth", method="POST",
        data=f"LOGIN facility={code} user={USER} password={pw}".encode(),
        headers={"Content-Type": "application/x-infosys-command"})
    with urllib.request.urlopen(req, timeout=30) as r:
        reply = json.loads(r.read())
        if not reply.get("ok"):
            raise RuntimeError(f"bench login refused: {reply}")
        return r.headers["Set-Cookie"].split(";")[0]


def measure(var, bindir, base, keys, seconds, conns=4):
    ids = fill.ensure_series_facilities(var, bindir, base, keys)
    fill.top_up_series(var, ids)
    out = {}
    for code in fill.SERIES_FACILITIES:
        readings = int(fill.sql(var, "SELECT COUNT(*) FROM readings r JOIN devices d"
                                     f" ON d.id = r.device_id WHERE d.facility_id ="
                                     f" {ids[code]}")[0][0])
        cookie = login(var, bindir, base, code)
        r = wrkrun.run(base + "/api/portal", "DASHBOARD.SERIES", seconds, conns,
                       cookie=cookie)
        r["readings"] = readings
        out[code] = r
    return out
