"""infosys-agent against the real stack: push from CSV, listen's atomic
.dat files and acks (also across a SIGKILL), daily, and update-check
refusing forged signatures and altered manifests.

Leases are the test stack's short ones ([sync] lease_s = 2)."""
import os
import signal
import subprocess
import time
import uuid

import pytest

from conftest import create_facility, ctl, queue_command, sql

_last = [0]


class Agent:
    """One facility, its sync key in a 0600 file, an INI naming it all."""

    def __init__(self, stack, tmp):
        self.stack, self.tmp = stack, tmp
        self.code = "A" + uuid.uuid4().hex[:10].upper()
        key = create_facility(self.code, "Agent test")
        self.fid = int(sql("SELECT id FROM facilities WHERE code = "
                                  f"'{self.code}'")[0][0])
        keyfile = tmp / "sync.key"
        keyfile.write_text(key + "\n")
        keyfile.chmod(0o600)
        self.commands = tmp / "commands"
        self.commands.mkdir()
        self.conf = tmp / "agent.ini"
        self.conf.write_text(
            "[agent]\n"
            f"url = {stack.base_url}\n"
            f"key_file = {keyfile}\n"
            "pc = PC-AGENT\n"
            f"commands = {self.commands}\n"
            "poll_ms = 100\n"
            # A lapsed lease sends no event: the slow poll finds it again,
            # as quickly as the test stack's 2-second leases.
            "slow_poll_s = 1\n")

    def argv(self, *args):
        return [str(self.stack.bin / "infosys-agent"), "--conf", str(self.conf)] + \
            [str(a) for a in args]

    def run(self, *args, stdin=None):
        return subprocess.run(self.argv(*args), input=stdin, text=True,
                              capture_output=True, timeout=60)

    def start(self, *args):
        return subprocess.Popen(self.argv(*args), stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)

    def queue(self, line):
        return queue_command(self.fid, line)

    def status(self, cid):
        return sql(f"SELECT status FROM commands WHERE id = {cid}")[0][0]


@pytest.fixture
def agent(stack, tmp_path):
    return Agent(stack, tmp_path)


def wait_for(cond, seconds=15):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if cond():
            return True
        time.sleep(0.05)
    return False


def stop(proc, sig=signal.SIGTERM):
    proc.send_signal(sig)
    try:
        return proc.wait(timeout=10)
    finally:
        proc.stdout.close()
        proc.stderr.close()


def temp_files(agent):
    return sorted(p.name for p in agent.commands.iterdir() if p.name.startswith("."))


CSV = """type,id,a,b,c,d,e
device,F1,fridge,"Pharmacy fridge, left",C
device,Z1,freezer,Lab freezer
reading,F1,2024-05-01T10:00:00Z,4.5
reading,F1,2024-05-01T10:01:00Z,4.75
reading,Z1,2024-05-01T10:00:00Z,-20.1
queue,LAB,2024-05-01T10:00:00Z,5,30
alarm,A1,F1,active,high,2024-05-01T10:02:00Z,"Door left open, 9.1C"
"""


def test_push_csv_lands(agent, tmp_path):
    src = tmp_path / "in.csv"
    src.write_text(CSV)
    r = agent.run("push", src)
    assert r.returncode == 0, r.stderr
    assert "pushed 7 lines in 1 batches" in r.stdout
    rows = sql("SELECT d.ext_id, r.value FROM readings r JOIN devices d"
               f" ON d.id = r.device_id WHERE d.facility_id = {agent.fid}"
               " ORDER BY d.ext_id, r.ts")
    assert rows == [["F1", "4.50"], ["F1", "4.75"], ["Z1", "-20.10"]]
    assert sql("SELECT location FROM devices WHERE facility_id ="
               f" {agent.fid} AND ext_id = 'F1'") == [["Pharmacy fridge, left"]]
    assert sql("SELECT message FROM alarms WHERE facility_id ="
               f" {agent.fid}") == [["Door left open, 9.1C"]]
    # Again: a retry converges, nothing doubles.
    assert agent.run("push", src).returncode == 0
    assert len(sql("SELECT 1 FROM readings r JOIN devices d ON"
                   f" d.id = r.device_id WHERE d.facility_id = {agent.fid}")) == 3


def test_push_stdin_batches_of_1000(agent):
    lines = ["device,S1,room,Store room"]
    start = 1714557600  # 2024-05-01T10:00:00Z
    for i in range(1500):
        ts = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(start + 60 * i))
        lines.append(f"reading,S1,{ts},{20 + (i % 7) / 10:.2f}")
    r = agent.run("push", stdin="\n".join(lines) + "\n")
    assert r.returncode == 0, r.stderr
    assert "pushed 1501 lines in 2 batches" in r.stdout
    assert sql("SELECT COUNT(*) FROM readings r JOIN devices d ON"
               f" d.id = r.device_id WHERE d.facility_id = {agent.fid}") == [["1500"]]


def test_push_refused_batch_names_the_input_line(agent):
    r = agent.run("push", stdin="device,F1,fridge,Fridge\n\n# note\n"
                                "reading,F1,2024-05-01T10:00:00Z,4.5\n"
                                "reading,F1,2024-05-01T10:01:00Z,999\n")
    assert r.returncode == 1
    assert "BAD_ARGUMENT" in r.stderr and "input line 5" in r.stderr
    assert sql("SELECT COUNT(*) FROM devices WHERE facility_id ="
               f" {agent.fid}") == [["0"]]
    r = agent.run("push", stdin="bogus,1,2\n")
    assert r.returncode == 1 and "unknown record" in r.stderr


def test_listen_writes_atomically_and_acks(agent):
    lines = ['MESSAGE.POST board=B1 user=alice text="Staff meeting 15:30"',
             "REPORT.REQUEST kind=inventory user=bob",
             "ATTENDANCE.CLOCK action=in user=carol ts=2024-05-01T08:00:00Z"]
    ids = [agent.queue(line) for line in lines]
    proc = agent.start("listen")
    try:
        assert wait_for(lambda: all(agent.status(i) == "done" for i in ids))
    finally:
        assert stop(proc) == 0
    for cid, line in zip(ids, lines):
        assert (agent.commands / f"{cid}.dat").read_text() == line + "\n"
    assert temp_files(agent) == []


def test_listen_killed_before_rename_leaves_no_dat(agent):
    cid = agent.queue("MESSAGE.POST board=B2 user=alice text=\"Fire drill at 11\"")
    dat = agent.commands / f"{cid}.dat"
    proc = agent.start("--test-pause", "temp:20000", "listen")
    try:
        assert wait_for(lambda: temp_files(agent) == [f".{cid}.dat.tmp"])
    finally:
        stop(proc, signal.SIGKILL)
    assert not dat.exists() and agent.status(cid) == "delivered"
    # The next start removes the temporary file; after the lease the
    # command comes again and is written once.
    proc = agent.start("listen")
    try:
        assert wait_for(lambda: agent.status(cid) == "done", 20)
    finally:
        assert stop(proc) == 0
    assert dat.read_text() == 'MESSAGE.POST board=B2 user=alice text="Fire drill at 11"\n'
    assert temp_files(agent) == []


def test_listen_killed_before_ack_writes_once(agent):
    cid = agent.queue("REPORT.REQUEST kind=temperature user=alice")
    dat = agent.commands / f"{cid}.dat"
    proc = agent.start("--test-pause", "renamed:20000", "listen")
    try:
        assert wait_for(dat.exists)
    finally:
        stop(proc, signal.SIGKILL)
    first = dat.stat()
    assert agent.status(cid) == "delivered"
    proc = agent.start("listen")
    try:
        assert wait_for(lambda: agent.status(cid) == "done", 20)
    finally:
        assert stop(proc) == 0
    again = dat.stat()
    assert (again.st_ino, again.st_mtime_ns) == (first.st_ino, first.st_mtime_ns)
    assert dat.read_text() == "REPORT.REQUEST kind=temperature user=alice\n"
    assert sorted(os.listdir(agent.commands)) == [f"{cid}.dat"]


def test_listen_stops_on_sigint_when_idle(agent):
    proc = agent.start("listen")
    time.sleep(0.5)
    assert stop(proc, signal.SIGINT) == 0


def test_daily_claims_once(agent, tmp_path):
    r = agent.run("daily")
    assert r.returncode == 0 and "claimed and reported ok" in r.stdout, r.stderr
    other = agent.argv("--pc", "PC-OTHER", "daily")
    r = subprocess.run(other, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and "belongs to another PC" in r.stdout
    assert sql("SELECT COUNT(*) FROM sync_log WHERE facility_id ="
               f" {agent.fid}") == [["1"]]


# ------------------------------------------------------------ update-check

def new_version():
    major = max(int(time.time() * 1000) % 10**15, _last[0] + 1)
    _last[0] = major
    return str(major)


@pytest.fixture(scope="module")
def release_keys(stack, tmp_path_factory):
    d = tmp_path_factory.mktemp("agentrel")
    (d / "good").mkdir()
    (d / "rogue").mkdir()
    ctl("release", "keygen", "--out", d / "good")
    ctl("release", "keygen", "--out", d / "rogue")
    (d / "pkg.msi").write_bytes(os.urandom(1000))
    return d


def publish(keys, which, version):
    ctl("release", "publish", "--key", keys / which / "release.key", "--version",
        version, "--url", f"https://updates.example.org/{version}.msi",
        "--file", keys / "pkg.msi")


def check(agent, keys, version="1.0"):
    return agent.run("--public-key", keys / "good" / "release.pub", "--version",
                     version, "update-check")


def test_update_check_accepts_a_good_release(agent, release_keys):
    v = new_version()
    publish(release_keys, "good", f"{v}.1")
    r = check(agent, release_keys, f"{v}.0")
    assert r.returncode == 0, r.stderr
    assert f"update available: {v}.1 (stable)" in r.stdout
    r = check(agent, release_keys, f"{v}.1")
    assert r.returncode == 0 and "up to date" in r.stdout


def test_update_check_refuses_a_forged_signature(agent, release_keys):
    v = new_version()
    publish(release_keys, "rogue", v)
    r = check(agent, release_keys)
    assert r.returncode == 3
    assert "REFUSED" in r.stderr and "signature" in r.stderr
    assert "update available" not in r.stdout


def test_update_check_refuses_an_altered_manifest(agent, release_keys):
    v = new_version()
    publish(release_keys, "good", v)
    assert check(agent, release_keys).returncode == 0
    # A compromised server changes the signed text ...
    sql("UPDATE releases SET manifest = REPLACE(manifest,"
        " 'https://updates.example.org/', 'https://evil.example.net/'),"
        " url = REPLACE(url, 'https://updates.example.org/',"
        f" 'https://evil.example.net/') WHERE version = '{v}'")
    r = check(agent, release_keys)
    assert r.returncode == 3 and "REFUSED" in r.stderr
    # ... or only the fields beside it.
    sql("UPDATE releases SET manifest = REPLACE(manifest,"
        " 'https://evil.example.net/', 'https://updates.example.org/')"
        f" WHERE version = '{v}'")
    r = check(agent, release_keys)
    assert r.returncode == 3 and "differ from the signed manifest" in r.stderr
    sql("UPDATE releases SET url = REPLACE(url,"
        " 'https://evil.example.net/', 'https://updates.example.org/')"
        f" WHERE version = '{v}'")
    assert check(agent, release_keys).returncode == 0


def test_update_check_refuses_a_downgrade(agent, release_keys):
    """A server answering an older signed release as the newest."""
    v = new_version()
    publish(release_keys, "good", v)
    key = sql(f"SELECT version_key FROM releases WHERE version = '{v}'")[0][0]
    sql(f"UPDATE releases SET version_key = '{'9' * 75}'"
        f" WHERE version = '{v}'")
    try:
        r = check(agent, release_keys, f"{int(v) + 1}")
        assert r.returncode == 3 and "downgrade" in r.stderr
    finally:
        sql(f"UPDATE releases SET version_key = '{key}'"
            f" WHERE version = '{v}'")
