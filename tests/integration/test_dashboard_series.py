"""DASHBOARD.SERIES (issue 10): every device's last hours in one request,
down-sampled by the database to min/max per aligned bucket, so a short
excursion still shows; devices without readings are there with none; the
caller's facility only."""
import time
from datetime import datetime, timezone

import pytest

from authkit import Facility, post
from conftest import sync


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def parse(ts):
    return int(datetime.strptime(ts, "%Y-%m-%dT%H:%M:%SZ")
               .replace(tzinfo=timezone.utc).timestamp())


class Site:
    def __init__(self):
        self.fac = Facility()
        self.fac.policy()
        status, _, reply, self.cookie = self.fac.login("staff")
        assert status == 200, reply
        now = int(time.time()) // 60 * 60
        # F1: a reading a minute for 26 hours, 4.0-5.9, and a three-minute
        # excursion to 11.5 ninety minutes ago. F2: one reading, 3 days old.
        self.f1 = {}
        for i in range(26 * 60):
            t = now - i * 60
            self.f1[t] = 4 + (i % 20) / 10
        for i in range(90, 93):
            self.f1[now - i * 60] = 11.5
        lines = ["DEVICE.UPSERT device=F1 kind=fridge location=Lab",
                 "DEVICE.UPSERT device=F2 kind=freezer location=Pharmacy",
                 "DEVICE.UPSERT device=F3 kind=room location=Store",
                 f"READING.PUSH device=F2 ts={iso(now - 3 * 86400)} value=-20"]
        lines += [f"READING.PUSH device=F1 ts={iso(t)} value={v:.2f}"
                  for t, v in self.f1.items()]
        for i in range(0, len(lines), 1000):
            status, _, reply = sync(self.fac.sync_key, "\n".join(lines[i:i + 1000]))
            assert status == 200 and reply["ok"], reply

    def call(self, line):
        return post("/api/portal", line, cookie=self.cookie)


@pytest.fixture(scope="module")
def site(stack):
    return Site()


def test_every_device_in_one_answer_down_sampled_with_min_and_max(site):
    status, _, reply = site.call("DASHBOARD.SERIES")
    assert status == 200 and reply["ok"], reply
    d = reply["data"]
    assert d["bucket_s"] == 600
    start, end = parse(d["from"]), parse(d["to"])
    assert end - start == 24 * 3600 and start % 600 == 0
    assert end - 600 <= time.time() + 5 < end + 600
    by = {s["device"]: s for s in d["series"]}
    assert sorted(by) == ["F1", "F2", "F3"]
    assert by["F2"]["points"] == [] and by["F2"]["readings"] == 0
    assert by["F3"]["points"] == [] and by["F3"]["unit"] == "C"
    f1 = by["F1"]
    window = {t: v for t, v in site.f1.items() if start <= t < end}
    assert f1["readings"] == len(window)
    # Every bucket, from the raw readings.
    want = {}
    for t, v in window.items():
        b = start + (t - start) // 600 * 600
        lo, hi, n = want.get(b, (v, v, 0))
        want[b] = (min(lo, v), max(hi, v), n + 1)
    got = {parse(p["ts"]): (p["min"], p["max"], p["n"]) for p in f1["points"]}
    assert got == {b: (round(lo, 2), round(hi, 2), n) for b, (lo, hi, n) in want.items()}
    # Newest first, and the three-minute excursion is not smoothed away.
    stamps = [parse(p["ts"]) for p in f1["points"]]
    assert stamps == sorted(stamps, reverse=True) and len(stamps) <= 144
    assert max(p["max"] for p in f1["points"]) == 11.5


def test_window_and_resolution_are_the_callers(site):
    status, _, reply = site.call("DASHBOARD.SERIES hours=1 points=12")
    assert status == 200, reply
    d = reply["data"]
    assert d["bucket_s"] == 300
    f1 = next(s for s in d["series"] if s["device"] == "F1")
    assert 55 <= f1["readings"] <= 65 and len(f1["points"]) <= 12
    # A window that ends when the page's clock says (two days ago here):
    # only F2's one reading, three days old, is in a 48-hour window.
    end = int(time.time()) - 2 * 86400
    status, _, reply = site.call(f"DASHBOARD.SERIES hours=48 to={iso(end)}")
    assert status == 200, reply
    d = reply["data"]
    assert parse(d["to"]) - 3600 < end <= parse(d["to"])
    assert {s["device"]: s["readings"] for s in d["series"]} == {"F1": 0, "F2": 1, "F3": 0}
    for bad in ("points=5", "points=721", "hours=0", "hours=169", "from=1", "to=1"):
        status, _, reply = site.call(f"DASHBOARD.SERIES {bad}")
        assert status == 400, bad
        assert reply["error"]["code"] in ("BAD_ARGUMENT", "BAD_COMMAND")


def test_another_facility_sees_only_its_own_devices(site):
    other = Facility()
    other.policy()
    status, _, reply, cookie = other.login("staff")
    status, _, reply = post("/api/portal", "DASHBOARD.SERIES", cookie=cookie)
    assert status == 200 and reply["data"]["series"] == []


def test_a_pc_cannot_ask(site):
    status, _, reply = sync(site.fac.sync_key, "DASHBOARD.SERIES")
    assert status == 400 and reply["error"]["code"] == "BAD_COMMAND"
