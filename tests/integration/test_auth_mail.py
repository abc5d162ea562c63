"""`infosysctl mail run`: the sealed outbox delivered over SMTP to a
loopback sink, with retries and backoff when the server refuses."""
import re

import pytest

from authkit import Facility, Sealer, post, remember, sql
from mailsink import SmtpSink  # tools/, on the path by conftest
from conftest import ctl


@pytest.fixture
def sink(stack):
    s = SmtpSink()
    yield s
    s.close()


def queue_reset(stack):
    f = Facility()
    f.policy()
    Sealer().set_email(f.id, "staff", f"staff.{f.code}@example.org")
    assert post("/api/auth", f"PASSWORD.RESET.REQUEST facility={f.code}"
                " user=staff")[0] == 200
    return f


def mail_run(sink):
    return ctl("mail", "run", "--smtp", sink.url, check=False)


def test_reset_mail_is_delivered_once(stack, sink):
    f = queue_reset(stack)
    r = mail_run(sink)
    assert r.returncode == 0, r.stderr
    mine = [m for m in sink.messages if f.code.lower() in m["data"].lower()]
    assert len(mine) == 1
    m = mine[0]
    assert m["rcpt"] == [f"<staff.{f.code}@example.org>"]
    assert f"\r\nTo: staff.{f.code}@example.org\r\n" in "\r\n" + m["data"]
    assert "Subject: Infosys password reset" in m["data"]
    remember(re.search(r"reset code: (\S+)", m["data"]).group(1))
    assert sql("SELECT sent_at IS NOT NULL, attempts FROM mail_outbox"
               f" WHERE facility_id = {f.id}") == [["1", "1"]]
    mail_run(sink)
    assert len([m for m in sink.messages
                if f.code.lower() in m["data"].lower()]) == 1


def test_refused_mail_is_retried_with_backoff(stack, sink):
    f = queue_reset(stack)
    sink.fail_next = 1000
    r = mail_run(sink)
    assert r.returncode != 0
    [[attempts, delay, err]] = sql(
        "SELECT attempts, TIMESTAMPDIFF(SECOND, UTC_TIMESTAMP(),"
        " next_attempt_at), last_error IS NOT NULL FROM mail_outbox"
        f" WHERE facility_id = {f.id}")
    assert attempts == "1" and 50 <= int(delay) <= 120 and err == "1"
    # Not due yet: nothing is tried.
    sink.fail_next = 0
    mail_run(sink)
    assert not [m for m in sink.messages if f.code.lower() in m["data"].lower()]
    sql("UPDATE mail_outbox SET next_attempt_at = UTC_TIMESTAMP()"
        f" WHERE facility_id = {f.id}")
    assert mail_run(sink).returncode == 0
    assert [m for m in sink.messages if f.code.lower() in m["data"].lower()]
