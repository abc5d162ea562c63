"""Users from the facility PC (PROTOCOL.md §6): USER.UPSERT, USER.REMOVE,
USER.CHANGES and LOGIN.REPORT through nginx, against the web side's
sessions, lockout and password paths."""
import ctypes
import ctypes.util
import re

from authkit import (Facility, fresh_address, pc_ok, pc_sync, Sealer, user_ad, login, post, q, remember, sql,
                     strong_password)
from conftest import ctl

WRONG = remember("Not-the-password-2")

_na = ctypes.CDLL(ctypes.util.find_library("sodium"))
assert _na.sodium_init() >= 0

# Source addresses of this run: failures count towards no other run's
# address throttle.
ADDR = {n: fresh_address() for n in range(1, 16)}


def phc(password, t=2, m_kib=19456):
    """An argon2id PHC string as the PC makes it (weaker than ours)."""
    out = ctypes.create_string_buffer(128)
    pw = password.encode()
    assert _na.crypto_pwhash_str_alg(
        out, pw, ctypes.c_ulonglong(len(pw)), ctypes.c_ulonglong(t),
        ctypes.c_size_t(m_kib * 1024), ctypes.c_int(2)) == 0
    return out.value.decode()


def user_row(f, name):
    rows = sql("SELECT role, status, password_hash, email_sealed, email_hash,"
               " must_change_password FROM users WHERE facility_id ="
               f" {f.id} AND name = '{name}'")
    return rows[0] if rows else None


def session_ok(cookie):
    status, _, reply = post("/api/auth", "SESSION", cookie=cookie)
    return status == 200, reply


def portal(cookie, body):
    return post("/api/portal", body, cookie=cookie)


def admin_cookie(f, src=ADDR[1]):
    status, _, reply, tok = f.login("boss", src=src)
    assert status == 200, reply
    return tok


def ts_now():
    from datetime import datetime, timezone
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- USER.UPSERT ---------------------------------------------------------

def test_upsert_creates_a_user_who_signs_in_with_the_pcs_password(stack):
    f = Facility()
    f.policy()
    pw = strong_password()
    line = f"USER.UPSERT user=nurse1 role=user hash={q(phc(pw))}"
    d = pc_ok(f, line)
    assert d == {"user": "nurse1", "created": True, "status": "active",
                 "locked": False}
    status, _, reply, tok = login(f.code, "nurse1", pw, src=ADDR[2])
    assert status == 200 and reply["data"]["role"] == "user", reply
    assert session_ok(tok)[0]


def test_upsert_twice_converges_and_is_not_echoed(stack):
    f = Facility()
    f.policy()
    sealer = Sealer()
    email = f"nurse2.{f.code}@example.org"
    line = (f"USER.UPSERT user=nurse2 role=admin hash={q(phc(strong_password()))}"
            f" email={email} status=active")
    first = pc_ok(f, line)
    before = user_row(f, "nurse2")
    history = sql("SELECT COUNT(*) FROM password_history h JOIN users u ON"
                  f" u.id = h.user_id WHERE u.facility_id = {f.id}")
    again = pc_ok(f, line)
    assert first["created"] and not again["created"]
    assert user_row(f, "nurse2") == before
    assert sql("SELECT COUNT(*) FROM password_history h JOIN users u ON"
               f" u.id = h.user_id WHERE u.facility_id = {f.id}") == history
    role, status, _, sealed, lookup, _ = before
    assert (role, status) == ("admin", "active")
    # Sealed at rest, with the keyed look-up hash beside it.
    assert email not in sealed and sealer.open(sealed, user_ad(f.id, "nurse2")).decode() == email
    assert lookup == sealer.lookup(email)
    # A batch of the same line twice is fine too (the PC's retry).
    reply = pc_sync(f, line + "\n" + line)[2]
    assert reply["ok"], reply
    # What the PC pushed is not handed back to it.
    d = pc_ok(f, "USER.CHANGES since=0")
    assert d["changes"] == [] and d["revision"] == 0


def test_upsert_updates_role_hash_and_keeps_what_is_absent(stack):
    f = Facility()
    f.policy()
    pw1, pw2 = strong_password(), strong_password()
    sealer = Sealer()
    pc_ok(f, f"USER.UPSERT user=tech role=user hash={q(phc(pw1))}"
          f" email=tech.{f.code}@example.org")
    pc_ok(f, f"USER.UPSERT user=TECH role=admin hash={q(phc(pw2))}")
    role, status, h, sealed, _, must = user_row(f, "tech")
    assert role == "admin" and status == "active" and must == "0"
    assert sealer.open(sealed, user_ad(f.id, "tech")).decode() \
        == f"tech.{f.code}@example.org"
    assert login(f.code, "tech", pw1, src=ADDR[3])[0] == 401
    assert login(f.code, "tech", pw2, src=ADDR[3])[0] == 200
    # Without a hash the stored one stays.
    pc_ok(f, "USER.UPSERT user=tech role=admin")
    assert login(f.code, "tech", pw2, src=ADDR[3])[0] == 200


def test_upsert_disabled_ends_sessions_and_refuses_sign_in(stack):
    f = Facility()
    f.policy()
    _, _, _, tok = f.login("staff", src=ADDR[4])
    assert session_ok(tok)[0]
    d = pc_ok(f, "USER.UPSERT user=staff role=user status=disabled")
    assert d["status"] == "disabled"
    alive, reply = session_ok(tok)
    assert not alive and reply["error"]["code"] == "AUTH_REQUIRED"
    assert f.login("staff", src=ADDR[4])[0] == 401
    pc_ok(f, "USER.UPSERT user=staff role=user status=active")
    assert f.login("staff", src=ADDR[4])[0] == 200


def test_upsert_refuses_hash_costs_outside_the_bounds(stack):
    """Issue 8 defect 3: below OWASP's floor (a fast timing oracle, cheap
    to crack) or above the ceiling (seconds of an auth worker per try)."""
    f = Facility()
    good = phc(strong_password())
    salt_hash = good.split("$", 4)[4]
    for params in ("m=8,t=1,p=1", "m=19455,t=2,p=1", "m=46080,t=1,p=1",
                   "m=262144,t=10,p=1", "m=131072,t=4,p=1",
                   "m=4194304,t=3,p=1", "m=65536,t=1000,p=1",
                   "m=65536,t=3,p=64"):
        bad = f"$argon2id$v=19${params}${salt_hash}"
        status, _, reply = pc_sync(f, "PING\nUSER.UPSERT user=x role=user"
                                f" hash={q(bad)}")
        assert status == 400 and reply["error"]["code"] == "BAD_ARGUMENT", reply
        assert reply["error"]["line"] == 2
    assert user_row(f, "x") is None
    status, _, reply = pc_sync(f, "USER.UPSERT user=x role=user hash=plain")
    assert status == 400 and reply["error"]["code"] == "BAD_ARGUMENT"


def test_upsert_cannot_touch_another_facility(stack):
    a, b = Facility(), Facility()
    pc_ok(a, "USER.UPSERT user=staff role=admin status=disabled")
    assert user_row(b, "staff")[:2] == ["user", "active"]


# --- USER.REMOVE ---------------------------------------------------------

def test_remove_ends_sessions_at_once_and_retries_succeed(stack):
    f = Facility()
    f.policy()
    _, _, _, tok = f.login("staff", src=ADDR[5])
    assert session_ok(tok)[0]
    d = pc_ok(f, "USER.REMOVE user=STAFF")
    assert d == {"user": "staff", "removed": True}
    alive, reply = session_ok(tok)
    assert not alive and reply["error"]["code"] == "AUTH_REQUIRED"
    assert portal(tok, "DASHBOARD")[0] == 401
    assert user_row(f, "staff") is None
    assert sql("SELECT COUNT(*) FROM sessions s JOIN users u ON u.id ="
               f" s.user_id WHERE u.facility_id = {f.id} AND u.name ="
               " 'staff'") == [["0"]]
    # The retry of the same batch does not fail.
    reply = pc_sync(f, "USER.REMOVE user=staff\nPING")[2]
    assert reply["ok"], reply
    assert reply["results"][0]["data"] == {"user": "staff", "removed": False}
    assert f.login("staff", src=ADDR[5])[0] == 401


def test_remove_leaves_other_facilities_alone(stack):
    a, b = Facility(), Facility()
    pc_ok(a, "USER.REMOVE user=staff")
    assert user_row(b, "staff") is not None


# --- USER.CHANGES --------------------------------------------------------

def changes(f, since=0):
    return pc_ok(f, f"USER.CHANGES since={since}")


def test_changes_feed_from_the_web_side(stack):
    f = Facility()
    f.policy(history=0)
    admin = admin_cookie(f)
    # PASSWORD.CHANGE by the user.
    _, _, _, tok = f.login("staff", src=ADDR[6])
    new = strong_password()
    status, _, reply = post("/api/auth", "PASSWORD.CHANGE current="
                            f"{q(f.passwords['staff'])} new={q(new)}",
                            cookie=tok)
    assert status == 200, reply
    f.passwords["staff"] = new
    # The lockout's lock (once, on the tenth failure), the admin's unlock.
    for _ in range(12):
        login(f.code, "staff", WRONG, src=ADDR[7])
    assert portal(admin, "USER.UNLOCK user=staff")[0] == 200
    # USER.RESET, then USER.DISABLE.
    status, _, reply = portal(admin, "USER.RESET user=staff")
    assert status == 200, reply
    remember(reply["data"]["password"])
    assert portal(admin, "USER.DISABLE user=staff")[0] == 200
    # The PC's own push in between is not in the feed.
    pc_ok(f, "USER.UPSERT user=pcuser role=user")

    d = changes(f)
    kinds = [(c["rev"], c["user"], c["kind"]) for c in d["changes"]]
    assert kinds == [(1, "staff", "password"), (2, "staff", "lock"),
                     (3, "staff", "unlock"), (4, "staff", "password"),
                     (5, "staff", "disable")]
    assert d["revision"] == 5 and d["more"] is False
    c = d["changes"]
    assert re.match(r"^\$argon2id\$v=19\$m=65536,t=3,p=1\$", c[0]["hash"])
    assert c[0]["must_change_password"] is False
    assert (c[1]["locked"], c[2]["locked"]) == (True, False)
    assert "hash" not in c[1] and "hash" not in c[4]
    assert c[3]["must_change_password"] is True and c[3]["locked"] is False
    assert c[3]["hash"] == user_row(f, "staff")[2]
    assert c[4]["status"] == "disabled"
    assert all(re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", x["ts"]) for x in c)
    # Paging on: only what is newer.
    d = changes(f, 3)
    assert [x["rev"] for x in d["changes"]] == [4, 5] and d["revision"] == 5
    d = changes(f, 5)
    assert d["changes"] == [] and d["revision"] == 5
    # A number from elsewhere: the answer's revision is below it.
    assert changes(f, 99)["revision"] == 5
    # Another facility sees none of it.
    assert changes(Facility())["revision"] == 0


def test_changes_from_reset_and_the_operators_unlock(stack):
    f, src = Facility(), fresh_address()
    f.policy(history=0)
    sealer = Sealer()
    sealer.set_email(f.id, "staff", f"staff.{f.code}@example.org")
    for _ in range(10):
        login(f.code, "staff", WRONG, src=src)
    assert ctl("user", "unlock", f.code, "staff").returncode == 0
    for _ in range(10):
        login(f.code, "staff", WRONG, src=src)
    assert post("/api/auth", f"PASSWORD.RESET.REQUEST facility={f.code}"
                " user=staff")[0] == 200
    body = [m for m in sealer.outbox(f.id)
            if m["kind"] == "password_reset"][-1]["body"]
    token = remember(re.search(r"reset code: (\S+)", body).group(1))
    new = strong_password()
    status, _, reply = post("/api/auth", f"PASSWORD.RESET facility={f.code}"
                            f" user=staff token={token} new={q(new)}")
    assert status == 200, reply
    c = changes(f)["changes"]
    assert [x["kind"] for x in c] == ["lock", "unlock", "lock", "password"]
    # The reset also cleared the lock: the one change says both.
    assert c[3]["locked"] is False and c[3]["hash"] == user_row(f, "staff")[2]


# --- LOGIN.REPORT --------------------------------------------------------

def report(f, user, result, pc="PC-1"):
    return pc_ok(f, f"LOGIN.REPORT user={user} result={result} ts={ts_now()}",
              pc=pc)


def test_ten_failures_across_web_app_and_pc_lock_everywhere(stack):
    f, src = Facility(), fresh_address()
    f.policy()
    for _ in range(4):
        login(f.code, "staff", WRONG, src=src)
    for _ in range(3):
        login(f.code, "staff", WRONG, src=src, channel="app")
    for i in range(3):
        d = report(f, "staff", "failure")
        assert d == {"user": "staff", "known": True, "locked": i == 2}
    assert f.locked("staff") and f.failed_logins("staff") == 10
    status, _, reply, tok = f.login("staff", src=src)
    assert (status, reply["error"]["code"]) == (401, "AUTH_FAILED")
    # A success on the PC never unlocks.
    assert report(f, "staff", "success")["locked"] is True
    assert f.locked("staff")
    logged = sql("SELECT result, reason FROM login_log WHERE facility_id ="
                 f" {f.id} AND channel = 'pc' ORDER BY id")
    assert logged == [["failure", "password"]] * 2 + [
        ["failure", "password,locked"], ["failure", "locked"]]
    # The PCs hear of the lock through the feed.
    assert [c["kind"] for c in changes(f)["changes"]] == ["lock"]


def test_pc_success_resets_the_count_and_is_logged(stack):
    f = Facility()
    f.policy()
    for _ in range(5):
        report(f, "staff", "failure", pc="PC-2")
    assert f.failed_logins("staff") == 5
    assert report(f, "staff", "success", pc="PC-2") == {
        "user": "staff", "known": True, "locked": False}
    assert f.failed_logins("staff") == 0
    assert sql("SELECT result, channel FROM login_log WHERE facility_id ="
               f" {f.id} ORDER BY id DESC LIMIT 1") == [["success", "pc"]]
    admin = admin_cookie(f, src=ADDR[10])
    status, _, reply = portal(admin, "AUDIT.LOGINS user=staff")
    assert status == 200
    assert {x["channel"] for x in reply["data"]["logins"]} == {"pc"}


def test_report_for_an_unknown_user_is_logged_not_refused(stack):
    f = Facility()
    reply = pc_sync(f, f"LOGIN.REPORT user=ghost result=failure ts={ts_now()}"
                 "\nPING")[2]
    assert reply["ok"], reply
    assert reply["results"][0]["data"] == {"user": "ghost", "known": False,
                                           "locked": False}
    assert sql("SELECT reason FROM login_log WHERE facility_id ="
               f" {f.id} AND user_name = 'ghost'") == [["unknown"]]


def test_report_keeps_the_pcs_time(stack):
    f = Facility()
    pc_ok(f, "LOGIN.REPORT user=staff result=failure ts=2026-01-02T03:04:05Z")
    assert sql("SELECT ts FROM login_log WHERE facility_id ="
               f" {f.id}") == [["2026-01-02 03:04:05.000"]]


def test_login_rehashes_pc_hashes_to_the_servers_cost(stack):
    f = Facility()
    f.policy()
    weak_pw, strong_pw = strong_password(), strong_password()
    strong = phc(strong_pw, t=4, m_kib=65536)
    pc_ok(f, f"USER.UPSERT user=weak role=user hash={q(phc(weak_pw))}")
    pc_ok(f, f"USER.UPSERT user=strong role=user hash={q(strong)}")
    assert login(f.code, "weak", weak_pw, src=ADDR[12])[0] == 200
    assert login(f.code, "strong", strong_pw, src=ADDR[12])[0] == 200
    rehashed = user_row(f, "weak")[2]
    assert rehashed.startswith("$argon2id$v=19$m=65536,t=3,p=1$"), rehashed
    # A heavier hash costs every sign-in more: it converges too.
    assert user_row(f, "strong")[2] != strong
    assert user_row(f, "strong")[2].startswith("$argon2id$v=19$m=65536,t=3,p=1$")
    # The new hash is the same password.
    assert login(f.code, "weak", weak_pw, src=ADDR[12])[0] == 200
