"""Breach alerts (issue 12): each rule fires through nginx where its event
happens, lands in the portal (ALERT.LIST) and in the mail outbox to the
facility's admins and the operator ([alerts] operator_email of the test
stack), once per rule and subject within the hour, however often the
event repeats. No alert carries a secret or text a user typed."""
import datetime
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from authkit import Facility, Sealer, fresh_address, login, post, q, remember, sql, sync
from conftest import ctl, request

WRONG = remember("Wrong-alert-pass-1")
OPERATOR = "operator@infosys.test"
PHI = "Patient John Smith DOB 03/04/1961"


def alerts(f, rule):
    return sql("SELECT id, subject, occurrences, mailed, detail FROM alerts"
               f" WHERE facility_id = {f.id} AND rule = '{rule}' ORDER BY id")


def settled(f, rule, want):
    """The rules that watch requests run after the answer is sent: the
    alerts of rule once want(rows) holds (or as they are after 15 s)."""
    for _ in range(150):
        rows = alerts(f, rule)
        if want(rows):
            return rows
        time.sleep(0.1)
    return alerts(f, rule)


def alert_mails(f):
    return [m for m in Sealer().outbox(f.id) if m["kind"] == "alert"]


def admin_with_mail(f):
    f.policy()
    Sealer().set_email(f.id, "boss", f"boss-{f.code.lower()}@example.test")
    return f"boss-{f.code.lower()}@example.test"


def fail(f, user, src):
    status, _, reply, _ = login(f.code, user, WRONG, src=src)
    assert status in (401, 429), reply
    return reply["error"]["code"]


def portal(tok, body, src):
    return post("/api/portal", body, cookie=tok, src=src)


def admin_session(f, src):
    status, _, reply, tok = f.login("boss", src=src)
    assert status == 200, reply
    return tok


def test_account_locked_alerts_once_in_portal_and_outbox(stack):
    f = Facility()
    boss = admin_with_mail(f)
    src = fresh_address()
    for _ in range(13):     # locks at ten; three more within the hour
        fail(f, "staff", src)
    [(aid, subject, count, mailed, detail)] = alerts(f, "account_locked")
    assert subject == "staff" and int(count) == 4 and int(mailed) == 2
    mails = alert_mails(f)
    assert sorted(m["to"] for m in mails) == sorted([boss, OPERATOR])
    assert all("account locked (staff)" in m["subject"] for m in mails)
    assert not any(WRONG in m["body"] or WRONG in m["subject"] for m in mails)
    assert WRONG not in detail

    asrc = fresh_address()
    tok = admin_session(f, asrc)
    status, _, reply = portal(tok, "ALERT.LIST", asrc)
    assert status == 200, reply
    [item] = [a for a in reply["data"]["alerts"] if a["rule"] == "account_locked"]
    assert (item["id"], item["subject"], item["count"]) == (int(aid), "staff", 4)
    assert item["acknowledged"] is False
    status, _, reply = portal(tok, f"ALERT.ACK id={aid}", asrc)
    assert status == 200 and reply["data"]["acknowledged"] is True, reply
    open_now = portal(tok, "ALERT.LIST", asrc)[2]["data"]["alerts"]
    assert int(aid) not in [a["id"] for a in open_now]
    every = portal(tok, "ALERT.LIST status=all", asrc)[2]["data"]["alerts"]
    [acked] = [a for a in every if a["id"] == int(aid)]
    assert acked["acknowledged_by"] == "boss" and acked["acknowledged_ts"]
    assert sql("SELECT COUNT(*) FROM activity_log WHERE facility_id ="
               f" {f.id} AND action = 'alert.ack' AND target = '{aid}'") == [["1"]]


def alert_counts(rule):
    """(opened, repeated) of rule in the Prometheus text at /metrics."""
    status, _, text = request("/metrics", method="GET")
    assert status == 200
    got = {}
    for line in text.decode().splitlines():
        for outcome in ("opened", "repeated"):
            if line.startswith(f'infosys_alerts_total{{rule="{rule}",outcome="{outcome}"}} '):
                got[outcome] = int(line.rsplit(" ", 1)[1])
    assert set(got) == {"opened", "repeated"}, text
    return got["opened"], got["repeated"]


def test_alerts_are_counted_in_the_metrics(stack):
    """Monitoring sees alerts where they are raised: in the pools (an
    account locked) and in `infosysctl alerts run` (its own counter file)."""
    f = Facility()
    admin_with_mail(f)
    src = fresh_address()
    before = alert_counts("account_locked")
    for _ in range(12):     # locks at ten; two more within the hour
        fail(f, "staff", src)
    after = alert_counts("account_locked")
    assert (after[0] - before[0], after[1] - before[1]) == (1, 2)

    zone, today = zone_past_two_am()
    late = Facility()
    ctl("alerts", "timezone", late.code, zone)
    status, _, reply = sync(late.sync_key, "DAILYSYNC.CLAIM date="
                            f"{today - datetime.timedelta(days=1)}")
    assert status == 200, reply
    before = alert_counts("daily_sync_missed")
    ctl("alerts", "run")
    ctl("alerts", "run")
    after = alert_counts("daily_sync_missed")
    assert after[0] - before[0] >= 1 and after[1] - before[1] >= 1


def test_alert_verbs_are_for_the_facilitys_admins_only(stack):
    f, other = Facility(), Facility()
    f.policy()
    other.policy()
    src = fresh_address()
    for _ in range(10):
        fail(other, "staff", src)
    [(oid, *_)] = alerts(other, "account_locked")
    status, _, _, tok = f.login("staff", src=src)
    assert status == 200
    status, _, reply = portal(tok, "ALERT.LIST", src)
    assert (status, reply["error"]["code"]) == (403, "FORBIDDEN")
    tok = admin_session(f, src)
    status, _, reply = portal(tok, f"ALERT.ACK id={oid}", src)
    assert (status, reply["error"]["code"]) == (404, "NOT_FOUND")
    assert oid not in [str(a["id"]) for a in
                       portal(tok, "ALERT.LIST status=all", src)[2]["data"]["alerts"]]


def test_facility_turns_a_rules_mail_off_operator_copy_stays(stack):
    f = Facility()
    admin_with_mail(f)
    src = fresh_address()
    tok = admin_session(f, src)
    status, _, reply = portal(tok, "ALERT.RULE.SET rule=account_locked mail=false", src)
    assert status == 200, reply
    rules = {r["rule"]: r["mail"] for r in reply["data"]["rules"]}
    assert rules["account_locked"] is False and rules["new_pc"] is True
    for _ in range(10):
        fail(f, "staff", fresh_address())
    assert len(alerts(f, "account_locked")) == 1
    assert [m["to"] for m in alert_mails(f)] == [OPERATOR]
    status, _, reply = portal(tok, "ALERT.RULE.SET rule=nonsense mail=true", src)
    assert (status, reply["error"]["code"]) == (400, "BAD_ARGUMENT")


def test_throttled_address_alerts_the_facility_it_tried(stack):
    f = Facility()
    boss = admin_with_mail(f)
    src = fresh_address()
    codes = [fail(f, f"ghost{i}", src) for i in range(34)]
    assert codes[:30] == ["AUTH_FAILED"] * 30 and set(codes[31:]) == {"THROTTLED"}
    [(_, subject, count, mailed, _)] = alerts(f, "address_throttled")
    assert subject == src and int(count) >= 3 and int(mailed) == 2
    assert sorted(m["to"] for m in alert_mails(f)) == sorted([boss, OPERATOR])
    # One address: spraying, not the distributed kind.
    assert alerts(f, "distributed_guessing") == []


def test_distributed_guessing_from_several_addresses(stack):
    f = Facility()
    admin_with_mail(f)
    srcs = [fresh_address() for _ in range(3)]
    for i in range(24):
        fail(f, f"nobody{i}", srcs[i % 3])
    [(_, subject, count, mailed, detail)] = alerts(f, "distributed_guessing")
    assert subject == "all accounts" and int(mailed) == 2
    assert int(count) == 4      # failures 21 to 24 of the window
    assert detail == "21 failed sign-ins from 3 addresses within 15 minutes."
    assert alerts(f, "address_throttled") == []


def test_admin_from_a_new_address(stack):
    f = Facility()
    admin_with_mail(f)
    home, away = fresh_address(), fresh_address()
    admin_session(f, home)          # first sign-in: nothing to compare with
    admin_session(f, home)
    assert alerts(f, "admin_new_address") == []
    admin_session(f, away)
    admin_session(f, away)
    [(_, subject, count, mailed, _)] = alerts(f, "admin_new_address")
    assert subject == f"boss from {away}" and int(count) == 1 and int(mailed) == 2
    # A user (not an admin) from a new address is no alert.
    f.login("staff", src=home)
    f.login("staff", src=away)
    assert len(alerts(f, "admin_new_address")) == 1


def test_sync_key_used_by_a_new_pc_name(stack):
    f = Facility()
    admin_with_mail(f)
    # The facility's first PC is its installation; later new names alert.
    # The rule runs after the answer: the installation is known once its
    # row is there, before a second PC speaks.
    status, _, reply = sync(f.sync_key, "PING", pc="PC-A")
    assert status == 200, reply
    for _ in range(100):
        if sql(f"SELECT COUNT(*) FROM alert_pc_seen WHERE facility_id = {f.id}")[0][0] != "0":
            break
        time.sleep(0.05)
    for pc in ("PC-B", "PC-A", "PC-B", "PC-C", "PC-A"):
        status, _, reply = sync(f.sync_key, "PING", pc=pc)
        assert status == 200, reply
    rows = settled(f, "new_pc", lambda r: len(r) >= 2)
    assert [r[1] for r in rows] == ["PC-B", "PC-C"]
    assert all(int(r[2]) == 1 and int(r[3]) == 2 for r in rows)
    # A wrong key teaches nothing about PC names.
    sync("not-the-key", "PING", pc="PC-EVIL")
    sync(f.sync_key, "PING", pc="PC-A")     # settles after the one before
    time.sleep(0.5)
    assert len(alerts(f, "new_pc")) == 2


def test_phi_refusals_from_one_pc_burst(stack):
    f = Facility()
    admin_with_mail(f)
    def refuse():
        status, _, reply = sync(f.sync_key, f"ERROR.REPORT message={q(PHI)}", pc="PC-PHI")
        assert status == 422 and reply["error"]["code"] == "PHI_REJECTED", reply

    for _ in range(4):
        refuse()
    time.sleep(1)
    assert alerts(f, "phi_burst") == []     # four refusals are no burst
    refuse()
    refuse()
    [(_, subject, count, mailed, detail)] = settled(
        f, "phi_burst", lambda r: r and int(r[0][2]) >= 2)
    assert subject == "PC PC-PHI" and int(count) == 2 and int(mailed) == 2
    assert "John" not in detail
    assert not any("John" in m["body"] for m in alert_mails(f))


def test_phi_refusals_from_one_user_burst(stack):
    f = Facility()
    f.policy()
    src = fresh_address()
    _, _, _, tok = f.login("staff", src=src)
    for _ in range(5):
        status, _, reply = portal(tok, f"MESSAGE.POST board=lobby text={q(PHI)}", src)
        assert status == 422 and reply["error"]["code"] == "PHI_REJECTED", reply
    [(_, subject, count, _, _)] = settled(f, "phi_burst", lambda r: r)
    assert subject == "user staff" and int(count) == 1


def test_phi_refusals_at_once_count_once_each(stack):
    """The rule runs after each answer, in whichever order the workers get
    there: five refusals sent at once are one burst counted once, not once
    per worker that saw all five."""
    f = Facility()
    f.policy()
    src = fresh_address()
    _, _, _, tok = f.login("staff", src=src)
    with ThreadPoolExecutor(5) as pool:
        codes = list(pool.map(lambda _: portal(
            tok, f"MESSAGE.POST board=lobby text={q(PHI)}", src)[0], range(5)))
    assert codes == [422] * 5
    time.sleep(2)
    [(_, subject, count, _, _)] = settled(f, "phi_burst", lambda r: r)
    assert subject == "user staff" and int(count) == 1


def zone_past_two_am():
    """An Etc/GMT zone where it is now between 03:00 and 22:59, and its date."""
    now = datetime.datetime.now(datetime.timezone.utc)
    for k in range(-12, 15):
        local = now + datetime.timedelta(hours=k)
        if 3 <= local.hour <= 22:
            name = "Etc/GMT" + ("-" if k > 0 else "+") + str(abs(k)) if k else "UTC"
            return name, local.date()
    raise AssertionError("no zone")


def test_daily_sync_missed_by_two_am_facility_time(stack):
    zone, today = zone_past_two_am()
    late, done = Facility(), Facility()
    for f in (late, done):
        admin_with_mail(f)
        ctl("alerts", "timezone", f.code, zone)
        status, _, reply = sync(f.sync_key, "DAILYSYNC.CLAIM date="
                                f"{today - datetime.timedelta(days=1)}")
        assert status == 200, reply
    status, _, reply = sync(done.sync_key, f"DAILYSYNC.CLAIM date={today}")
    assert status == 200, reply
    ctl("alerts", "run")
    ctl("alerts", "run")
    rows = alerts(late, "daily_sync_missed")
    assert [(r[1], r[2], r[3]) for r in rows] == [(str(today), "2", "2")]  # counted again, mailed once
    assert alerts(done, "daily_sync_missed") == []
    bad = ctl("alerts", "timezone", late.code, "../../etc/passwd", check=False)
    assert bad.returncode == 2


@pytest.fixture
def backdated():
    """The request_log rows quiet_for moved, put back as they were after
    the test: the rows are hash-chained, and the audit tests verify every
    chain of the shared database (a moved row is a hand edit to them)."""
    moved = {}
    yield moved
    for rid, ts in moved.items():
        sql(f"UPDATE request_log SET ts = '{ts}' WHERE id = {rid}")


def quiet_for(moved, f, minutes, recent_only=False):
    """As if the facility's PC requests were `minutes` older."""
    where = (f" WHERE facility_id = {f.id} AND pc_id IS NOT NULL"
             + (" AND ts > UTC_TIMESTAMP() - INTERVAL 5 MINUTE" if recent_only else ""))
    for rid, ts in sql("SELECT id, DATE_FORMAT(ts, '%Y-%m-%d %H:%i:%s.%f')"
                       " FROM request_log" + where):
        moved.setdefault(rid, ts)
    sql(f"UPDATE request_log SET ts = ts - INTERVAL {minutes} MINUTE" + where)


def test_pc_offline_is_alerted_once_per_quiet_spell(stack, backdated):
    """What the portal shows as "PC offline" reaches the admins' mail when
    nobody has the portal open: once per spell, not every hour."""
    quiet, fresh, retired = Facility(), Facility(), Facility()
    for f in (quiet, fresh, retired):
        admin_with_mail(f)
        assert sync(f.sync_key, "PING", pc="PC-A")[0] == 200
    quiet_for(backdated, quiet, 41)
    quiet_for(backdated, retired, 8 * 24 * 60)
    ctl("alerts", "run")
    ctl("alerts", "run")
    rows = alerts(quiet, "pc_offline")
    assert len(rows) == 1 and rows[0][1].startswith("PC-A since ") and rows[0][2] == "1"
    assert "has not synced since" in rows[0][4]
    assert alerts(fresh, "pc_offline") == [] and alerts(retired, "pc_offline") == []
    # Hours later, the same spell: still the one alert.
    sql(f"UPDATE alert_dedup SET opened_at = opened_at - INTERVAL 3 HOUR WHERE facility_id = {quiet.id}")
    ctl("alerts", "run")
    assert len(alerts(quiet, "pc_offline")) == 1
    # Back, then quiet again: a new spell, a new alert.
    assert sync(quiet.sync_key, "PING", pc="PC-A")[0] == 200
    ctl("alerts", "run")
    assert len(alerts(quiet, "pc_offline")) == 1
    quiet_for(backdated, quiet, 20, recent_only=True)
    ctl("alerts", "run")
    rows = alerts(quiet, "pc_offline")
    assert len(rows) == 2 and rows[0][1] != rows[1][1]
