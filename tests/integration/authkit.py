"""Helpers of the sign-in tests (test_auth_*.py): requests from a chosen
loopback source address, sign-in, SQL as the database admin, and a record
of every secret the tests used so that the last test can search the
database and the logs for them."""
import http.client
import json
import re
import secrets

from conftest import CONTENT_TYPE, _current, add_user, create_facility, sql, sync  # noqa: F401

# Every password, token and OTP the tests sent; test_auth_zz_secrets.py
# looks for each in a dump of the database and in the logs.
SECRETS = set()


def remember(secret):
    SECRETS.add(secret)
    return secret


def new_code(prefix="T"):
    return (prefix + secrets.token_hex(5)).upper()[:16]


def fresh_address():
    """A loopback source address of its own, so that the failures a test
    makes count towards no other test's address throttle (or a rerun's)."""
    return "127.{}.{}.{}".format(*(secrets.randbelow(250) + 2 for _ in range(3)))


def strong_password():
    return remember("Pw-" + secrets.token_urlsafe(12) + "-7x")


def post(path, body, cookie=None, src="127.0.0.1", headers=None):
    """(status, lower-case headers, JSON) from source address src."""
    s = _current()
    hdrs = {"Content-Type": CONTENT_TYPE}
    if cookie:
        hdrs["Cookie"] = f"__Host-sid={cookie}"
    hdrs.update(headers or {})
    conn = http.client.HTTPConnection("127.0.0.1", s.port, timeout=60,
                                      source_address=(src, 0))
    try:
        conn.request("POST", path, body=body.encode(), headers=hdrs)
        resp = conn.getresponse()
        raw = resp.read().decode()
        hl = {}
        for k, v in resp.getheaders():
            hl.setdefault(k.lower(), []).append(v)
        return resp.status, hl, json.loads(raw)
    finally:
        conn.close()


def q(value):
    """A value quoted for a command line (PROTOCOL.md §2)."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def cookie_token(headers):
    """The __Host-sid value of the Set-Cookie header, or None."""
    for v in headers.get("set-cookie", []):
        m = re.match(r"__Host-sid=([^;]*)", v)
        if m:
            return m.group(1)
    return None


def login(code, user, password, src="127.0.0.1", channel=None, otp=None,
          cookie=None):
    body = f"LOGIN facility={code} user={user} password={q(password)}"
    if otp:
        body += f" otp={otp}"
    if channel:
        body += f" channel={channel}"
    status, headers, reply = post("/api/auth", body, cookie=cookie, src=src)
    tok = cookie_token(headers)
    if tok:
        remember(tok)
    return status, headers, reply, tok


class Facility:
    """A fresh facility with an admin and a user, each with a password."""

    def __init__(self):
        self.code = new_code()
        self.sync_key = remember(create_facility(self.code))
        self.id = sql(f"SELECT id FROM facilities WHERE code = '{self.code}'")[0][0]
        self.passwords = {}
        self.add("boss", "admin")
        self.add("staff", "user")

    def add(self, name, role):
        pw = strong_password()
        add_user(self.code, name, role, pw)
        self.passwords[name] = pw
        return pw

    def login(self, name, **kw):
        return login(self.code, name, self.passwords[name], **kw)

    def failed_logins(self, name):
        return int(sql("SELECT failed_logins FROM users WHERE facility_id ="
                       f" {self.id} AND name = '{name}'")[0][0])

    def locked(self, name):
        return sql("SELECT locked_at IS NOT NULL FROM users WHERE facility_id"
                   f" = {self.id} AND name = '{name}'")[0][0] == "1"

    def policy(self, **kw):
        """Sets the policy directly in the table (MFA off unless said), so
        that tests of other rules do not need a TOTP enrolment first."""
        vals = dict(idle_timeout_s=300, min_length=12, require_digit=0,
                    require_special=0, require_mixed_case=0, max_age_days=0,
                    history=5, mfa_admins=0)
        vals.update(kw)
        cols = ", ".join(vals)
        args = ", ".join(str(int(v)) for v in vals.values())
        sql(f"REPLACE INTO password_policy (facility_id, {cols})"
            f" VALUES ({self.id}, {args})")


OUTBOX_AD = "mail_outbox.message_sealed"


def user_ad(facility_id, user, column="email_sealed"):
    """The additional data a users column of that row is sealed with."""
    uid = sql(f"SELECT id FROM users WHERE facility_id = {facility_id}"
              f" AND name = '{user}'")[0][0]
    return f"users.{column}:{uid}"


class Sealer:
    """The sealing of src/crypto/seal.c, redone with libsodium through ctypes, so
    the tests can give a user a recovery address (no verb of the portal
    sets one) and read the sealed mail outbox. A value is bound to its
    place by the additional data `ad` (table.column:row) and names the key
    that sealed it ("3" and 8 hex digits; "2": key 1). The key file
    (src/crypto/keyset.h) is read at every use: a test may rotate it."""

    def __init__(self):
        import ctypes
        import ctypes.util
        self.c = ctypes
        self.na = ctypes.CDLL(ctypes.util.find_library("sodium"))
        assert self.na.sodium_init() >= 0
        conf = (_current().conf).read_text()
        self.path = re.search(r"^key_file\s*=\s*(.+)$", conf, re.M).group(1).strip()

    def keys(self):
        """({id: key}, current id, look-up key) from the key file."""
        with open(self.path, "rb") as f:
            raw = f.read()
        if len(raw) == 32:
            sub = self.c.create_string_buffer(32)
            self.na.crypto_kdf_derive_from_key(sub, self.c.c_size_t(32),
                                               self.c.c_uint64(1),
                                               b"infoslkp", raw)
            return {1: raw}, 1, sub.raw
        keys, current, lookup = {}, None, None
        for line in raw.decode().splitlines():
            w = line.split()
            if w and w[0] == "lookup":
                lookup = bytes.fromhex(w[1])
            elif w and w[0] == "key":
                keys[int(w[1])] = bytes.fromhex(w[2])
                if w[3:] == ["current"]:
                    current = int(w[1])
        return keys, current, lookup

    def seal(self, plain, ad, kid=None):
        """Sealed under key kid (default: the current one)."""
        c = self.c
        keys, current, _ = self.keys()
        current = kid or current
        nonce = secrets.token_bytes(24)
        out = c.create_string_buffer(16 + len(plain))
        adb = ad.encode()
        assert self.na.crypto_aead_xchacha20poly1305_ietf_encrypt(
            out, None, plain, c.c_ulonglong(len(plain)), adb,
            c.c_ulonglong(len(adb)), None, nonce, keys[current]) == 0
        return f"3{current:08x}" + (nonce + out.raw).hex()

    def open(self, sealed, ad=OUTBOX_AD):
        """The plain bytes; None when it does not open with this ad."""
        c = self.c
        assert sealed[0] in "23" and len(sealed) % 2 == 1, sealed[:8]
        kid, sealed = (int(sealed[1:9], 16), sealed[9:]) if sealed[0] == "3" \
            else (1, sealed[1:])
        raw = bytes.fromhex(sealed)
        out = c.create_string_buffer(len(raw) - 40)
        n = c.c_ulonglong(0)
        adb = ad.encode()
        rc = self.na.crypto_aead_xchacha20poly1305_ietf_decrypt(
            out, c.byref(n), None, raw[24:], c.c_ulonglong(len(raw) - 24),
            adb, c.c_ulonglong(len(adb)), raw[:24], self.keys()[0][kid])
        return out.raw[:n.value] if rc == 0 else None

    def lookup(self, text):
        c = self.c
        md = c.create_string_buffer(32)
        data = text.lower().encode()
        key = self.keys()[2]
        self.na.crypto_generichash(md, c.c_size_t(32), data,
                                   c.c_ulonglong(len(data)), key,
                                   c.c_size_t(32))
        return md.raw.hex()

    def set_email(self, facility_id, user, email):
        sealed = self.seal(email.encode(), user_ad(facility_id, user))
        sql(f"UPDATE users SET email_sealed = '{sealed}',"
            f" email_hash = '{self.lookup(email)}' WHERE facility_id ="
            f" {facility_id} AND name = '{user}'")

    def outbox(self, facility_id):
        """The facility's queued mail, oldest first, opened."""
        rows = sql("SELECT kind, message_sealed FROM mail_outbox"
                   f" WHERE facility_id = {facility_id} ORDER BY id")
        return [dict(json.loads(self.open(m)), kind=k) for k, m in rows]


def pc_sync(f, body, pc="PC-1"):
    """api() on /api/sync as PC `pc` of Facility f."""
    return sync(f.sync_key, body, pc)


def pc_ok(f, body, pc="PC-1"):
    """pc_sync that must succeed; returns the answer's data."""
    status, _, reply = pc_sync(f, body, pc)
    assert status == 200 and reply["ok"], reply
    return reply.get("data", reply)
