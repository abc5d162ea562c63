"""The Debian package: `dpkg-buildpackage -us -uc -b` on a copy of the
tree builds an installable .deb that lintian passes without errors and
that, unpacked into a clean root, holds the programs, units, conffiles,
docs and man page; `dpkg --root` installs, configures, removes and purges
it there with its maintainer scripts, leaving the host untouched."""
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


def dpkg_root(root, *args):
    """dpkg on the clean root: maintainer scripts run outside a chroot
    (the root has no shell) with DPKG_ROOT set, which they honour; the
    libraries the package depends on are the host's, so not checked."""
    return subprocess.run(["dpkg", f"--root={root}", "--force-script-chrootless",
                           "--force-depends", "--log=/dev/null", *args],
                          capture_output=True, text=True)


def query(root, fmt):
    return subprocess.run(["dpkg-query", f"--root={root}", "-W", "-f", fmt,
                           "infosys"], capture_output=True, text=True).stdout


def test_dpkg_root_installs_configures_removes_and_purges(deb, tmp_path):
    root = tmp_path / "root"
    for d in ("var/lib/dpkg/info", "var/lib/dpkg/updates", "etc"):
        (root / d).mkdir(parents=True)
    (root / "var/lib/dpkg/status").write_text("")
    for name in ("passwd", "group"):
        lines = open(f"/etc/{name}").read().splitlines()
        (root / "etc" / name).write_text(lines[0] + "\n")     # root only
    for name in ("shadow", "gshadow"):
        (root / "etc" / name).write_text("")
        (root / "etc" / name).chmod(0o640)
    host = {n: open(f"/etc/{n}").read() for n in ("passwd", "group")}

    r = dpkg_root(root, "-i", deb)
    assert r.returncode == 0, r.stdout + r.stderr
    assert query(root, "${Status} ${Version}") == "install ok installed 1.0.0"
    listed = subprocess.run(["dpkg-query", f"--root={root}", "-L", "infosys"],
                            capture_output=True, text=True).stdout
    for path in ("/usr/bin/infosysctl", "/usr/bin/auth.fcgi",
                 "/usr/lib/systemd/system/infosys-sync.service",
                 "/etc/infosys/infosys.conf.example"):
        assert path in listed and (root / path[1:]).is_file(), path
    assert "/etc/infosys/infosys.conf.example" in query(root, "${Conffiles}")
    # postinst made the service user in the root, and only there
    user = [l for l in (root / "etc/passwd").read_text().splitlines()
            if l.startswith("infosys:")]
    assert len(user) == 1 and user[0].split(":")[5] == "/nonexistent"
    gid = [l.split(":")[2] for l in (root / "etc/group").read_text().splitlines()
           if l.startswith("infosys:")]
    st = (root / "etc/infosys").stat()
    assert [str(st.st_gid)] == gid and st.st_mode & 0o777 == 0o750
    assert {n: open(f"/etc/{n}").read() for n in ("passwd", "group")} == host
    v = subprocess.run([str(root / "usr/bin/infosysctl"), "--version"],
                       capture_output=True, text=True)
    assert v.returncode == 0 and v.stdout.startswith("infosysctl 1.0.0")

    # remove keeps the configuration; purge takes it and what postinst
    # would have written, and leaves the sealing key alone
    (root / "etc/infosys/infosys.conf").write_text("[database]\n")
    (root / "etc/infosys/secret.key").write_bytes(b"k" * 32)
    r = dpkg_root(root, "-r", "infosys")
    assert r.returncode == 0, r.stdout + r.stderr
    assert not (root / "usr/bin/infosysctl").exists()
    assert (root / "etc/infosys/infosys.conf.example").is_file()
    assert query(root, "${Status}") == "deinstall ok config-files"
    r = dpkg_root(root, "--purge", "infosys")
    assert r.returncode == 0, r.stdout + r.stderr
    assert not (root / "etc/infosys/infosys.conf.example").exists()
    assert not (root / "etc/infosys/infosys.conf").exists()
    assert (root / "etc/infosys/secret.key").is_file()
