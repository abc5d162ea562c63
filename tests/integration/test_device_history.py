"""DEVICE.HISTORY (issue 11, item 11): one device over a chosen period in
one request, reduced by the database: min/max/mean and the count out of
range, the chart's buckets, and the excursions (runs out of the device's
range) with start, end, duration and peak. Another facility's device is
NOT_FOUND; a period the wrong way round or over 93 days is refused."""
import time

import pytest

from authkit import Facility, post
from conftest import sync


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


class Site:
    def __init__(self):
        self.fac = Facility()
        self.fac.policy()
        status, _, reply, self.cookie = self.fac.login("staff")
        assert status == 200, reply
        self.now = now = int(time.time()) // 60 * 60
        # H1 (range 2 to 8): 5.0 a minute for two days, except an
        # excursion above 100-98 minutes ago (peak 10.5), one below
        # 30 hours ago (peak 0.5), and the last two readings at 12.
        self.h1 = {now - i * 60: 5.0 + (i % 3) / 10 for i in range(48 * 60)}
        self.above = [(now - 100 * 60, 9.5), (now - 99 * 60, 10.5), (now - 98 * 60, 9.0)]
        self.below = [(now - 1800 * 60, 1.0), (now - 1799 * 60, 0.5)]
        self.ongoing = [(now - 60, 12.0), (now, 12.0)]
        for t, v in self.above + self.below + self.ongoing:
            self.h1[t] = v
        lines = ["DEVICE.UPSERT device=H1 kind=fridge location=Lab low=2 high=8"
                 " name=\"Vaccine fridge\"",
                 "DEVICE.UPSERT device=H2 kind=room location=Store"]
        lines += [f"READING.PUSH device=H1 ts={iso(t)} value={v:.2f}"
                  for t, v in self.h1.items()]
        # A minute back and older: the default period ends at the server's
        # second, exclusive, so a reading stamped `now` falls outside it
        # when the test runs within that same second.
        lines += [f"READING.PUSH device=H2 ts={iso(now - 60 - i * 600)} value=30" for i in range(10)]
        for i in range(0, len(lines), 1000):
            status, _, reply = sync(self.fac.sync_key, "\n".join(lines[i:i + 1000]))
            assert status == 200 and reply["ok"], reply

    def call(self, line, cookie=None):
        return post("/api/portal", line, cookie=cookie or self.cookie)


@pytest.fixture(scope="module")
def site(stack):
    return Site()


def history(site, line):
    status, _, reply = site.call(line)
    assert status == 200 and reply["ok"], reply
    return reply["data"]


def test_stats_over_the_period_from_every_reading(site):
    frm, to = site.now - 24 * 3600, site.now + 60
    d = history(site, f"DEVICE.HISTORY device=H1 from={iso(frm)} to={iso(to)}")
    assert d["name"] == "Vaccine fridge" and d["unit"] == "C" and d["kind"] == "fridge"
    assert d["range"] == {"min": 2, "max": 8, "source": "pc"}
    vals = [v for t, v in site.h1.items() if frm <= t < to]
    s = d["stats"]
    assert s["readings"] == len(vals)
    assert s["min"] == min(vals) and s["max"] == max(vals)
    assert s["mean"] == pytest.approx(sum(vals) / len(vals), abs=0.006)
    assert s["out_of_range"] == sum(1 for v in vals if v < 2 or v > 8) == 5
    assert s["first"] == iso(min(t for t in site.h1 if t >= frm)) and s["last"] == iso(site.now)
    # The chart's buckets cover every reading once, newest first.
    assert len(d["points"]) <= 240
    assert sum(p["n"] for p in d["points"]) == len(vals)
    assert [p["ts"] for p in d["points"]] == sorted((p["ts"] for p in d["points"]), reverse=True)
    assert max(p["max"] for p in d["points"]) == 12.0


def test_excursions_with_start_end_duration_and_peak(site):
    frm, to = site.now - 48 * 3600 + 60, site.now + 60
    d = history(site, f"DEVICE.HISTORY device=H1 from={iso(frm)} to={iso(to)}")
    assert d["excursions_total"] == 3
    ongoing, above, below = d["excursions"]
    assert ongoing == {"start": iso(site.now - 60), "last_out": iso(site.now), "end": None,
                       "ongoing": True, "duration_s": 60, "direction": "above",
                       "peak": 12.0, "readings": 2}
    # The end is the first reading back in range.
    assert above == {"start": iso(site.now - 6000), "last_out": iso(site.now - 5880),
                     "end": iso(site.now - 5820), "ongoing": False, "duration_s": 180,
                     "direction": "above", "peak": 10.5, "readings": 3}
    assert below["direction"] == "below" and below["peak"] == 0.5
    assert below["duration_s"] == 120 and below["readings"] == 2
    assert d["out_of_range_s"] == 60 + 180 + 120
    # A shorter period sees only what lies in it.
    d = history(site, f"DEVICE.HISTORY device=H1 from={iso(site.now - 3 * 3600)}")
    assert [e["peak"] for e in d["excursions"]] == [12.0, 10.5]


def test_a_device_without_a_range_has_no_excursions(site):
    d = history(site, "DEVICE.HISTORY device=H2")
    assert d["range"] is None and d["excursions"] == [] and d["excursions_total"] == 0
    assert d["stats"]["readings"] == 10 and d["stats"]["out_of_range"] == 0
    # Its range set by an admin applies at once, to the past readings too.
    status, _, reply, boss = site.fac.login("boss")
    assert status == 200, reply
    status, _, reply = site.call("DEVICE.RANGE device=H2 high=25", cookie=boss)
    assert status == 200 and reply["ok"], reply
    d = history(site, "DEVICE.HISTORY device=H2")
    assert d["excursions_total"] == 1 and d["excursions"][0]["ongoing"]
    assert d["stats"]["out_of_range"] == 10


def test_an_empty_period_answers_no_figures(site):
    d = history(site, f"DEVICE.HISTORY device=H1 from={iso(site.now - 90 * 86400)}"
                      f" to={iso(site.now - 89 * 86400)}")
    assert d["stats"] == {"readings": 0, "min": None, "max": None, "mean": None,
                          "first": None, "last": None, "out_of_range": 0}
    assert d["points"] == [] and d["excursions"] == []


@pytest.mark.parametrize("args", [
    "from={a} to={a}", "from={b} to={a}", "from={far} to={a}"])
def test_bad_periods_are_refused(site, args):
    a, b, far = iso(site.now - 3600), iso(site.now), iso(site.now - 94 * 86400)
    status, _, reply = site.call("DEVICE.HISTORY device=H1 " + args.format(a=a, b=b, far=far))
    assert status == 400 and reply["error"]["code"] == "BAD_ARGUMENT", reply


def test_another_facility_device_is_not_found(site):
    other = Facility()
    other.policy()
    status, _, reply, cookie = other.login("staff")
    assert status == 200, reply
    status, _, reply = site.call("DEVICE.HISTORY device=H1", cookie=cookie)
    assert status == 404 and reply["error"]["code"] == "NOT_FOUND", reply
