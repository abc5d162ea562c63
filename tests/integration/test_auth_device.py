"""Known devices keep signing in during a guessing flood (issue 8 item 10;
src/domain/devicecookie.h): OWASP's device cookies, through nginx's
known-device lane and back to the ordinary one.

Each test throttles a loopback address of its own with 30 failures on
names that do not exist (no account is touched), then shows what a
device cookie does and does not open from there."""
import ctypes
import ctypes.util
import hashlib
import hmac
import os
import re
import secrets
import signal
import struct
import time
from base64 import urlsafe_b64decode, urlsafe_b64encode
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from authkit import (Facility, Sealer, cookie_token, fresh_address, login,
                     post, q, remember, sql)
from test_auth_mfa import totp
from test_auth_zz_secrets import database_dump, log_texts

WRONG = remember("Not-the-password-1")
COOKIE = "__Secure-idev"
LIFETIME_S = 180 * 86400
MAX_FAILURES = 5


def device_cookie(headers):
    """The device cookie's value and attributes of a Set-Cookie, or None."""
    for v in headers.get("set-cookie", []):
        m = re.match(COOKIE + r"=([^;]*)(.*)", v)
        if m:
            for entry in m.group(1).split("."):
                remember(entry)
            return m.group(1), m.group(2)
    return None


def signin(f, user, src, cookie=None, password=None, otp=None):
    """LOGIN with the device cookie `cookie`: (status, code, new cookie)."""
    body = (f"LOGIN facility={f.code} user={user} "
            f"password={q(password or f.passwords[user])}")
    if otp:
        body += f" otp={otp}"
    hdrs = {"Cookie": f"{COOKIE}={cookie}"} if cookie else {}
    status, headers, reply = post("/api/auth", body, src=src, headers=hdrs)
    code = None if reply.get("ok") else reply["error"]["code"]
    got = device_cookie(headers)
    return status, code, got[0] if got else None


def known(f, user):
    """A fresh address's sign-in: the device cookie it earns."""
    status, code, cookie = signin(f, user, fresh_address())
    assert status == 200 and cookie, code
    return cookie


def throttled_address(f):
    """A loopback address with 30 failed sign-ins: the ordinary lane now
    answers it THROTTLED."""
    src = fresh_address()
    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(
            lambda i: login(f.code, f"ghost{i}", WRONG, src=src)[0],
            range(30)))
    assert answers == [401] * 30, answers
    assert signin(f, "staff", src)[:2] == (429, "THROTTLED")
    return src


class Forger:
    """Entries made as devicecookie.c makes them, with the stack's key:
    proves the format, and makes entries the server would never issue
    (an expired one)."""

    def __init__(self):
        na = ctypes.CDLL(ctypes.util.find_library("sodium"))
        sub = ctypes.create_string_buffer(32)
        na.crypto_kdf_derive_from_key(sub, ctypes.c_size_t(32),
                                      ctypes.c_uint64(2), b"infosdev",
                                      Sealer().keys()[2])
        self.key = sub.raw

    def entry(self, code, user, issued):
        head = bytes([1]) + struct.pack(">Q", issued) + secrets.token_bytes(16)
        msg = (b"infosys-device-v1\0" + code.lower().encode() + b"\0"
               + user.lower().encode() + b"\0" + head)
        mac = hmac.new(self.key, msg, hashlib.sha256).digest()
        return remember(urlsafe_b64encode(head + mac).decode().rstrip("="))


def test_the_cookie_is_set_for_the_sign_in_path_only(stack):
    f = Facility()
    f.policy()
    status, headers, reply = post(
        "/api/auth", f"LOGIN facility={f.code} user=staff "
        f"password={q(f.passwords['staff'])}", src=fresh_address())
    assert status == 200, reply
    value, attrs = device_cookie(headers)
    assert re.fullmatch(r"[A-Za-z0-9_-]{76}", value)
    assert set(a.strip() for a in attrs.split(";") if a.strip()) == {
        "Path=/api/auth", f"Max-Age={LIFETIME_S}", "Secure", "HttpOnly",
        "SameSite=Strict"}
    # A failed sign-in earns none, nor does one that still needs its code.
    assert signin(f, "staff", fresh_address(), password=WRONG)[2] is None


def test_a_known_device_signs_in_while_its_address_is_throttled(stack):
    f = Facility()
    f.policy()
    cookie = known(f, "staff")
    src = throttled_address(f)
    status, code, again = signin(f, "staff", src, cookie=cookie)
    assert (status, code) == (200, None)
    # A new entry each time; the old one still opens the lane.
    assert again and again != cookie
    assert signin(f, "staff", src, cookie=again)[0] == 200
    assert signin(f, "staff", src, cookie=cookie)[0] == 200
    # The address stays throttled for everyone else.
    assert signin(f, "boss", src)[:2] == (429, "THROTTLED")


def test_a_cookie_for_one_user_does_not_open_the_lane_for_another(stack):
    f, g = Facility(), Facility()
    f.policy()
    g.policy()
    cookie = known(f, "staff")
    src = throttled_address(f)
    # Another user of the facility, the same name in another facility.
    assert signin(f, "boss", src, cookie=cookie)[:2] == (429, "THROTTLED")
    assert signin(g, "staff", src, cookie=cookie)[:2] == (429, "THROTTLED")
    # Not a wrong guess against the cookie's owner either.
    assert f.failed_logins("staff") == 0
    assert signin(f, "staff", src, cookie=cookie)[0] == 200


def test_a_shared_browser_keeps_one_entry_per_user(stack):
    f = Facility()
    f.policy()
    f.add("nurse2", "user")
    first = known(f, "staff")
    status, _, both = signin(f, "nurse2", fresh_address(), cookie=first)
    assert status == 200 and both.count(".") == 1
    src = throttled_address(f)
    for user in ("staff", "nurse2"):
        status, _, both = signin(f, user, src, cookie=both)
        assert status == 200 and both.count(".") == 1, user
    assert signin(f, "boss", src, cookie=both)[0] == 429


def test_tampered_and_expired_cookies_fall_back_to_the_ordinary_lane(stack):
    f = Facility()
    f.policy()
    cookie = known(f, "staff")
    src = throttled_address(f)
    raw = bytearray(urlsafe_b64decode(cookie + "=="))
    raw[-1] ^= 1
    tampered = urlsafe_b64encode(bytes(raw)).decode().rstrip("=")
    forge, now = Forger(), int(time.time())
    cases = {"tampered": tampered, "junk": "x" * 76,
             "truncated": cookie[:40],
             "expired": forge.entry(f.code, "staff", now - LIFETIME_S - 60),
             "from the future": forge.entry(f.code, "staff", now + 3600)}
    for name, value in cases.items():
        assert signin(f, "staff", src, cookie=value)[:2] == \
            (429, "THROTTLED"), name
    # The same forger's entry, in date, opens the lane: the refusals above
    # were for tampering and age, not for the format.
    assert signin(f, "Staff", src, password=f.passwords["staff"],
                  cookie=forge.entry(f.code.lower(), "STAFF", now))[0] == 200
    # Handed back, a request is answered by the ordinary lane as if it had
    # no cookie, and logged once.
    other = fresh_address()
    status, code, new = signin(f, "staff", other, cookie=tampered)
    assert (status, code) == (200, None) and new != tampered
    rows = sql("SELECT COUNT(*) FROM request_log WHERE address ="
               f" '{other}' AND verb = 'LOGIN'")
    assert rows == [["1"]]
    # Other verbs with the cookie (it goes with every /api/auth request)
    # reach the ordinary program as before.
    status, _, reply = post("/api/auth", "SESSION", src=other,
                            headers={"Cookie": f"{COOKIE}={cookie}"})
    assert (status, reply["error"]["code"]) == (401, "AUTH_REQUIRED")


def test_failures_through_the_lane_revoke_the_cookie(stack):
    f = Facility()
    f.policy()
    cookie = known(f, "staff")
    src = throttled_address(f)
    for i in range(MAX_FAILURES):
        assert signin(f, "staff", src, cookie=cookie, password=WRONG)[:2] \
            == (401, "AUTH_FAILED"), i
    # Every one counted towards the account's lockout too.
    assert f.failed_logins("staff") == MAX_FAILURES
    # Revoked: even the right password goes to the ordinary lane.
    assert signin(f, "staff", src, cookie=cookie)[:2] == (429, "THROTTLED")
    nonce = urlsafe_b64decode(cookie + "==")[9:25]
    row = hashlib.blake2b(nonce, digest_size=32).hexdigest()
    assert sql("SELECT failures, revoked_at IS NOT NULL FROM"
               f" device_cookie_failures WHERE entry_hash = '{row}'") == \
        [[str(MAX_FAILURES), "1"]]
    # Elsewhere the user signs in as usual, and earns a new cookie that
    # opens the lane again.
    status, _, fresh = signin(f, "staff", fresh_address(), cookie=cookie)
    assert status == 200 and fresh and "." not in fresh
    assert signin(f, "staff", src, cookie=fresh)[0] == 200


def test_the_lockout_stays_global(stack):
    f = Facility()
    f.policy()
    first, second, third = (known(f, "staff") for _ in range(3))
    src = throttled_address(f)
    for cookie in (first, second):
        for _ in range(MAX_FAILURES):
            assert signin(f, "staff", src, cookie=cookie,
                          password=WRONG)[:2] == (401, "AUTH_FAILED")
    assert f.failed_logins("staff") == 10 and f.locked("staff")
    # A third, unused cookie and the right password: the lane is open,
    # the account is not.
    assert signin(f, "staff", src, cookie=third)[:2] == (401, "AUTH_FAILED")
    assert f.locked("staff")


def test_an_app_sign_in_gets_no_device_cookie(stack):
    f = Facility()
    f.policy()
    origin = f"http://app.localhost:{stack.port}"
    status, headers, reply = post(
        "/api/auth", f"LOGIN facility={f.code} user=staff "
        f"password={q(f.passwords['staff'])} channel=app",
        src=fresh_address(), headers={"Origin": origin})
    assert status == 200 and reply["data"].get("token"), reply
    remember(reply["data"]["token"])
    assert device_cookie(headers) is None


def test_device_cookies_are_in_no_log_or_table(stack):
    f = Facility()
    f.policy()
    cookie = known(f, "staff")
    src = throttled_address(f)
    assert signin(f, "staff", src, cookie=cookie)[0] == 200
    assert signin(f, "staff", src, cookie=cookie, password=WRONG)[0] == 401
    places = {"database": database_dump(), **log_texts()}
    leaks = [name for name, text in places.items() if cookie in text
             or cookie[:20] in text]
    assert not leaks, leaks


def pool_workers(stack, pool):
    """The worker pids of a pool (multiwatch's children)."""
    parent = (stack.var / "run" / f"{pool}.pid").read_text().strip()
    children = Path(f"/proc/{parent}/task/{parent}/children").read_text()
    return [int(pid) for pid in children.split()]


def test_the_lane_is_a_pool_of_its_own(stack):
    f = Facility()
    f.policy()
    cookie = known(f, "staff")
    # The ordinary pool stops answering, as in a flood that keeps every
    # worker busy: a known device still signs in, through its own pool.
    stopped = pool_workers(stack, "auth")
    assert stopped
    try:
        for pid in stopped:
            os.kill(pid, signal.SIGSTOP)
        status, code, _ = signin(f, "staff", fresh_address(), cookie=cookie)
        assert (status, code) == (200, None)
    finally:
        for pid in stopped:
            os.kill(pid, signal.SIGCONT)
    # The ordinary lane answers again, for requests without the cookie.
    assert signin(f, "staff", fresh_address())[0] == 200


def test_with_mfa_the_cookie_comes_once_sign_in_is_complete(stack):
    f = Facility()                      # the default policy: MFA for admins
    status, headers, reply = post(
        "/api/auth", f"LOGIN facility={f.code} user=boss "
        f"password={q(f.passwords['boss'])}", src=fresh_address())
    assert status == 200 and device_cookie(headers) is None, reply
    tok = remember(cookie_token(headers))
    secret = remember(post("/api/auth", "MFA.ENROLL",
                           cookie=tok)[2]["data"]["secret"])
    step = int(time.time()) // 30
    status, headers, reply = post("/api/auth",
                                  f"MFA.CONFIRM otp={totp(secret, step)}",
                                  cookie=tok)
    assert status == 200 and device_cookie(headers), reply
    remember(cookie_token(headers))
    # An enrolled admin: the password alone earns no cookie, the code does.
    status, code, cookie = signin(f, "boss", fresh_address())
    assert (status, code, cookie) == (401, "MFA_REQUIRED", None)
    status, code, cookie = signin(f, "boss", fresh_address(),
                                  otp=totp(secret, step + 1))
    assert (status, code) == (200, None) and cookie
    # Through the lane a wrong code counts against the cookie as well.
    src = throttled_address(f)
    wrong = f"{(int(totp(secret, step + 2)) + 1) % 10**6:06d}"
    assert signin(f, "boss", src, cookie=cookie, otp=wrong)[:2] == \
        (401, "AUTH_FAILED")
    nonce = urlsafe_b64decode(cookie + "==")[9:25]
    row = hashlib.blake2b(nonce, digest_size=32).hexdigest()
    assert sql("SELECT failures FROM device_cookie_failures"
               f" WHERE entry_hash = '{row}'") == [["1"]]
