"""infosysctl user list|unlock|disable|enable|passwd|reset-mfa: the
operator's hand on a facility's accounts, through the same domain code as
the portal's admin verbs, each logged as done by the operator."""
import pytest

from authkit import Facility, login, post, remember, sql
from conftest import ctl

WRONG = remember("Not-the-password-3")


@pytest.fixture
def fac(stack):
    f = Facility()
    f.policy()
    return f


def session_alive(tok):
    return post("/api/auth", "SESSION", cookie=tok)[0] == 200


def operator_log(fac, action):
    return sql("SELECT module, user_name IS NULL, address, target FROM"
               f" activity_log WHERE facility_id = {fac.id} AND action ="
               f" '{action}' ORDER BY id")


def listing(code):
    """`user list` as {name: row}, each row its columns after the name."""
    out = ctl("user", "list", "--facility", code).stdout.splitlines()
    assert out[0].split()[:6] == ["NAME", "ROLE", "STATUS", "LOCKED",
                                  "FAILED", "MFA"]
    return {line.split()[0]: line.split()[1:] for line in out[1:]}


def test_list_shows_role_status_lock_failures_mfa_and_last_sign_in(fac):
    assert fac.login("boss")[0] == 200
    for _ in range(10):
        login(fac.code, "staff", WRONG, src="127.0.9.1")
    sql(f"UPDATE users SET mfa_enabled = 1 WHERE facility_id = {fac.id}"
        " AND name = 'boss'")
    rows = listing(fac.code)
    assert set(rows) == {"boss", "staff"}
    role, status, locked, failed, mfa, last = rows["boss"]
    assert (role, status, locked, failed, mfa) == ("admin", "active", "no",
                                                   "0", "yes")
    assert last.endswith("Z")
    assert rows["staff"] == ["user", "locked", "yes", "10", "no", "never"]
    # The facility may also be given first, like the other commands.
    out = ctl("user", "list", fac.code).stdout
    assert "staff" in out and "boss" in out


def test_disable_ends_sessions_and_enable_restores_sign_in(fac):
    status, _, _, tok = fac.login("staff")
    assert status == 200 and session_alive(tok)
    r = ctl("user", "disable", "--facility", fac.code, "STAFF")
    assert "staff" in r.stdout
    assert not session_alive(tok)
    assert fac.login("staff")[0] == 401
    # The facility's PCs read the change back.
    assert sql("SELECT COUNT(*) FROM user_changes c JOIN users u ON"
               f" u.id = c.user_id WHERE u.facility_id = {fac.id}"
               " AND u.name = 'staff'")[0][0] != "0"
    ctl("user", "enable", fac.code, "staff")
    assert fac.login("staff")[0] == 200
    assert operator_log(fac, "user.disable") == [
        ["infosysctl", "1", "local", "staff"]]
    assert operator_log(fac, "user.enable") == [
        ["infosysctl", "1", "local", "staff"]]


def test_unlock_clears_the_lock(fac):
    for _ in range(10):
        login(fac.code, "staff", WRONG, src="127.0.9.2")
    assert fac.locked("staff")
    ctl("user", "unlock", "--facility", fac.code, "staff")
    assert not fac.locked("staff") and fac.failed_logins("staff") == 0
    assert fac.login("staff", src="127.0.9.2")[0] == 200
    assert operator_log(fac, "user.unlock") == [
        ["infosysctl", "1", "local", "staff"]]


def hash_of(fac, name):
    return sql(f"SELECT password_hash FROM users WHERE facility_id = {fac.id}"
               f" AND name = '{name}'")[0][0]


@pytest.mark.parametrize("weak", ["password1234", "short", "staff-staff-staff"])
def test_passwd_refuses_what_the_portal_refuses_and_changes_nothing(fac, weak):
    before = hash_of(fac, "staff")
    r = ctl("user", "passwd", "--facility", fac.code, "staff",
            stdin=remember(weak) + "\n", check=False)
    assert r.returncode == 2, r.stdout + r.stderr
    assert "policy" in r.stderr or "at least" in r.stderr
    assert hash_of(fac, "staff") == before
    assert operator_log(fac, "user.reset") == []


def test_passwd_from_stdin_must_be_changed_and_ends_sessions(fac):
    _, _, _, old = fac.login("staff")
    temp = remember("Temporary-Harbour-" + fac.code)
    r = ctl("user", "passwd", "--facility", fac.code, "staff",
            stdin=temp + "\n")
    assert temp not in r.stdout + r.stderr
    assert not session_alive(old)
    assert fac.login("staff")[0] == 401
    status, _, reply, _ = login(fac.code, "staff", temp)
    assert status == 200 and reply["data"]["must_change_password"] is True
    assert operator_log(fac, "user.reset") == [
        ["infosysctl", "1", "local", "staff"]]


def test_passwd_generate_prints_it_once_and_it_signs_in(fac):
    for _ in range(10):
        login(fac.code, "boss", WRONG, src="127.0.9.3")
    r = ctl("user", "passwd", "--facility", fac.code, "boss", "--generate")
    temp = remember(r.stdout.strip().splitlines()[-1])
    assert len(temp) >= 20
    assert temp not in str(sql("SELECT * FROM activity_log WHERE"
                               f" facility_id = {fac.id}"))
    status, _, reply, _ = login(fac.code, "boss", temp, src="127.0.9.3")
    assert status == 200 and reply["data"]["must_change_password"] is True


def test_reset_mfa_clears_enrolment_and_ends_sessions(fac):
    _, _, _, tok = fac.login("boss")
    sql("UPDATE users SET mfa_enabled = 1, mfa_secret = 'x' WHERE"
        f" facility_id = {fac.id} AND name = 'boss'")
    ctl("user", "reset-mfa", "--facility", fac.code, "boss")
    assert sql("SELECT mfa_enabled, mfa_secret IS NULL FROM users WHERE"
               f" facility_id = {fac.id} AND name = 'boss'") == [["0", "1"]]
    assert not session_alive(tok)
    assert listing(fac.code)["boss"][4] == "no"
    assert operator_log(fac, "user.mfa_reset") == [
        ["infosysctl", "1", "local", "boss"]]


def test_unknown_user_or_facility_fails_and_bad_usage_is_2(fac):
    r = ctl("user", "disable", "--facility", fac.code, "nobody", check=False)
    assert r.returncode == 1 and "no user nobody" in r.stderr
    r = ctl("user", "list", "--facility", "NOSUCHFAC", check=False)
    assert r.returncode == 1 and "no facility" in r.stderr
    for args in (["user", "disable", "--facility", fac.code],
                 ["user", "list"], ["user", "frobnicate", fac.code, "x"],
                 ["user", "enable", "--facility", "x y", "staff"],
                 ["user", "disable", fac.code, "staff", "--generate"]):
        assert ctl(*args, check=False).returncode == 2, args
