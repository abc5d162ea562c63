"""`make install` into a staging root: programs, units, configuration
example, docs and man page, no benchmark-only binary; the units' sandboxing
scores below 5 in `systemd-analyze security`."""
import re
import subprocess

import pytest

from conftest import REPO


@pytest.fixture(scope="module")
def staged(tmp_path_factory):
    root = tmp_path_factory.mktemp("install")
    subprocess.run(["make", "-s", "install", f"DESTDIR={root}", "PREFIX=/usr"],
                   cwd=REPO, check=True, capture_output=True)
    return root


def test_install_puts_everything_a_host_needs(staged):
    for path in ("usr/bin/auth.fcgi", "usr/bin/portal.fcgi", "usr/bin/sync.fcgi",
                 "usr/bin/infosysctl", "usr/share/infosys/schema/001_init.sql",
                 "usr/share/infosys/www/index.html",
                 "usr/lib/systemd/system/infosys-sync.service",
                 "usr/lib/systemd/system/infosys-purge.timer",
                 "usr/lib/sysusers.d/infosys.conf",
                 "etc/infosys/infosys.conf.example",
                 "usr/share/doc/infosys/nginx.conf.example",
                 "usr/share/man/man8/infosysctl.8.gz"):
        assert (staged / path).is_file(), path
    assert not (staged / "usr/bin/nodb.fcgi").exists()
    unit = (staged / "usr/lib/systemd/system/infosys-sync.service").read_text()
    assert "/usr/bin/sync.fcgi" in unit and "/usr/local" not in unit
    assert re.search(r"^User=infosys$", unit, re.M)
    out = subprocess.run([str(staged / "usr/bin/sync.fcgi"), "--version"],
                         capture_output=True, text=True, check=True).stdout
    assert re.match(r"sync\.fcgi \d+\.\d+\.\d+ \(schema \d+\)", out)


@pytest.mark.parametrize("unit", ["auth", "auth-device", "portal", "sync", "mail", "purge"])
def test_unit_sandboxing_scores_below_5(staged, unit):
    path = staged / f"usr/lib/systemd/system/infosys-{unit}.service"
    r = subprocess.run(["systemd-analyze", "security", "--offline=true",
                        "--threshold=5", str(path)],
                       capture_output=True, text=True)
    score = re.search(r"Overall exposure level for \S+: ([\d.]+)", r.stdout)
    assert score, r.stdout + r.stderr
    assert float(score.group(1)) < 5, r.stdout[-2000:]


def test_grafana_dashboard_uses_only_metrics_the_programs_export(staged):
    import json
    dash = json.loads((staged / "usr/share/doc/infosys/grafana-dashboard.json")
                      .read_text())
    exported = {"infosys_requests_total", "infosys_request_duration_seconds_bucket",
                "infosys_request_duration_seconds_sum",
                "infosys_request_duration_seconds_count", "infosys_alerts_total"}
    names = set()
    for panel in dash["panels"]:
        for target in panel["targets"]:
            names |= set(re.findall(r"\binfosys_\w+", target["expr"]))
    assert names and names <= exported, names - exported
    src = (REPO / "src/http/metrics.c").read_text()
    for name in names:
        assert name.rsplit("_bucket", 1)[0] in src
