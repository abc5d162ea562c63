"""Admin verbs on /api/portal (USER.*, POLICY.*, AUDIT.LOGINS), the
restrictions a session can carry, and PASSWORD.CHANGE with the policy."""
import hashlib

import pytest

from authkit import Facility, cookie_token, login, post, q, remember, sql

WRONG = remember("Not-the-password-2")


def portal(tok, line):
    return post("/api/portal", line, cookie=tok)


def auth(tok, line):
    return post("/api/auth", line, cookie=tok)


@pytest.fixture
def fac(stack):
    f = Facility()
    f.policy()              # MFA off, so the admin's session is a full one
    _, _, reply, f.admin = f.login("boss")
    assert reply["ok"], reply
    return f


def test_user_verbs_are_for_admins_only(fac):
    _, _, _, staff = fac.login("staff")
    for line in ("USER.LIST", "USER.UNLOCK user=staff", "USER.RESET user=boss",
                 "USER.DISABLE user=boss", "POLICY.SET min_length=20",
                 "AUDIT.LOGINS"):
        status, _, reply = portal(staff, line)
        assert (status, reply["error"]["code"]) == (403, "FORBIDDEN"), line
    status, _, reply = portal(None, "USER.LIST")
    assert (status, reply["error"]["code"]) == (401, "AUTH_REQUIRED")


def test_user_list_shows_role_status_and_failures(fac):
    login(fac.code, "staff", WRONG, src="127.0.7.1")
    status, _, reply = portal(fac.admin, "USER.LIST")
    assert status == 200, reply
    users = {u["user"]: u for u in reply["data"]["users"]}
    assert set(users) == {"boss", "staff"}
    assert users["staff"]["role"] == "user"
    assert users["staff"]["status"] == "active"
    assert users["staff"]["failed_logins"] == 1
    assert users["boss"]["role"] == "admin"
    assert users["boss"]["last_login"].endswith("Z")
    assert users["boss"]["mfa"] is False


def test_unlock_clears_the_lock(fac):
    for _ in range(10):
        login(fac.code, "staff", WRONG, src="127.0.7.2")
    assert fac.locked("staff")
    assert fac.login("staff", src="127.0.7.2")[0] == 401
    status, _, reply = portal(fac.admin, "USER.UNLOCK user=STAFF")
    assert status == 200, reply
    assert not fac.locked("staff") and fac.failed_logins("staff") == 0
    assert fac.login("staff", src="127.0.7.2")[0] == 200
    rows = sql("SELECT user_name, action, target FROM activity_log"
               f" WHERE facility_id = {fac.id} AND action = 'user.unlock'")
    assert rows == [["boss", "user.unlock", "staff"]]


def test_other_facilities_users_are_not_found(fac):
    other = Facility()
    status, _, reply = portal(fac.admin, "USER.UNLOCK user=nobody")
    assert (status, reply["error"]["code"]) == (404, "NOT_FOUND")
    other.add("onlythere", "user")
    status, _, reply = portal(fac.admin, "USER.DISABLE user=onlythere")
    assert (status, reply["error"]["code"]) == (404, "NOT_FOUND")


def test_disable_ends_sessions_and_sign_in(fac):
    _, _, _, staff = fac.login("staff")
    status, _, reply = portal(fac.admin, "USER.DISABLE user=staff")
    assert status == 200, reply
    assert auth(staff, "SESSION")[0] == 401
    status, _, reply, _ = fac.login("staff")
    assert (status, reply["error"]["code"]) == (401, "AUTH_FAILED")
    status, _, reply = portal(fac.admin, "USER.DISABLE user=boss")
    assert (status, reply["error"]["code"]) == (409, "CONFLICT")


def test_reset_gives_a_temporary_password_that_must_be_changed(fac):
    _, _, _, old_session = fac.login("staff")
    status, _, reply = portal(fac.admin, "USER.RESET user=staff")
    assert status == 200, reply
    temp = remember(reply["data"]["password"])
    assert reply["data"]["must_change_password"] is True
    assert auth(old_session, "SESSION")[0] == 401
    # The old password is gone; the temporary one signs in, restricted.
    assert fac.login("staff")[0] == 401
    status, _, reply, tok = login(fac.code, "staff", temp)
    assert status == 200 and reply["data"]["must_change_password"] is True
    status, _, reply = portal(tok, "POLICY.GET")
    assert (status, reply["error"]["code"]) == (403, "PASSWORD_CHANGE_REQUIRED")
    assert auth(tok, "SESSION")[0] == 200
    new = remember("Fresh-Passphrase-" + fac.code)
    status, headers, reply = auth(tok, f"PASSWORD.CHANGE current={temp} new={new}")
    assert status == 200, reply
    # The restricted session became a full one under a new token.
    old, tok = tok, remember(cookie_token(headers))
    assert portal(tok, "POLICY.GET")[0] == 200
    assert auth(old, "SESSION")[0] == 401
    # The temporary password worked once: it no longer signs in.
    assert login(fac.code, "staff", temp)[0] == 401
    assert login(fac.code, "staff", new)[0] == 200


def test_policy_get_set_and_logged(fac):
    status, _, reply = portal(fac.admin, "POLICY.GET")
    assert status == 200
    assert reply["data"]["min_length"] == 12 and reply["data"]["history"] == 5
    status, _, reply = portal(fac.admin, "POLICY.SET min_length=16"
                              " require_digit=true idle_timeout_s=600")
    assert status == 200, reply
    assert reply["data"]["min_length"] == 16
    assert reply["data"]["require_digit"] is True
    assert reply["data"]["idle_timeout_s"] == 600
    assert reply["data"]["history"] == 5
    status, _, reply = portal(fac.admin, "POLICY.SET min_length=7")
    assert (status, reply["error"]["code"]) == (400, "BAD_ARGUMENT")
    status, _, reply = portal(fac.admin, "POLICY.SET")
    assert (status, reply["error"]["code"]) == (400, "BAD_ARGUMENT")
    rows = sql("SELECT user_name, detail FROM activity_log WHERE facility_id"
               f" = {fac.id} AND action = 'policy.set'")
    assert rows == [["boss", '{"idle_timeout_s":600,"min_length":16,'
                     '"require_digit":1}']]
    # The new idle timeout applies to sessions at once.
    _, _, reply, _ = fac.login("staff")
    assert reply["data"]["idle_timeout_s"] == 600


def change(f, tok, name, new):
    remember(new)
    return auth(tok, f"PASSWORD.CHANGE current={q(f.passwords[name])}"
                f" new={q(new)}")


@pytest.mark.parametrize("new,rule", [
    ("short-1", "min_length"),
    ("password1234", "common"),
    ("Sunshine2024!!", "common"),
    ("my-staff-passphrase", "user_name"),
])
def test_password_change_refusals_name_the_rule(fac, new, rule):
    _, _, _, tok = fac.login("staff")
    status, _, reply = change(fac, tok, "staff", new)
    assert (status, reply["error"]["code"]) == (422, "POLICY"), reply
    assert reply["error"]["message"].startswith(rule + ":")


def test_password_change_composition_rules(fac):
    portal(fac.admin, "POLICY.SET require_digit=1 require_mixed_case=1"
           " require_special=1")
    _, _, _, tok = fac.login("staff")
    for new, rule in (("lanterns-over-ice", "require_digit"),
                      ("lanterns-over-ice9", "require_mixed_case"),
                      ("LanternsOverIce9", "require_special")):
        status, _, reply = change(fac, tok, "staff", new)
        assert reply["error"]["message"].startswith(rule + ":"), reply
    assert change(fac, tok, "staff", "Lanterns-Over-Ice9")[0] == 200


def test_password_history_refuses_reuse(fac):
    _, _, _, tok = fac.login("staff")
    first = fac.passwords["staff"]
    status, _, reply = change(fac, tok, "staff", first)
    assert reply["error"]["message"].startswith("history:"), reply
    second = "Second-Passphrase-" + fac.code
    assert change(fac, tok, "staff", second)[0] == 200
    fac.passwords["staff"] = second
    status, _, reply = change(fac, tok, "staff", first)
    assert (status, reply["error"]["code"]) == (422, "POLICY")
    assert reply["error"]["message"].startswith("history:")
    # With history 1 only the current password is refused.
    portal(fac.admin, "POLICY.SET history=1")
    assert change(fac, tok, "staff", first)[0] == 200


def test_password_change_ends_other_sessions_only(fac):
    _, _, _, a = fac.login("staff")
    _, _, _, b = fac.login("staff", channel="app")
    assert change(fac, a, "staff", "Third-Passphrase-" + fac.code)[0] == 200
    assert auth(a, "SESSION")[0] == 200
    assert auth(b, "SESSION")[0] == 401


def test_password_change_with_a_wrong_current_counts(fac):
    _, _, _, tok = fac.login("staff")
    status, _, reply = auth(tok, f"PASSWORD.CHANGE current={WRONG}"
                            " new=Whatever-Passphrase-9")
    assert (status, reply["error"]["code"]) == (401, "AUTH_FAILED")
    assert fac.failed_logins("staff") == 1


def test_expired_password_must_be_changed(fac):
    portal(fac.admin, "POLICY.SET max_age_days=30")
    sql("UPDATE users SET password_changed_at = UTC_TIMESTAMP() - INTERVAL"
        f" 31 DAY WHERE facility_id = {fac.id} AND name = 'staff'")
    status, _, reply, tok = fac.login("staff")
    assert status == 200 and reply["data"]["must_change_password"] is True
    status, _, reply = portal(tok, "POLICY.GET")
    assert (status, reply["error"]["code"]) == (403, "PASSWORD_CHANGE_REQUIRED")
    status, headers, _ = change(fac, tok, "staff", "Fourth-Passphrase-" + fac.code)
    assert status == 200
    assert portal(remember(cookie_token(headers)), "POLICY.GET")[0] == 200


def test_password_change_keeps_only_hashes(fac):
    _, _, _, tok = fac.login("staff")
    new = "Fifth-Passphrase-" + fac.code
    assert change(fac, tok, "staff", new)[0] == 200
    rows = sql("SELECT password_hash FROM users WHERE facility_id ="
               f" {fac.id} AND name = 'staff' UNION ALL SELECT h.password_hash"
               " FROM password_history h JOIN users u ON u.id = h.user_id"
               f" WHERE u.facility_id = {fac.id}")
    assert rows and all(r[0].startswith("$argon2id$") for r in rows)


def test_audit_logins_newest_first_and_filtered(fac):
    login(fac.code, "staff", WRONG, src="127.0.7.9")
    fac.login("staff", src="127.0.7.9")
    status, _, reply = portal(fac.admin, "AUDIT.LOGINS user=staff limit=2")
    assert status == 200, reply
    logins = reply["data"]["logins"]
    assert [(x["result"], x["reason"]) for x in logins] == [
        ("success", None), ("failure", "password")]
    assert logins[0]["address"] == "127.0.7.9"
    assert logins[0]["channel"] == "web" and logins[0]["ts"].endswith("Z")
    status, _, reply = portal(fac.admin, "AUDIT.LOGINS")
    assert {x["user"] for x in reply["data"]["logins"]} == {"boss", "staff"}


def test_admin_without_mfa_is_restricted_when_policy_says_so(stack):
    f = Facility()          # default policy: mfa_admins on
    status, _, reply, tok = f.login("boss")
    assert status == 200 and reply["data"]["mfa_enrolled"] is False
    status, _, reply = portal(tok, "USER.LIST")
    assert (status, reply["error"]["code"]) == (403, "MFA_ENROLL_REQUIRED")
    status, _, reply = auth(tok, "SESSION")
    assert status == 200 and reply["data"]["mfa_enroll_required"] is True
    # A plain user of the same facility is not affected.
    _, _, _, staff = f.login("staff")
    assert portal(staff, "POLICY.GET")[0] == 200
    assert auth(tok, "LOGOUT")[0] == 200
    h = hashlib.sha256(tok.encode()).hexdigest()
    assert sql(f"SELECT COUNT(*) FROM sessions WHERE token_hash = '{h}'") == [["0"]]
