"""Commands in real time (PROTOCOL.md §6 Events): the facility's channel
through nginx's nchan, authorised by the programs. A PC subscribes with
its key and name and hears "commands waiting" when the portal queues one
(never the command itself); the portal hears its commands settled; a
facility hears nothing of another's; `infosys-agent listen` writes a
command queued in the portal without waiting for its slow poll, and still
finds commands no event announced."""
import http.client
import queue
import signal
import subprocess
import threading
import time

import pytest

from authkit import Facility, post
from conftest import _current, queue_command, sync, sql


class Subscription:
    """One Server-Sent Events subscription read in a thread."""

    def __init__(self, path, headers):
        s = _current()
        self.conn = http.client.HTTPConnection("127.0.0.1", s.port, timeout=60)
        self.conn.request("GET", path, headers=dict(headers, Accept="text/event-stream"))
        self.resp = self.conn.getresponse()
        self.status = self.resp.status
        self.events = queue.Queue()
        if self.status == 200:
            threading.Thread(target=self._read, daemon=True).start()
        else:
            self.body = self.resp.read().decode()

    def _read(self):
        data = []
        try:
            for raw in self.resp:
                line = raw.decode().rstrip("\r\n")
                if line.startswith("data:"):
                    data.append(line[5:].strip())
                elif not line and data:
                    self.events.put("\n".join(data))
                    data = []
        except (OSError, ValueError):
            pass

    def next(self, seconds=10):
        return self.events.get(timeout=seconds)

    def quiet(self, seconds=1.0):
        try:
            return self.events.get(timeout=seconds) is None
        except queue.Empty:
            return True

    def close(self):
        self.conn.close()


def pc_headers(fac, pc="PC-1"):
    return {"Authorization": f"Bearer {fac.sync_key}", "Infosys-PC": pc}


class Site:
    def __init__(self):
        self.fac = Facility()
        self.fac.policy()
        status, _, reply, self.cookie = self.fac.login("staff")
        assert status == 200, reply
        status, _, reply = sync(self.fac.sync_key,
                                "DEVICE.UPSERT device=F1 kind=fridge location=Lab\n"
                                f"ALARM.PUSH alarm=A1 device=F1 status=active "
                                f"severity=high ts={time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())}")
        assert status == 200 and reply["ok"], reply

    def portal(self, line):
        status, _, reply = post("/api/portal", line, cookie=self.cookie)
        assert status == 200 and reply["ok"], reply
        return reply["data"]


@pytest.fixture
def site(stack):
    return Site()


def subscribe_pc(fac, pc="PC-1"):
    return Subscription("/api/sync/events", pc_headers(fac, pc))


def test_subscription_needs_key_and_pc_name(site):
    for headers in ({}, {"Infosys-PC": "PC-1"},
                    {"Authorization": "Bearer " + "x" * 43, "Infosys-PC": "PC-1"},
                    {"Authorization": f"Bearer {site.fac.sync_key}"}):
        sub = Subscription("/api/sync/events", headers)
        assert sub.status == 401, headers
        assert '"AUTH_REQUIRED"' in sub.body
        sub.close()
    # Without a session the portal's channel is closed too.
    sub = Subscription("/api/portal/events", {})
    assert sub.status == 401 and '"AUTH_REQUIRED"' in sub.body


def test_events_resource_is_get_only_and_sync_stays_post_only(site):
    s = _current()
    conn = http.client.HTTPConnection("127.0.0.1", s.port, timeout=30)
    conn.request("POST", "/api/sync/events", body=b"PING",
                 headers=dict(pc_headers(site.fac),
                              **{"Content-Type": "application/x-infosys-command"}))
    resp = conn.getresponse()
    assert resp.status == 405 and resp.getheader("Allow") == "GET"
    assert b'"METHOD"' in resp.read()
    conn.request("GET", "/api/sync", headers=pc_headers(site.fac))
    resp = conn.getresponse()
    assert resp.status == 405 and resp.getheader("Allow") == "POST"
    resp.read()
    conn.close()
    # The channels themselves are reachable only through the programs.
    for path in ("/_events/pc/" + site.fac.id, "/_events/portal/" + site.fac.id):
        conn = http.client.HTTPConnection("127.0.0.1", s.port, timeout=30)
        conn.request("GET", path)
        assert conn.getresponse().status == 404
        conn.close()


def test_queued_command_is_announced_to_its_facility_only(site):
    other = Site()
    mine, theirs = subscribe_pc(site.fac), subscribe_pc(other.fac)
    assert mine.status == 200 and theirs.status == 200
    time.sleep(0.3)  # let nginx hold both before publishing
    data = site.portal('ALARM.ACK alarm=A1 note="door closed"')
    event = mine.next()
    assert event == '{"commands":"waiting"}'
    # Never the command: not its line, its note, or its id.
    assert "door" not in event and str(data["command"]) not in event
    assert theirs.quiet(1.5)
    # The database stays the truth: the PC then polls as always.
    status, _, reply = sync(site.fac.sync_key, "COMMAND.POLL")
    assert [c["id"] for c in reply["data"]["commands"]] == [data["command"]]
    mine.close()
    theirs.close()


def test_portal_hears_its_command_settled(site):
    cid = site.portal("REPORT.REQUEST kind=inventory")["command"]
    sub = Subscription("/api/portal/events", {"Cookie": f"__Host-sid={site.cookie}"})
    assert sub.status == 200
    time.sleep(0.3)
    status, _, reply = sync(site.fac.sync_key, "COMMAND.POLL")
    assert status == 200
    status, _, reply = sync(site.fac.sync_key,
                            f'COMMAND.ACK id={cid} status=done result="printed"')
    assert status == 200 and reply["ok"], reply
    assert sub.next() == f'{{"settled":[{{"id":{cid},"status":"done"}}]}}'
    # Acking again settles nothing new, and says nothing.
    sync(site.fac.sync_key, f"COMMAND.ACK id={cid} status=done")
    assert sub.quiet(1.0)
    sub.close()


def test_subscriptions_are_logged_without_keys(site):
    sub = subscribe_pc(site.fac, pc="PC-LOG")
    assert sub.status == 200
    sub.close()
    rows = sql("SELECT verb, status, pc_id, COALESCE(params, '') FROM request_log"
               f" WHERE facility_id = {site.fac.id} AND pc_id = 'PC-LOG'")
    assert rows == [["EVENTS", "200", "PC-LOG", ""]]
    assert not sql("SELECT 1 FROM request_log WHERE params LIKE"
                   f" '%{site.fac.sync_key}%'")


class Listener:
    def __init__(self, stack, site, tmp, *extra):
        self.dir = tmp / "commands"
        self.dir.mkdir()
        keyfile = tmp / "sync.key"
        keyfile.write_text(site.fac.sync_key + "\n")
        self.proc = subprocess.Popen(
            [str(stack.bin / "infosys-agent"), "--url", stack.base_url,
             "--key-file", str(keyfile), "--pc", "PC-LISTEN",
             "--commands", str(self.dir), *extra, "listen"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def dat(self, cid):
        return self.dir / f"{cid}.dat"

    def wait(self, cid, seconds=20):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.dat(cid).exists():
                return True
            time.sleep(0.05)
        return False

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        out, err = self.proc.communicate(timeout=15)
        return self.proc.returncode, err


def subscribed(site):
    """The agent has subscribed once its subscription is in the log."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if sql("SELECT 1 FROM request_log WHERE verb = 'EVENTS' AND pc_id ="
               f" 'PC-LISTEN' AND facility_id = {site.fac.id} AND status = 200"):
            return True
        time.sleep(0.1)
    return False


def test_listen_writes_a_portal_command_without_its_slow_poll(stack, site, tmp_path):
    # A slow poll of an hour: only the event can bring the command in time.
    agent = Listener(stack, site, tmp_path, "--slow-poll-s", "3600")
    try:
        assert subscribed(site)
        time.sleep(0.3)
        cid = site.portal("ATTENDANCE.CLOCK action=in")["command"]
        assert agent.wait(cid), agent.stop()
        assert agent.dat(cid).read_text().startswith("ATTENDANCE.CLOCK action=in")
        deadline = time.monotonic() + 10
        while sql(f"SELECT status FROM commands WHERE id = {cid}")[0][0] != "done":
            assert time.monotonic() < deadline
            time.sleep(0.05)
    finally:
        rc, err = agent.stop()
    assert rc == 0, err
    assert "subscribed to the facility's events" in err


def test_listen_finds_unannounced_commands_on_connect_and_slow_poll(stack, site, tmp_path):
    # Queued behind the events' back (no event): the poll after
    # subscribing finds the first, the slow poll the second.
    first = queue_command(site.fac.id, "REPORT.REQUEST kind=inventory", "x")
    agent = Listener(stack, site, tmp_path, "--slow-poll-s", "2")
    try:
        assert agent.wait(first)
        assert subscribed(site)
        second = queue_command(site.fac.id, "REPORT.REQUEST kind=attendance", "x")
        assert agent.wait(second)
    finally:
        rc, err = agent.stop()
    assert rc == 0, err
