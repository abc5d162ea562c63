"""Sign-in hardening (issue 8): the review's defects, each with a test that
failed before its fix, and the session and account verbs of PROTOCOL.md
§4/§5 (SESSION.LIST/REVOKE, USER.ENABLE/SESSIONS/REVOKE/MFA.RESET) and the
credential-change notices."""
import os
import re
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from authkit import (Facility, OUTBOX_AD, Sealer, cookie_token, fresh_address,
                     login, post, q, remember, sql, strong_password, user_ad)
from conftest import _current
from test_auth_mfa import enrol, totp

WRONG = remember("Not-the-password-8")


def auth(tok, line, src="127.0.0.1"):
    return post("/api/auth", line, cookie=tok, src=src)


def portal(tok, line):
    return post("/api/portal", line, cookie=tok)


def user_id(f, name):
    return sql(f"SELECT id FROM users WHERE facility_id = {f.id}"
               f" AND name = '{name}'")[0][0]


@pytest.fixture(scope="module")
def sealer(stack):
    return Sealer()


def notices(sealer, f, kind):
    return [m for m in sealer.outbox(f.id) if m["kind"] == kind]


# Defect 1: the lock is decided in the database, not by what was read
# before the slow password check.

def test_a_locked_accounts_session_is_refused(stack):
    f = Facility()
    f.policy()
    _, _, _, tok = f.login("staff", src=fresh_address())
    assert auth(tok, "SESSION")[0] == 200
    # Locked by a path that does not end sessions itself (a racing
    # sign-in's session is exactly such a survivor).
    sql(f"UPDATE users SET locked_at = UTC_TIMESTAMP(), failed_logins = 10"
        f" WHERE id = {user_id(f, 'staff')}")
    status, _, reply = auth(tok, "SESSION")
    assert (status, reply["error"]["code"]) == (401, "AUTH_REQUIRED")
    assert portal(tok, "DASHBOARD")[0] == 401


def test_the_tenth_failure_racing_the_right_password_leaves_no_session(stack):
    f = Facility()
    f.policy()
    uid = user_id(f, "staff")
    src = fresh_address()
    for _ in range(5):
        sql(f"UPDATE users SET failed_logins = 9, locked_at = NULL"
            f" WHERE id = {uid}")
        sql(f"DELETE FROM sessions WHERE user_id = {uid}")
        with ThreadPoolExecutor(max_workers=2) as pool:
            bad = pool.submit(login, f.code, "staff", WRONG, src=src)
            good = pool.submit(f.login, "staff", src=src)
            bad.result()
            _, _, _, tok = good.result()
        # Either order is fine; a lock with a live session is not.
        live = sql(f"SELECT COUNT(*) FROM sessions WHERE user_id = {uid}")
        if f.locked("staff"):
            assert live == [["0"]]
            assert tok is None or auth(tok, "SESSION")[0] == 401
        else:
            assert f.failed_logins("staff") == 1 and auth(tok, "SESSION")[0] == 200


# Defect 2: a stolen session cookie cannot replace the second factor, and
# a restricted session gets a new token when it becomes a full one.

def test_enrolled_admin_re_enrols_only_with_password_and_code(stack):
    f = Facility()
    secret, step, tok = enrol(f)        # a full session, as a thief's
    status, _, reply = auth(tok, "MFA.ENROLL")
    assert (status, reply["error"]["code"]) == (403, "FORBIDDEN")
    status, _, reply = auth(tok, f"MFA.ENROLL password={q(WRONG)}"
                        f" otp={totp(secret, step + 1)}")
    assert (status, reply["error"]["code"]) == (403, "FORBIDDEN")
    assert f.failed_logins("boss") == 1
    status, _, reply = auth(tok, f"MFA.ENROLL password={q(f.passwords['boss'])}"
                        " otp=000000")
    assert status == 403
    # Nothing pending was made by the refused attempts.
    assert sql(f"SELECT mfa_pending IS NULL FROM users WHERE id ="
               f" {user_id(f, 'boss')}") == [["1"]]
    status, _, reply = auth(tok, f"MFA.ENROLL password={q(f.passwords['boss'])}"
                        f" otp={totp(secret, step + 1)}")
    assert status == 200, reply
    assert reply["data"]["secret"] != secret


def test_confirm_gives_the_restricted_session_a_new_token(stack):
    f = Facility()
    _, _, _, old = f.login("boss")
    secret = remember(auth(old, "MFA.ENROLL")[2]["data"]["secret"])
    status, headers, reply = auth(
        old, f"MFA.CONFIRM otp={totp(secret, int(time.time()) // 30)}")
    assert status == 200, reply
    new = remember(cookie_token(headers))
    assert new and new != old
    assert portal(new, "USER.LIST")[0] == 200
    assert auth(old, "SESSION")[0] == 401


def test_password_change_gives_a_new_token(stack):
    f = Facility()
    f.policy()
    _, _, _, old = f.login("staff")
    sql(f"UPDATE users SET must_change_password = 1 WHERE id ="
        f" {user_id(f, 'staff')}")
    new_pw = strong_password()
    status, headers, reply = auth(
        old, f"PASSWORD.CHANGE current={q(f.passwords['staff'])} new={q(new_pw)}")
    assert status == 200, reply
    new = remember(cookie_token(headers))
    assert new and new != old
    assert auth(new, "SESSION")[0] == 200
    assert auth(old, "SESSION")[0] == 401


# Defect 4: reset mail limits, the same answer always.

def request_reset(f, user):
    return post("/api/auth", f"PASSWORD.RESET.REQUEST facility={f.code}"
                f" user={user}")


def test_reset_requests_mail_at_most_three_per_user(stack, sealer):
    f = Facility()
    f.policy()
    sealer.set_email(f.id, "staff", f"staff.{f.code}@example.org")
    answers = [request_reset(f, "staff")[::2] for _ in range(6)]
    assert all(a == answers[0] for a in answers) and answers[0][0] == 200
    mails = notices(sealer, f, "password_reset")
    assert len(mails) == 3
    # The last code mailed still works: the flood did not cancel it.
    code = remember(re.search(r"reset code: (\S+)", mails[-1]["body"]).group(1))
    new_pw = strong_password()
    status, _, reply = post("/api/auth", f"PASSWORD.RESET facility={f.code}"
                            f" user=staff token={q(code)} new={q(new_pw)}",
                            src=fresh_address())
    assert status == 200, reply


def test_reset_requests_are_limited_per_facility(stack, sealer):
    f = Facility()
    f.policy()
    sealer.set_email(f.id, "staff", f"staff.{f.code}@example.org")
    now = int(time.time())
    sql("INSERT INTO reset_requests (facility_id, user_id, created_at) VALUES "
        + ", ".join(f"({f.id}, NULL, {now - 60})" for _ in range(20)))
    assert request_reset(f, "staff")[0] == 200
    assert notices(sealer, f, "password_reset") == []
    # Older than 15 minutes counts no more.
    sql(f"UPDATE reset_requests SET created_at = {now - 901}"
        f" WHERE facility_id = {f.id}")
    assert request_reset(f, "staff")[0] == 200
    assert len(notices(sealer, f, "password_reset")) == 1


# Defect 6: sealed values are bound to their row; the key must be private.

def test_a_sealed_address_copied_to_another_row_does_not_open(stack, sealer):
    f = Facility()
    f.policy()
    sealer.set_email(f.id, "boss", f"boss.{f.code}@example.org")
    boss_sealed = sql(f"SELECT email_sealed FROM users WHERE id ="
                      f" {user_id(f, 'boss')}")[0][0]
    assert sealer.open(boss_sealed, user_ad(f.id, "boss")) is not None
    assert sealer.open(boss_sealed, user_ad(f.id, "staff")) is None
    # Someone with write access to the table redirects staff's resets.
    sql(f"UPDATE users SET email_sealed = '{boss_sealed}' WHERE id ="
        f" {user_id(f, 'staff')}")
    request_reset(f, "staff")
    assert notices(sealer, f, "password_reset") == []


def test_outbox_is_sealed_for_the_outbox_only(stack, sealer):
    f = Facility()
    f.policy()
    sealer.set_email(f.id, "staff", f"staff.{f.code}@example.org")
    request_reset(f, "staff")
    [[m]] = sql(f"SELECT message_sealed FROM mail_outbox WHERE facility_id"
                f" = {f.id}")
    assert sealer.open(m, OUTBOX_AD) is not None
    assert sealer.open(m, user_ad(f.id, "staff")) is None


@pytest.mark.parametrize("mode, starts", [(0o644, False), (0o640, False),
                                          (0o600, True)])
def test_programs_refuse_a_key_file_others_can_read(stack, tmp_path, mode,
                                                    starts):
    s = _current()
    key = tmp_path / "secret.key"
    key.write_bytes(os.urandom(32))
    key.chmod(mode)
    conf = re.sub(r"(?m)^key_file\s*=.*$", f"key_file = {key}",
                  s.conf.read_text())
    (tmp_path / "infosys.conf").write_text(conf)
    (tmp_path / "infosys.conf").chmod(0o600)
    r = subprocess.run([str(s.bin / "auth.fcgi")], stdin=subprocess.DEVNULL,
                       capture_output=True, text=True, timeout=30,
                       env=dict(os.environ,
                                INFOSYS_CONF=str(tmp_path / "infosys.conf")))
    refused = "refusing to start" in r.stderr
    assert refused != starts, r.stderr
    if refused:
        assert r.returncode == 1 and "chmod 600" in r.stderr


# Own sessions (§4) and the admin's view of a user's sessions (§5).

def test_session_list_shows_own_sessions_without_tokens(stack):
    f = Facility()
    f.policy()
    a, b = fresh_address(), fresh_address()
    _, _, _, first = f.login("staff", src=a)
    _, _, _, second = post_login_with_agent(f, "staff", b)
    f.login("boss")
    status, _, reply = auth(second, "SESSION.LIST")
    assert status == 200, reply
    sessions = reply["data"]["sessions"]
    assert len(sessions) == 2
    assert [s["current"] for s in sessions] == [True, False]
    assert sessions[0]["address"] == b and sessions[1]["address"] == a
    assert sessions[0]["device"] == "iphone"
    assert set(sessions[0]) == {"id", "current", "channel", "device",
                                "address", "started", "last_seen"}
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", sessions[0]["started"])
    assert first not in str(reply) and second not in str(reply)


def post_login_with_agent(f, name, src):
    ua = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X)"
          " AppleWebKit/605.1.15 Mobile/15E148")
    status, headers, reply = post(
        "/api/auth", f"LOGIN facility={f.code} user={name}"
        f" password={q(f.passwords[name])}", src=src,
        headers={"User-Agent": ua})
    return status, headers, reply, remember(cookie_token(headers))


def test_session_revoke_one_or_all_others(stack):
    f = Facility()
    f.policy()
    toks = [f.login("staff", src=fresh_address())[3] for _ in range(3)]
    _, _, _, boss = f.login("boss")
    listing = auth(toks[2], "SESSION.LIST")[2]["data"]["sessions"]
    oldest = listing[-1]["id"]
    boss_id = auth(boss, "SESSION.LIST")[2]["data"]["sessions"][0]["id"]
    # Another user's session is not the caller's to end.
    status, _, reply = auth(toks[2], f"SESSION.REVOKE id={boss_id}")
    assert (status, reply["error"]["code"]) == (404, "NOT_FOUND")
    assert auth(boss, "SESSION")[0] == 200
    assert auth(toks[2], f"SESSION.REVOKE id={oldest}")[0] == 200
    assert auth(toks[0], "SESSION")[0] == 401
    assert auth(toks[1], "SESSION")[0] == 200
    assert auth(toks[2], "SESSION.REVOKE")[2]["error"]["code"] == "BAD_ARGUMENT"
    assert auth(toks[2], "SESSION.REVOKE others=true")[0] == 200
    assert auth(toks[1], "SESSION")[0] == 401
    assert auth(toks[2], "SESSION")[0] == 200
    assert len(auth(toks[2], "SESSION.LIST")[2]["data"]["sessions"]) == 1


def test_password_change_and_admin_reset_end_other_sessions(stack):
    f = Facility()
    f.policy()
    _, _, _, other = f.login("staff", src=fresh_address())
    _, _, _, mine = f.login("staff", src=fresh_address())
    new_pw = strong_password()
    status, headers, _ = auth(mine, f"PASSWORD.CHANGE current="
                              f"{q(f.passwords['staff'])} new={q(new_pw)}")
    assert status == 200 and cookie_token(headers) is None
    assert auth(other, "SESSION")[0] == 401
    assert auth(mine, "SESSION")[0] == 200
    _, _, _, boss = f.login("boss")
    assert portal(boss, "USER.RESET user=staff")[0] == 200
    assert auth(mine, "SESSION")[0] == 401


def test_admin_sees_and_ends_a_users_sessions(stack):
    f = Facility()
    f.policy()
    _, _, _, staff = f.login("staff", src=fresh_address())
    _, _, _, boss = f.login("boss")
    status, _, reply = portal(boss, "USER.SESSIONS user=staff")
    assert status == 200, reply
    assert reply["data"]["user"] == "staff"
    assert len(reply["data"]["sessions"]) == 1
    assert reply["data"]["sessions"][0]["current"] is False
    assert portal(staff, "USER.SESSIONS user=staff")[0] == 403
    assert portal(boss, "USER.REVOKE user=staff")[0] == 200
    assert auth(staff, "SESSION")[0] == 401
    assert portal(boss, "USER.SESSIONS user=staff")[2]["data"]["sessions"] == []
    assert portal(boss, "USER.REVOKE user=ghost")[2]["error"]["code"] == "NOT_FOUND"
    acts = sql("SELECT action, target FROM activity_log WHERE facility_id ="
               f" {f.id} AND action = 'user.revoke'")
    assert acts == [["user.revoke", "staff"]]


def test_disable_then_enable(stack):
    f = Facility()
    f.policy()
    _, _, _, boss = f.login("boss")
    assert portal(boss, "USER.DISABLE user=staff")[0] == 200
    assert f.login("staff", src=fresh_address())[0] == 401
    status, _, reply = portal(boss, "USER.ENABLE user=staff")
    assert status == 200 and reply["data"]["status"] == "active", reply
    assert f.login("staff", src=fresh_address())[0] == 200
    status, _, reply = post("/api/sync", "USER.CHANGES since=0",
                            headers={"Authorization": f"Bearer {f.sync_key}",
                                     "Infosys-PC": "PC-1"})
    kinds = [c["kind"] for c in reply["data"]["changes"]]
    assert kinds == ["disable", "enable"], reply


def test_admin_resets_another_admins_mfa_never_their_own(stack, sealer):
    f = Facility()
    secret, step, _ = enrol(f)
    f.add("boss2", "admin")
    sealer.set_email(f.id, "boss", f"boss.{f.code}@example.org")
    _, _, _, boss = f.login("boss", otp=totp(secret, step + 1))
    status, _, reply = portal(boss, "USER.MFA.RESET user=boss")
    assert (status, reply["error"]["code"]) == (409, "CONFLICT")
    # boss2 is not enrolled, so restricted: they enrol, then reset boss.
    _, _, _, b2 = f.login("boss2")
    s2 = remember(auth(b2, "MFA.ENROLL")[2]["data"]["secret"])
    _, headers, _ = auth(b2, f"MFA.CONFIRM otp={totp(s2, int(time.time()) // 30)}")
    b2 = remember(cookie_token(headers))
    status, _, reply = portal(b2, "USER.MFA.RESET user=boss")
    assert status == 200 and reply["data"]["mfa"] is False, reply
    assert auth(boss, "SESSION")[0] == 401
    # boss signs in with the password alone, into an enrolment session.
    status, _, reply, tok = f.login("boss", src=fresh_address())
    assert status == 200 and reply["data"]["mfa_enrolled"] is False
    assert portal(tok, "USER.LIST")[2]["error"]["code"] == "MFA_ENROLL_REQUIRED"
    assert any("cleared the two-factor" in m["body"]
               for m in notices(sealer, f, "notice_mfa"))


# Notices (§4 last bullet): the recovery address hears of every change.

def test_credential_changes_and_lock_mail_a_notice_without_secrets(stack, sealer):
    f = Facility()
    f.policy()
    addr = f"staff.{f.code}@example.org"
    sealer.set_email(f.id, "staff", addr)
    _, _, _, tok = f.login("staff", src=fresh_address())
    new_pw = strong_password()
    assert auth(tok, f"PASSWORD.CHANGE current={q(f.passwords['staff'])}"
                f" new={q(new_pw)}")[0] == 200
    [changed] = notices(sealer, f, "notice_password")
    assert changed["to"] == addr and "password" in changed["subject"]
    assert new_pw not in changed["body"] and f.passwords["staff"] not in changed["body"]
    src = fresh_address()
    for _ in range(10):
        login(f.code, "staff", WRONG, src=src)
    [locked] = notices(sealer, f, "notice_lock")
    assert "locked" in locked["body"]
    # Further failures of the locked account mail nothing more.
    login(f.code, "staff", WRONG, src=src)
    assert len(notices(sealer, f, "notice_lock")) == 1
    # A new recovery address from the PC: the old one and the new hear.
    status, _, reply = post(
        "/api/sync", f"USER.UPSERT user=staff role=user email=new.{f.code}@example.org",
        headers={"Authorization": f"Bearer {f.sync_key}", "Infosys-PC": "PC-1"})
    assert status == 200, reply
    to = [m["to"] for m in notices(sealer, f, "notice_email")]
    assert to == [addr, f"new.{f.code}@example.org"]


def test_own_recovery_address_needs_the_password_and_tells_both(stack, sealer):
    """Issue 11 item 12: a user sets their own recovery address on the
    account page; a borrowed session without the password cannot."""
    f = Facility()
    old = f"staff.{f.code}@example.org"
    sealer.set_email(f.id, "staff", old)
    _, _, _, tok = f.login("staff", src=fresh_address())
    assert auth(tok, "SESSION.LIST")[2]["data"]["recovery_email"] == "s\u2026@example.org"
    new = f"mine.{f.code}@example.net"
    status, _, reply = auth(tok, f"EMAIL.CHANGE password={q(WRONG)} email={new}")
    assert (status, reply["error"]["code"]) == (401, "AUTH_FAILED"), reply
    assert notices(sealer, f, "notice_email") == []
    assert sql(f"SELECT failed_logins FROM users WHERE id = {user_id(f, 'staff')}") == [["1"]]
    status, _, reply = auth(tok, f"EMAIL.CHANGE password={q(f.passwords['staff'])} email={new}")
    assert status == 200, reply
    assert [m["to"] for m in notices(sealer, f, "notice_email")] == [old, new]
    assert auth(tok, "SESSION.LIST")[2]["data"]["recovery_email"] == "m\u2026@example.net"
    # The same address again (any case) changes and tells nothing.
    status, _, _ = auth(tok, f"EMAIL.CHANGE password={q(f.passwords['staff'])} email={new.upper()}")
    assert status == 200 and len(notices(sealer, f, "notice_email")) == 2
    # The reset mail now goes to the new address; the log never holds it.
    assert post("/api/auth", f"PASSWORD.RESET.REQUEST facility={f.code} user=staff")[0] == 200
    assert [m["to"] for m in notices(sealer, f, "password_reset")] == [new]
    assert sql(f"SELECT COUNT(*) FROM request_log WHERE params LIKE '%{f.code}@%'") == [["0"]]
    # Without an address: removed, and the one removed is told.
    status, _, reply = auth(tok, f"EMAIL.CHANGE password={q(f.passwords['staff'])}")
    assert status == 200, reply
    assert auth(tok, "SESSION.LIST")[2]["data"]["recovery_email"] is None
    assert [m["to"] for m in notices(sealer, f, "notice_email")] == [old, new, new]


# Strength by estimate (issue item 7): zxcvbn with the account's own words.

@pytest.mark.parametrize("weak", ["passwordpassword", "Dragon2024dragon",
                                  "{Code}2024!"])
def test_guessable_passwords_are_refused_by_strength(stack, weak):
    f = Facility()
    f.policy()
    # "{Code}2024!" is random letters to anyone but this facility's
    # attackers, who try its code first.
    weak = remember(weak.format(Code=f.code.capitalize()))
    _, _, _, tok = f.login("staff")
    status, _, reply = auth(tok, f"PASSWORD.CHANGE current="
                            f"{q(f.passwords['staff'])} new={q(weak)}")
    assert (status, reply["error"]["code"]) == (422, "POLICY"), reply
    assert reply["error"]["message"].startswith("strength:")
    # A facility may ask for less.
    f.policy(min_score=0)
    status, _, reply = auth(tok, f"PASSWORD.CHANGE current="
                            f"{q(f.passwords['staff'])} new={q(weak)}")
    assert status == 200, reply


def test_policy_min_score_is_set_and_read(stack):
    f = Facility()
    f.policy()
    _, _, _, boss = f.login("boss")
    assert portal(boss, "POLICY.GET")[2]["data"]["min_score"] == 3
    status, _, reply = portal(boss, "POLICY.SET min_score=4")
    assert status == 200 and reply["data"]["min_score"] == 4, reply
    assert portal(boss, "POLICY.SET min_score=5")[2]["error"]["code"] \
        == "BAD_ARGUMENT"
