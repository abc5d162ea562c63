"""Error reports of the PCs mailed to the facility's admins (PROTOCOL.md
§6 ERROR.REPORT, DAILYSYNC.REPORT): through the sealed outbox, to active
admins with a recovery address, the same message at most once an hour per
facility; delivered by `infosysctl mail run` to a loopback SMTP sink."""
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone

import pytest

from authkit import Facility, Sealer, pc_ok, pc_sync, q, sql
from mailsink import SmtpSink  # tools/, on the path by conftest
from conftest import ctl


def admin_mails(f):
    return [m for m in Sealer().outbox(f.id) if m["kind"] == "sync_error"]


@pytest.fixture
def fac(stack):
    """A facility whose admin `boss` has a recovery address, a second admin
    without one and a user with one (not an admin: not mailed)."""
    f = Facility()
    f.add("boss2", "admin")
    sealer = Sealer()
    f.boss_email = f"boss.{f.code}@example.org"
    sealer.set_email(f.id, "boss", f.boss_email)
    sealer.set_email(f.id, "staff", f"staff.{f.code}@example.org")
    return f


def error(f, message, pc="PC-1", extra=""):
    return pc_ok(f, f"ERROR.REPORT message={q(message)}{extra}", pc)


def test_error_report_mails_the_admins_once_an_hour(fac):
    f = fac
    d = error(f, "Sync failed: timeout talking to lab analyser",
              extra=' trace="at sync.cs:42" version=4.2.1')
    assert d == {"recorded": True, "mailed": True}
    [m] = admin_mails(f)
    assert m["to"] == f.boss_email
    assert f.code in m["subject"] and "PC-1" in m["subject"]
    assert "timeout talking to lab analyser" in m["body"]
    assert "sync.cs:42" in m["body"] and "4.2.1" in m["body"]
    # The same message again, from any PC of the facility: logged, not mailed.
    assert error(f, "Sync failed: timeout talking to lab analyser",
                 pc="PC-2")["mailed"] is False
    assert len(admin_mails(f)) == 1
    assert sql("SELECT COUNT(*), COUNT(mailed_at) FROM sync_log WHERE"
               f" facility_id = {f.id}") == [["2", "1"]]
    # Another message is mailed.
    assert error(f, "Disk full on C:")["mailed"] is True
    assert len(admin_mails(f)) == 2
    # An hour later the first one is mailed again.
    sql("UPDATE sync_log SET ts = ts - INTERVAL 61 MINUTE, mailed_at ="
        f" mailed_at - INTERVAL 61 MINUTE WHERE facility_id = {f.id}")
    assert error(f, "Sync failed: timeout talking to lab analyser")["mailed"]
    assert len(admin_mails(f)) == 3


def test_the_same_message_in_one_batch_is_mailed_once(fac):
    f = fac
    line = 'ERROR.REPORT message="Printer offline"'
    status, _, reply = pc_sync(f, "\n".join([line] * 3))
    assert status == 200 and reply["ok"], reply
    assert [r["data"]["mailed"] for r in reply["results"]] == [True, False, False]
    assert len(admin_mails(f)) == 1


def test_concurrent_reports_of_one_message_mail_once(fac):
    f = fac

    def one(i):
        return pc_sync(f, 'ERROR.REPORT message="Scanner driver crashed"',
                    pc=f"PC-{i}")

    with ThreadPoolExecutor(8) as ex:
        replies = list(ex.map(one, range(8)))
    assert all(s == 200 for s, _, _ in replies), replies
    assert sum(r["data"]["mailed"] for _, _, r in replies) == 1
    assert len(admin_mails(f)) == 1


def test_other_facilities_are_mailed_on_their_own(fac):
    other = Facility()
    Sealer().set_email(other.id, "boss", f"boss.{other.code}@example.org")
    assert error(fac, "Backup failed")["mailed"] is True
    assert error(other, "Backup failed")["mailed"] is True
    assert [m["to"] for m in admin_mails(other)] == [
        f"boss.{other.code}@example.org"]


def test_no_recipient_means_nothing_queued_and_nothing_marked(stack):
    f = Facility()
    assert error(f, "Service stopped")["mailed"] is False
    assert admin_mails(f) == []
    # Once an admin has an address, the next report of it is mailed.
    Sealer().set_email(f.id, "boss", f"boss.{f.code}@example.org")
    assert error(f, "Service stopped")["mailed"] is True


def today():
    return datetime.now(timezone.utc).strftime("%Y-%m-%d")


def test_daily_sync_error_is_mailed_ok_is_not(fac):
    f = fac
    pc_ok(f, "DAILYSYNC.CLAIM date=2026-01-05")
    d = pc_ok(f, "DAILYSYNC.REPORT date=2026-01-05 status=ok")
    assert d["mailed"] is False and admin_mails(f) == []
    pc_ok(f, "DAILYSYNC.CLAIM date=2026-01-06")
    d = pc_ok(f, 'DAILYSYNC.REPORT date=2026-01-06 status=error'
              ' errors="3 records rejected by the lab system"')
    assert d["mailed"] is True
    [m] = admin_mails(f)
    assert "2026-01-06" in m["subject"] and "3 records rejected" in m["body"]
    # The PC's retry of the same report is not mailed twice.
    assert pc_ok(f, 'DAILYSYNC.REPORT date=2026-01-06 status=error'
                 ' errors="3 records rejected by the lab system"')["mailed"] is False
    # Without an errors text, a default message stands in (and dedupes).
    pc_ok(f, "DAILYSYNC.CLAIM date=2026-01-07")
    assert pc_ok(f, "DAILYSYNC.REPORT date=2026-01-07 status=error")["mailed"]
    assert pc_ok(f, "DAILYSYNC.REPORT date=2026-01-07 status=error")["mailed"] is False
    assert len(admin_mails(f)) == 2
    # A refused report (never claimed) queues nothing.
    status, _, reply = pc_sync(f, "DAILYSYNC.REPORT date=2026-02-01 status=error"
                            ' errors="lost"')
    assert status == 404 and reply["error"]["code"] == "NOT_FOUND"
    assert len(admin_mails(f)) == 2


def test_mail_run_delivers_to_the_admin(fac):
    f = fac
    sink = SmtpSink()
    try:
        error(f, "Label printer jammed on PC-1")
        r = ctl("mail", "run", "--smtp", sink.url, check=False)
        assert r.returncode == 0, r.stderr
        mine = [m for m in sink.messages if f.code.lower() in m["data"].lower()]
        assert len(mine) == 1
        assert mine[0]["rcpt"] == [f"<{f.boss_email}>"]
        assert "Label printer jammed" in mine[0]["data"]
    finally:
        sink.close()
