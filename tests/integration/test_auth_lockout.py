"""The shared lockout and the address throttle (PROTOCOL.md §4). Each test
sends from its own loopback addresses so that the throttle of one test
never decides another."""
from concurrent.futures import ThreadPoolExecutor

from authkit import Facility, login, post, remember, sql

WRONG = remember("Not-the-password-1")


def fail(f, user, src, channel=None):
    status, _, reply, tok = login(f.code, user, WRONG, src=src, channel=channel)
    assert (status, reply["error"]["code"]) == (401, "AUTH_FAILED"), reply
    assert tok is None


def test_lockout_at_exactly_ten_across_web_and_app(stack):
    f = Facility()
    f.policy()
    for i in range(9):
        fail(f, "staff", "127.0.4.1", channel="app" if i % 2 else "web")
    assert f.failed_logins("staff") == 9 and not f.locked("staff")
    # Nine failures lock nothing: the right password still works…
    status, _, reply, _ = f.login("staff", src="127.0.4.1", channel="app")
    assert status == 200, reply
    assert f.failed_logins("staff") == 0
    # …and ten in a row do, whatever the channel.
    for i in range(10):
        assert not f.locked("staff")
        fail(f, "staff", "127.0.4.2", channel="web" if i % 2 else "app")
    assert f.failed_logins("staff") == 10 and f.locked("staff")
    for channel in ("web", "app"):
        status, headers, reply, tok = f.login("staff", src="127.0.4.3",
                                               channel=channel)
        assert (status, reply["error"]["code"]) == (401, "AUTH_FAILED")
        assert tok is None
    # The lock stays; the right password does not reset the count.
    assert f.failed_logins("staff") == 10 and f.locked("staff")


def test_locking_ends_the_accounts_sessions(stack):
    f = Facility()
    f.policy()
    _, _, _, web = f.login("staff", src="127.0.4.4")
    _, _, _, app = f.login("staff", src="127.0.4.4", channel="app")
    assert post("/api/auth", "SESSION", cookie=web)[0] == 200
    for _ in range(10):
        fail(f, "staff", "127.0.4.5")
    for tok in (web, app):
        status, _, reply = post("/api/auth", "SESSION", cookie=tok)
        assert (status, reply["error"]["code"]) == (401, "AUTH_REQUIRED")


def test_fifty_concurrent_failures_count_fifty(stack):
    f = Facility()
    f.policy()
    # Two addresses, 25 each: under the address throttle.
    srcs = [f"127.0.5.{1 + i % 2}" for i in range(50)]
    with ThreadPoolExecutor(max_workers=50) as pool:
        answers = list(pool.map(
            lambda s: login(f.code, "staff", WRONG, src=s)[:3], srcs))
    assert all(a[0] == 401 and a[2]["error"]["code"] == "AUTH_FAILED"
               for a in answers), [a[2] for a in answers if a[0] != 401]
    assert f.failed_logins("staff") == 50
    assert f.locked("staff")


def test_throttle_per_address_leaves_accounts_alone(stack):
    f = Facility()
    f.policy()
    users = [f"u{i}" for i in range(10)]
    for u in users:
        f.add(u, "user")
    src = "127.0.6.1"
    for i in range(30):                 # 3 failures on each of 10 accounts
        fail(f, users[i % 10], src)
    status, headers, reply, tok = f.login("u1", src=src)
    assert (status, reply["error"]["code"]) == (429, "THROTTLED"), reply
    assert tok is None
    retry = int(headers["retry-after"][0])
    assert 890 <= retry <= 900
    for _ in range(3):                  # refused without counting
        status, _, _, _ = login(f.code, "u2", WRONG, src=src)
        assert status == 429
    assert [f.failed_logins(u) for u in users] == [3] * 10
    # Another address is not throttled, and the accounts are not locked.
    status, _, reply, _ = f.login("u1", src="127.0.6.2")
    assert status == 200, reply
    # The block lasts 15 minutes after the last counted failure.
    sql("UPDATE login_log SET ts = ts - INTERVAL 901 SECOND"
        f" WHERE address = '{src}'")
    status, _, reply, _ = f.login("u2", src=src)
    assert status == 200, reply


def test_unknown_users_count_towards_the_throttle(stack):
    f = Facility()
    src = "127.0.6.3"
    for i in range(30):
        status, _, _, _ = login(f.code, f"ghost{i}", WRONG, src=src)
        assert status == 401
    status, _, reply, _ = login(f.code, "ghost", WRONG, src=src)
    assert (status, reply["error"]["code"]) == (429, "THROTTLED")


def test_success_resets_the_count_of_an_unlocked_account(stack):
    f = Facility()
    f.policy()
    for _ in range(5):
        fail(f, "staff", "127.0.4.6")
    assert f.failed_logins("staff") == 5
    assert f.login("staff", src="127.0.4.6")[0] == 200
    assert f.failed_logins("staff") == 0


def test_login_history_records_every_attempt(stack):
    f = Facility()
    f.policy()
    fail(f, "staff", "127.0.4.7", channel="app")
    f.login("staff", src="127.0.4.7")
    login(f.code, "Nobody", WRONG, src="127.0.4.7")
    rows = sql("SELECT user_name, result, reason, channel FROM login_log"
               " WHERE address = '127.0.4.7' ORDER BY id")
    assert rows == [["staff", "failure", "password", "app"],
                    ["staff", "success", "NULL", "web"],
                    ["Nobody", "failure", "unknown", "web"]]
