"""The Debian package: `dpkg-buildpackage -us -uc -b` on a copy of the
tree builds an installable .deb that lintian passes without errors and
that, unpacked into a clean root, holds the programs, units, conffiles,
docs and man page."""
import glob
import shutil
import subprocess

import pytest

from conftest import REPO


@pytest.fixture(scope="module")
def deb(tmp_path_factory):
    if not shutil.which("dpkg-buildpackage") or not shutil.which("lintian"):
        pytest.fail("dpkg-dev and lintian are needed (tools/deps.sh)")
    work = tmp_path_factory.mktemp("deb")
    src = work / "infosys"
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"],
                           cwd=REPO, capture_output=True, text=True,
                           check=True).stdout.split()
    for name in files:
        if (REPO / name).is_file():
            (src / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, src / name)
    r = subprocess.run(["dpkg-buildpackage", "-us", "-uc", "-b"], cwd=src,
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    debs = glob.glob(str(work / "infosys_*.deb"))
    assert len(debs) == 1, debs
    return debs[0]


def test_lintian_finds_no_errors(deb):
    r = subprocess.run(["lintian", "--fail-on", "error", deb],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def test_package_installs_everything_into_a_clean_root(deb, tmp_path):
    subprocess.run(["dpkg-deb", "-x", deb, str(tmp_path)], check=True)
    for path in ("usr/bin/auth.fcgi", "usr/bin/portal.fcgi", "usr/bin/sync.fcgi",
                 "usr/bin/infosysctl", "usr/share/infosys/schema/010_accounts.sql",
                 "usr/lib/systemd/system/infosys-auth.service",
                 "usr/lib/systemd/system/infosys-purge.timer",
                 "etc/infosys/infosys.conf.example",
                 "usr/share/man/man8/infosysctl.8.gz"):
        assert (tmp_path / path).is_file(), path
    # dh_compress gzips the larger docs
    assert glob.glob(str(tmp_path / "usr/share/doc/infosys/grafana-dashboard.json*"))
    assert not (tmp_path / "usr/bin/nodb.fcgi").exists()
    unit = (tmp_path / "usr/lib/systemd/system/infosys-auth.service").read_text()
    assert "/usr/bin/auth.fcgi" in unit
    control = subprocess.run(["dpkg-deb", "-I", deb], capture_output=True,
                             text=True, check=True).stdout
    assert "spawn-fcgi" in control and "multiwatch" in control
    conffiles = subprocess.run(["dpkg-deb", "--ctrl-tarfile", deb],
                               capture_output=True, check=True).stdout
    assert b"conffiles" in conffiles and b"postinst" in conffiles
