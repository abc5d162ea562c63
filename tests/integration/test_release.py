"""Releases: `infosysctl release keygen | sign | publish` and UPDATE.CHECK
through nginx (PROTOCOL.md §6).

Releases are global (not per facility), so every test publishes versions
above all earlier ones (new_version()) and asks with versions just below
its own."""
import base64
import hashlib
import os
import stat
import time
import uuid

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from conftest import api, create_facility, ctl, sync

_last = [0]


def new_version():
    """A major version above every one published so far in this run."""
    major = max(int(time.time() * 1000) % 10**15, _last[0] + 1)
    _last[0] = major
    return str(major)


def check(key, version, channel=None):
    body = f"UPDATE.CHECK version={version}" + (f" channel={channel}" if channel else "")
    status, _, reply = sync(key, body, "PC-REL")
    assert status == 200, reply
    return reply["data"]


@pytest.fixture(scope="module")
def keys(stack, tmp_path_factory):
    d = tmp_path_factory.mktemp("relkey")
    ctl("release", "keygen", "--out", d)
    pkg = d / "infosys-setup.msi"
    pkg.write_bytes(os.urandom(4096))
    return d, pkg


@pytest.fixture(scope="module")
def pc_key(stack):
    return create_facility("R" + uuid.uuid4().hex[:8].upper(), "Release test")


def publish(keys, version, channel="stable", url=None):
    d, pkg = keys
    url = url or f"https://updates.example.org/infosys-{version}.msi"
    return ctl("release", "publish", "--key", d / "release.key", "--version",
               version, "--channel", channel, "--url", url, "--file", pkg)


def test_keygen_modes_and_no_overwrite(keys):
    d, _ = keys
    assert stat.S_IMODE((d / "release.key").stat().st_mode) == 0o600
    assert len(base64.b64decode((d / "release.pub").read_text())) == 32
    before = (d / "release.key").read_bytes()
    r = ctl("release", "keygen", "--out", d, check=False)
    assert r.returncode == 1 and (d / "release.key").read_bytes() == before


def test_publish_and_check(keys, pc_key):
    v = new_version()
    publish(keys, f"{v}.2.0")
    data = check(pc_key, f"{v}.1.9")
    assert data["update"] is True and data["version"] == f"{v}.2.0"
    assert data["channel"] == "stable"
    assert data["sha256"] == hashlib.sha256(keys[1].read_bytes()).hexdigest()
    fields = dict(line.split("=", 1) for line in data["manifest"].splitlines())
    assert data["manifest"].endswith("\n")
    assert {k: fields[k] for k in ("version", "url", "sha256", "channel")} == \
        {k: data[k] for k in ("version", "url", "sha256", "channel")}
    assert fields["published"] == data["published"]
    pub = Ed25519PublicKey.from_public_bytes(
        base64.b64decode((keys[0] / "release.pub").read_text()))
    pub.verify(base64.b64decode(data["signature"]), data["manifest"].encode())
    assert check(pc_key, f"{v}.2.0") == {"update": False}
    assert check(pc_key, f"{v}.2") == {"update": False}
    assert check(pc_key, f"{v}.2.0-rc3") == {"update": False}


def test_versions_compare_numerically(keys, pc_key):
    v = new_version()
    publish(keys, f"{v}.9")
    publish(keys, f"{v}.10")
    assert check(pc_key, f"{v}.9")["version"] == f"{v}.10"
    assert check(pc_key, f"{v}.10") == {"update": False}
    assert check(pc_key, f"{v}.11") == {"update": False}


def test_beta_runs_ahead_of_stable(keys, pc_key):
    v = new_version()
    publish(keys, f"{v}.1", "stable")
    publish(keys, f"{v}.2", "beta")
    assert check(pc_key, f"{v}.0")["version"] == f"{v}.1"
    assert check(pc_key, f"{v}.0", "stable")["version"] == f"{v}.1"
    beta = check(pc_key, f"{v}.0", "beta")
    assert beta["version"] == f"{v}.2" and beta["channel"] == "beta"
    assert check(pc_key, f"{v}.1") == {"update": False}


def test_sign_matches_publish(keys, pc_key, tmp_path):
    v = new_version()
    publish(keys, v)
    data = check(pc_key, "0.1")
    manifest = tmp_path / "manifest.txt"
    manifest.write_text(data["manifest"])
    r = ctl("release", "sign", "--key", keys[0] / "release.key", manifest)
    # Ed25519 is deterministic: the same key over the same text.
    assert r.stdout.strip() == data["signature"]
    ctl("release", "sign", "--key", keys[0] / "release.key", "--out",
        tmp_path / "sig", manifest)
    assert (tmp_path / "sig").read_text().strip() == data["signature"]


def test_sign_refuses_what_a_pc_would_refuse(keys, tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("version=1.0\nchannel=stable\nurl=https://a.example/x\n")
    r = ctl("release", "sign", "--key", keys[0] / "release.key", bad, check=False)
    assert r.returncode == 1 and r.stdout == ""


def test_publish_refusals(keys, tmp_path):
    v = new_version()
    publish(keys, v)
    d, pkg = keys
    r = ctl("release", "publish", "--key", d / "release.key", "--version",
            f"{v}.0", "--url", "https://a.example/x", "--file", pkg, check=False)
    assert r.returncode == 1 and "already published" in r.stderr
    for version, url in (("1.x", "https://a.example/x"),
                         ("1.2.3.4.5", "https://a.example/x"),
                         ("9.0", "ftp://a.example/x"),
                         ("9.0", "https://a.example/a b")):
        r = ctl("release", "publish", "--key", d / "release.key", "--version",
                version, "--url", url, "--file", pkg, check=False)
        assert r.returncode != 0, (version, url)
    loose = tmp_path / "loose.key"
    loose.write_bytes((d / "release.key").read_bytes())
    loose.chmod(0o644)
    r = ctl("release", "publish", "--key", loose, "--version", "9.0", "--url",
            "https://a.example/x", "--file", pkg, check=False)
    assert r.returncode == 1 and "chmod 600" in r.stderr


def test_update_check_needs_the_sync_key_and_a_version(pc_key):
    status, _, reply = api("/api/sync", "UPDATE.CHECK version=1.0",
                           {"Authorization": "Bearer nope", "Infosys-PC": "X"})
    assert status == 401 and reply["error"]["code"] == "AUTH_REQUIRED"
    status, _, reply = sync(pc_key, "UPDATE.CHECK version=beta")
    assert status == 400 and reply["error"]["code"] == "BAD_ARGUMENT"
    status, _, reply = sync(pc_key, "UPDATE.CHECK")
    assert status == 400
