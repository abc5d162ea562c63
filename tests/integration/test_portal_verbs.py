"""The portal's reading and command verbs (PROTOCOL.md §5) through nginx:
data pushed with the sync API shows up on the dashboard and in the lists,
the queueing verbs put canonical command lines in the PC's queue and the
PC settles them, every answer is scoped to the caller's facility, and the
admin-only views refuse a plain user."""
import time

import pytest

from authkit import Facility, post, q
from conftest import api, sql, sync


def ts(offset=0):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + offset))


class Portal:
    """A facility with data pushed by its PC and signed-in staff."""

    def __init__(self):
        self.fac = Facility()
        self.fac.policy()
        self.cookies = {}
        for name in ("boss", "staff"):
            status, _, reply, tok = self.fac.login(name)
            assert status == 200, reply
            self.cookies[name] = tok

    def call(self, line, who="staff", headers=None):
        status, _, reply = post("/api/portal", line, cookie=self.cookies[who],
                                headers=headers)
        return status, reply

    def ok(self, line, who="staff"):
        status, reply = self.call(line, who)
        assert status == 200 and reply["ok"], reply
        return reply["data"]


@pytest.fixture(scope="module")
def site(stack):
    p = Portal()
    lines = [
        "DEVICE.UPSERT device=F1 kind=fridge location=\"Lab fridge 1\" low=2 high=8",
        "DEVICE.UPSERT device=Z9 kind=freezer location=Pharmacy unit=C"
        " low=-25 high=-15 name=\"Pharmacy freezer\"",
        "DEVICE.UPSERT device=R3 kind=room location=Store",
        f"READING.PUSH device=F1 ts={ts(-7200)} value=4.5",
        f"READING.PUSH device=F1 ts={ts(-60)} value=9.25",
        f"READING.PUSH device=Z9 ts={ts(-60)} value=-20",
        f"QUEUE.PUSH queue=lab ts={ts(-120)} length=7 wait_min=25",
        f"QUEUE.PUSH queue=front ts={ts(-30)} length=2 wait_min=5",
        f"ALARM.PUSH alarm=A1 device=F1 status=active severity=high ts={ts(-50)}"
        " message=\"Fridge 1 above 8C\"",
        f"ALARM.PUSH alarm=A0 device=Z9 status=cleared severity=low ts={ts(-3000)}",
    ]
    status, _, reply = sync(p.fac.sync_key, "\n".join(lines))
    assert status == 200 and reply["ok"], reply
    return p


def test_dashboard_shows_pushed_data(site):
    d = site.ok("DASHBOARD")
    assert [x["queue"] for x in d["queues"]] == ["front", "lab"]
    assert d["queues"][1]["length"] == 7 and d["queues"][1]["wait_min"] == 25
    assert [a["alarm"] for a in d["alarms"]] == ["A1"]
    assert d["alarms"][0]["device"] == "F1" and d["alarms"][0]["ack"] is None
    devs = {x["device"]: x for x in d["devices"]}
    assert devs["F1"]["latest"]["value"] == pytest.approx(9.25)
    assert devs["F1"]["latest"]["out_of_range"] is True
    assert devs["F1"]["range"] == {"min": 2.0, "max": 8.0, "source": "pc"}
    assert devs["Z9"]["latest"]["out_of_range"] is False
    assert devs["Z9"]["name"] == "Pharmacy freezer" and devs["F1"]["name"] is None
    assert devs["R3"]["range"] is None and devs["R3"]["latest"] is None
    assert isinstance(d["commands"], list)
    assert [p["pc"] for p in d["pcs"]] == ["PC-1"] and d["pcs"][0]["last_seen"]


def test_device_range_from_the_pc_and_an_admins_override(site):
    key = site.fac.sync_key
    sync(key, f"DEVICE.UPSERT device=OV kind=freezer location=Lab low=-25 high=-15\n"
              f"READING.PUSH device=OV ts={ts(-30)} value=-40")
    dev = lambda: {x["device"]: x for x in site.ok("DEVICE.LIST")["devices"]}["OV"]
    assert dev()["latest"]["out_of_range"] is True
    status, reply = site.call("DEVICE.RANGE device=OV low=-50 high=-15")
    assert status == 403 and reply["error"]["code"] == "FORBIDDEN"
    r = site.ok("DEVICE.RANGE device=OV low=-50 high=-15", who="boss")
    assert r["range"] == {"min": -50.0, "max": -15.0, "source": "admin"}
    assert dev()["latest"]["out_of_range"] is False
    assert dev()["pc_range"] == {"min": -25.0, "max": -15.0}
    # The PC restating its own range does not undo the override.
    sync(key, "DEVICE.UPSERT device=OV kind=freezer location=Lab low=-26 high=-15")
    assert dev()["range"]["source"] == "admin"
    assert dev()["pc_range"] == {"min": -26.0, "max": -15.0}
    assert site.ok("READINGS device=OV")["range"]["min"] == -50.0
    # An absent range keeps the stored one; a one-sided override flags by that side.
    sync(key, "DEVICE.UPSERT device=OV kind=freezer location=Lab")
    assert dev()["pc_range"] == {"min": -26.0, "max": -15.0}
    site.ok("DEVICE.RANGE device=OV high=-35", who="boss")
    assert dev()["range"] == {"min": None, "max": -35.0, "source": "admin"}
    assert dev()["latest"]["out_of_range"] is False
    site.ok("DEVICE.RANGE device=OV", who="boss")
    assert dev()["range"] == {"min": -26.0, "max": -15.0, "source": "pc"}
    assert dev()["latest"]["out_of_range"] is True
    ev = site.ok("AUDIT.ACTIVITY user=boss", who="boss")["events"]
    assert any(e["action"] == "device.range" and e["target"] == "OV" for e in ev)


def test_device_range_refuses_nonsense(site):
    for line in ("DEVICE.RANGE device=F1 low=8 high=2",
                 "DEVICE.RANGE device=F1 low=5 high=5",
                 "DEVICE.RANGE device=F1 low=-101"):
        status, reply = site.call(line, who="boss")
        assert status == 400 and reply["error"]["code"] == "BAD_ARGUMENT", line
    status, reply = site.call("DEVICE.RANGE device=NOPE low=1", who="boss")
    assert status == 404
    status, _, reply = sync(site.fac.sync_key,
                            "DEVICE.UPSERT device=F1 kind=fridge location=X low=9 high=3")
    assert status == 400 and reply["error"]["code"] == "BAD_ARGUMENT"
    assert site.ok("READINGS device=F1")["range"]["max"] == 8.0


def test_device_list_and_readings(site):
    devs = site.ok("DEVICE.LIST")["devices"]
    assert [x["device"] for x in devs if x["device"] in ("F1", "Z9", "R3")] == ["R3", "Z9", "F1"]
    assert devs[-1]["kind"] == "fridge" and devs[-1]["location"] == "Lab fridge 1"
    r = site.ok("READINGS device=F1")
    assert r["unit"] == "C"
    assert [x["value"] for x in r["readings"]] == pytest.approx([9.25, 4.5])
    assert r["readings"][0]["ts"] > r["readings"][1]["ts"]
    r = site.ok(f"READINGS device=F1 from={ts(-3600)}")
    assert len(r["readings"]) == 1
    r = site.ok(f"READINGS device=F1 to={ts(-3600)} limit=1")
    assert [x["value"] for x in r["readings"]] == pytest.approx([4.5])


def test_queue_and_alarm_lists(site):
    assert len(site.ok("QUEUE.LIST")["queues"]) == 2
    assert [a["alarm"] for a in site.ok("ALARM.LIST")["alarms"]] == ["A1"]
    every = site.ok("ALARM.LIST status=all")["alarms"]
    assert [a["alarm"] for a in every] == ["A1", "A0"]


def test_alarm_ack_queues_canonical_command_and_pc_settles_it(site):
    d = site.ok("ALARM.ACK alarm=A1 note=\"Door closed, checking again\"")
    cid = d["command"]
    assert d["line"] == ('ALARM.ACK alarm=A1 user=staff '
                         'note="Door closed, checking again"')
    alarm = site.ok("ALARM.LIST")["alarms"][0]
    assert alarm["ack"]["user"] == "staff" and alarm["ack"]["command"] == cid
    assert alarm["ack"]["status"] == "pending"
    status, _, reply = sync(site.fac.sync_key, "COMMAND.POLL")
    assert status == 200, reply
    mine = [c for c in reply["data"]["commands"] if c["id"] == cid]
    assert mine and mine[0]["command"] == d["line"]
    status, _, reply = sync(site.fac.sync_key, f"COMMAND.ACK id={cid} status=done"
                                      " result=\"acknowledged on PC\"")
    assert status == 200, reply
    c = site.ok(f"COMMAND.GET id={cid}")
    assert c["status"] == "done" and c["result"] == "acknowledged on PC"
    assert c["user"] == "staff" and c["settled"] is not None
    assert site.ok("ALARM.LIST")["alarms"][0]["ack"]["status"] == "done"
    events = site.ok("AUDIT.ACTIVITY", who="boss")["events"]
    assert any(e["action"] == "alarm.ack" and e["target"] == "A1"
               and e["user"] == "staff" for e in events)


def test_other_queueing_verbs(site):
    d = site.ok("ATTENDANCE.CLOCK action=in")
    assert d["line"].startswith("ATTENDANCE.CLOCK action=in user=staff ts=")
    d = site.ok(f"MESSAGE.POST board=lobby text={q('Lab closes at 5 today')}")
    assert d["line"] == 'MESSAGE.POST board=lobby user=staff text="Lab closes at 5 today"'
    d = site.ok("REPORT.REQUEST kind=temperature")
    assert d["line"] == "REPORT.REQUEST kind=temperature user=staff"
    cmds = site.ok("COMMAND.LIST")["commands"]
    ids = [c["id"] for c in cmds]
    assert ids == sorted(ids, reverse=True) and ids[0] == d["command"]
    pending = site.ok("COMMAND.LIST status=pending limit=2")["commands"]
    assert len(pending) == 2 and all(c["status"] == "pending" for c in pending)
    assert site.ok("DASHBOARD")["commands"][0]["id"] == d["command"]


def test_phi_refused_and_not_queued(site):
    before = len(site.ok("COMMAND.LIST status=all")["commands"])
    status, reply = site.call(
        f"MESSAGE.POST board=lobby text={q('Patient John Smith DOB 03/04/1961')}")
    assert status == 422 and reply["error"]["code"] == "PHI_REJECTED"
    status, reply = site.call(f"ALARM.ACK alarm=A1 note={q('call 555-867-5309')}")
    assert status == 422 and reply["error"]["code"] == "PHI_REJECTED"
    assert len(site.ok("COMMAND.LIST status=all")["commands"]) == before


def test_bad_arguments(site):
    status, reply = site.call("ATTENDANCE.CLOCK action=sideways")
    assert status == 400 and reply["error"]["code"] == "BAD_ARGUMENT"
    status, reply = site.call("READINGS device=F1 limit=5001")
    assert status == 400
    status, reply = site.call("MESSAGE.POST board=lobby text=" + q("x" * 281))
    assert status == 400


def test_admin_views_refuse_plain_users(site):
    for verb in ("AUDIT.ACTIVITY", "AUDIT.REQUESTS", "SYNC.LOG"):
        status, reply = site.call(verb)
        assert status == 403 and reply["error"]["code"] == "FORBIDDEN", verb


def test_admin_views(site):
    reqs = site.ok("AUDIT.REQUESTS limit=50", who="boss")["requests"]
    assert reqs and all(r["endpoint"] for r in reqs)
    assert any(r["verb"] == "DASHBOARD" for r in reqs)
    sync(site.fac.sync_key, "ERROR.REPORT message=\"disk almost full\" version=2.1.0")
    syncs = site.ok("SYNC.LOG", who="boss")["syncs"]
    assert syncs[0]["kind"] == "error" and syncs[0]["message"] == "disk almost full"
    assert syncs[0]["pc"] == "PC-1"
    ev = site.ok("AUDIT.ACTIVITY user=staff limit=5", who="boss")["events"]
    assert ev and all(e["user"] == "staff" for e in ev)
    future = site.ok(f"AUDIT.ACTIVITY from={ts(120)}", who="boss")["events"]
    assert future == []


def test_audit_filters_apply_to_every_view(site):
    site.ok("QUEUE.LIST", who="staff")
    mine = site.ok("AUDIT.REQUESTS user=staff limit=200", who="boss")["requests"]
    assert mine and all(r["user"] == "staff" for r in mine)
    assert site.ok(f"AUDIT.REQUESTS from={ts(120)}", who="boss")["requests"] == []
    sync(site.fac.sync_key, "ERROR.REPORT message=\"printer jammed\"")
    log = site.ok("SYNC.LOG", who="boss")
    assert log["syncs"] and log["pcs"][0]["pc"] == "PC-1"
    assert log["pcs"][0]["requests"] >= 2
    later = site.ok(f"SYNC.LOG from={ts(120)}", who="boss")
    assert later["syncs"] == [] and later["pcs"] == []


def test_another_facility_sees_nothing(site):
    other = Portal()
    assert other.ok("DASHBOARD") == {"queues": [], "alarms": [],
                                     "devices": [], "commands": [], "pcs": []}
    for line in ("READINGS device=F1", "ALARM.ACK alarm=A1"):
        status, reply = other.call(line)
        assert status == 404 and reply["error"]["code"] == "NOT_FOUND", line
    cid = site.ok("COMMAND.LIST")["commands"][0]["id"]
    status, reply = other.call(f"COMMAND.GET id={cid}")
    assert status == 404
    assert other.ok("COMMAND.LIST")["commands"] == []
    events = other.ok("AUDIT.ACTIVITY", who="boss")["events"]
    assert not any(e["module"] == "commands" for e in events)
    assert other.ok("SYNC.LOG", who="boss") == {"syncs": [], "pcs": [], "next": None}


def test_needs_a_session(stack):
    status, _, reply = api("/api/portal", "DASHBOARD")
    assert status == 401 and reply["error"]["code"] == "AUTH_REQUIRED"


def test_dashboard_says_how_long_a_pc_is_quiet_by_the_servers_clock(stack):
    """The portal raises "PC offline" from quiet_s, so that a phone with a
    wrong clock neither invents nor hides it."""
    p = Portal()
    assert sync(p.fac.sync_key, "PING", pc="PC-Q")[0] == 200
    assert 0 <= p.ok("DASHBOARD")["pcs"][0]["quiet_s"] < 120
    sql(f"UPDATE request_log SET ts = ts - INTERVAL 41 MINUTE WHERE facility_id = {p.fac.id}"
        " AND pc_id IS NOT NULL")
    pc = p.ok("DASHBOARD")["pcs"][0]
    assert pc["pc"] == "PC-Q" and 40 * 60 < pc["quiet_s"] < 43 * 60
