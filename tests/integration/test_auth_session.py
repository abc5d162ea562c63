"""Sign-in and sessions (PROTOCOL.md §4): the cookie, a new token at each
sign-in, logout, the idle and absolute limits (moved in the database, never
slept through), and background requests that do not keep a session alive."""
import hashlib
import re
import time

import pytest

from authkit import Facility, login, post, remember, sql

COOKIE_RE = re.compile(r"^__Host-sid=([A-Za-z0-9_-]{43}); Path=/; Secure;"
                       r" HttpOnly; SameSite=Strict$")


@pytest.fixture(scope="module")
def fac(stack):
    f = Facility()
    f.policy()          # defaults, MFA off for the admin
    return f


def session(tok, background=False, path="/api/auth"):
    hdrs = {"Infosys-Background": "1"} if background else {}
    return post(path, "SESSION" if path == "/api/auth" else "SESSION",
                cookie=tok, headers=hdrs)


def age(tok, seconds, column="last_seen_at"):
    h = hashlib.sha256(tok.encode()).hexdigest()
    sql(f"UPDATE sessions SET {column} = {column} - {int(seconds)}"
        f" WHERE token_hash = '{h}'")


def test_login_sets_strict_cookie_and_answers_the_account(fac):
    status, headers, reply, tok = fac.login("staff")
    assert status == 200, reply
    # The session cookie, and the device cookie (test_auth_device.py).
    cookies = [c for c in headers["set-cookie"]
               if not c.startswith("__Secure-idev=")]
    assert len(cookies) == 1 and COOKIE_RE.match(cookies[0]), \
        [c.split("=")[0] for c in headers["set-cookie"]]
    assert reply["data"] == {
        "user": "staff", "role": "user", "facility": fac.code,
        "idle_timeout_s": 300, "must_change_password": False,
        "mfa_enrolled": False}
    status, _, reply = session(tok)
    assert status == 200, reply
    assert reply["data"]["user"] == "staff"
    assert reply["data"]["facility"] == fac.code
    assert reply["data"]["idle_remaining_s"] == 300


def test_only_the_tokens_hash_is_stored(fac):
    _, _, _, tok = fac.login("staff")
    h = hashlib.sha256(tok.encode()).hexdigest()
    assert sql(f"SELECT COUNT(*) FROM sessions WHERE token_hash = '{h}'") == [["1"]]
    assert sql(f"SELECT COUNT(*) FROM sessions WHERE token_hash = '{tok}'") == [["0"]]


def test_names_are_case_insensitive(fac):
    status, _, reply, _ = login(fac.code.lower(), "STAFF",
                                fac.passwords["staff"])
    assert status == 200, reply
    assert reply["data"]["user"] == "staff"


def test_each_login_replaces_the_token(fac):
    _, _, _, first = fac.login("staff")
    _, _, _, second = fac.login("staff", cookie=first)
    assert first and second and first != second
    assert session(second)[0] == 200
    # The cookie the browser held before the sign-in no longer works.
    status, _, reply = session(first)
    assert (status, reply["error"]["code"]) == (401, "AUTH_REQUIRED")


def test_logout_ends_the_session_and_clears_the_cookie(fac):
    _, _, _, tok = fac.login("staff")
    status, headers, reply = post("/api/auth", "LOGOUT", cookie=tok)
    assert status == 200, reply
    assert headers["set-cookie"] == [
        "__Host-sid=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0"]
    status, _, reply = session(tok)
    assert (status, reply["error"]["code"]) == (401, "AUTH_REQUIRED")


@pytest.mark.parametrize("cookie", [None, "x", "A" * 43])
def test_missing_or_unknown_session_is_auth_required(fac, cookie):
    status, _, reply = session(cookie)
    assert (status, reply["error"]["code"]) == (401, "AUTH_REQUIRED")


def test_idle_session_expires_and_is_deleted(fac):
    _, _, _, tok = fac.login("staff")
    age(tok, 301)
    status, headers, reply = session(tok)
    assert (status, reply["error"]["code"]) == (401, "SESSION_EXPIRED")
    assert "Max-Age=0" in headers["set-cookie"][0]
    h = hashlib.sha256(tok.encode()).hexdigest()
    assert sql(f"SELECT COUNT(*) FROM sessions WHERE token_hash = '{h}'") == [["0"]]
    status, _, reply = session(tok)
    assert (status, reply["error"]["code"]) == (401, "AUTH_REQUIRED")


def test_active_session_survives_past_the_idle_timeout(fac):
    _, _, _, tok = fac.login("staff")
    for _ in range(3):          # 3 × 200 s of use: 600 s, past the 300 s
        age(tok, 200)
        status, _, reply = session(tok)
        assert status == 200, reply


def test_background_requests_do_not_keep_the_session_alive(fac):
    _, _, _, tok = fac.login("staff")
    age(tok, 200)
    status, _, reply = session(tok, background=True)
    assert status == 200, reply
    assert 95 <= reply["data"]["idle_remaining_s"] <= 100
    age(tok, 101)
    status, _, reply = session(tok, background=True)
    assert (status, reply["error"]["code"]) == (401, "SESSION_EXPIRED")


def test_absolute_lifetime_is_twelve_hours(fac):
    _, _, _, tok = fac.login("staff")
    age(tok, 12 * 3600 - 60, "created_at")
    assert session(tok)[0] == 200
    age(tok, 61, "created_at")
    status, _, reply = session(tok)
    assert (status, reply["error"]["code"]) == (401, "SESSION_EXPIRED")


def test_idle_timeout_follows_the_facility_policy(stack):
    f = Facility()
    f.policy(idle_timeout_s=60)
    status, _, reply, tok = f.login("staff")
    assert reply["data"]["idle_timeout_s"] == 60
    # Margins of seconds: a busy machine takes a moment between requests.
    age(tok, 50)
    assert session(tok)[0] == 200
    age(tok, 62)
    status, _, reply = session(tok)
    assert (status, reply["error"]["code"]) == (401, "SESSION_EXPIRED")


def test_disabled_users_session_stops_at_once(stack):
    f = Facility()
    f.policy()
    _, _, _, tok = f.login("staff")
    sql(f"UPDATE users SET status = 'disabled' WHERE facility_id = {f.id}"
        " AND name = 'staff'")
    status, _, reply = session(tok)
    assert (status, reply["error"]["code"]) == (401, "AUTH_REQUIRED")


def test_every_failure_is_the_same_auth_failed(fac):
    wrong = remember("Wrong-password-123")
    answers = [
        login("NOSUCHFAC", "staff", wrong, src="127.0.3.1")[:3],
        login(fac.code, "nosuchuser", wrong, src="127.0.3.1")[:3],
        login(fac.code, "staff", wrong, src="127.0.3.1")[:3],
    ]
    sql(f"UPDATE users SET status = 'disabled' WHERE facility_id = {fac.id}"
        " AND name = 'boss'")
    answers.append(login(fac.code, "boss", fac.passwords["boss"],
                         src="127.0.3.1")[:3])
    sql(f"UPDATE users SET status = 'active', failed_logins = 0"
        f" WHERE facility_id = {fac.id}")
    for status, headers, reply in answers:
        assert status == 401
        assert "set-cookie" not in headers
        assert reply["error"] == answers[0][2]["error"]
        assert reply["error"]["code"] == "AUTH_FAILED"


def test_unknown_user_costs_the_same_as_a_wrong_password(fac):
    wrong = remember("Wrong-password-456")

    def timed(user):
        t0 = time.monotonic()
        status, _, _, _ = login(fac.code, user, wrong, src="127.0.3.2")
        assert status == 401
        return time.monotonic() - t0

    unknown = min(timed("ghost") for _ in range(3))
    known = min(timed("staff") for _ in range(3))
    sql(f"UPDATE users SET failed_logins = 0 WHERE facility_id = {fac.id}")
    assert known / 2 < unknown < known * 2, (unknown, known)


def test_login_is_logged_with_channel_device_and_address(fac):
    ua = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X)"
          " AppleWebKit/605.1.15 Mobile/15E148")
    status, _, reply = post(
        "/api/auth", f"LOGIN facility={fac.code} user=staff"
        f" password={fac.passwords['staff']} channel=app",
        src="127.0.3.3", headers={"User-Agent": ua})
    assert status == 200, reply
    rows = sql("SELECT user_name, result, reason, channel, device_type"
               f" FROM login_log WHERE facility_id = {fac.id}"
               " AND address = '127.0.3.3' ORDER BY id DESC LIMIT 1")
    assert rows == [["staff", "success", "NULL", "app", "iphone"]]
