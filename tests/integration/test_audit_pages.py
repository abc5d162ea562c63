"""Every audit view takes a period (`from`, `to`) and pages (`before` =
the previous answer's `next`), keyed by the log's order so that rows
written while an admin pages never show twice (issue 11, item 15)."""
import time

import pytest

from authkit import Facility, post
from conftest import sync


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


@pytest.fixture(scope="module")
def site(stack):
    f = Facility()
    f.policy()
    for _ in range(3):
        assert f.login("staff")[0] == 200
    time.sleep(2.1)
    f.split = int(time.time()) - 1     # between the two groups of rows
    for _ in range(2):
        assert f.login("staff")[0] == 200
    for i in range(3):
        status, _, reply = sync(f.sync_key, f'ERROR.REPORT message="disk {i} full"')
        assert status == 200, reply
    status, _, reply, f.boss = f.login("boss")
    assert status == 200, reply
    # Views up to "the second already past" (to is excluded) see every
    # row above only once that second is over.
    time.sleep(1.1)
    return f


def view(f, line):
    status, _, reply = post("/api/portal", line, cookie=f.boss)
    assert status == 200 and reply["ok"], reply
    return reply["data"]


def pages(f, line, key, limit=2):
    seen, before, n = [], "", 0
    while True:
        d = view(f, f"{line} limit={limit}{before}")
        seen.append(d[key])
        n += 1
        if d["next"] is None or n > 100:
            return seen
        before = f" before={d['next']}"


def test_sign_ins_page_by_page_without_repeats(site):
    all_rows = view(site, "AUDIT.LOGINS user=staff")["logins"]
    assert len(all_rows) == 5
    got = pages(site, "AUDIT.LOGINS user=staff", "logins")
    assert [len(p) for p in got] == [2, 2, 1]
    assert sum(got, []) == all_rows
    # A row written between two pages does not push one onto the next.
    first = view(site, "AUDIT.LOGINS user=staff limit=2")
    assert site.login("staff")[0] == 200
    second = view(site, f"AUDIT.LOGINS user=staff limit=2 before={first['next']}")
    assert second["logins"] == all_rows[2:4]


def test_a_period_with_from_and_to(site):
    early = view(site, f"AUDIT.LOGINS user=staff to={iso(site.split)}")["logins"]
    late = view(site, f"AUDIT.LOGINS user=staff from={iso(site.split)}")["logins"]
    assert len(early) == 3 and all(x["ts"] < iso(site.split) for x in early)
    assert len(late) >= 2 and all(x["ts"] >= iso(site.split) for x in late)


@pytest.mark.parametrize("verb,key", [("SYNC.LOG", "syncs"), ("AUDIT.REQUESTS", "requests"),
                                      ("AUDIT.ACTIVITY", "events")])
def test_every_view_pages(site, verb, key):
    # Up to a second already past, the view no longer changes (viewing a
    # log writes to the activity log); its pages add up to it exactly.
    to = iso(int(time.time()))
    whole = view(site, f"{verb} to={to} limit=1000")
    assert len(whole[key]) >= 3 and whole["next"] is None
    got = pages(site, f"{verb} to={to}", key, limit=2)
    assert len(got) > 1 and sum(got, []) == whole[key]
