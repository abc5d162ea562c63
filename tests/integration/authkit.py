"""Helpers of the sign-in tests (test_auth_*.py): requests from a chosen
loopback source address, sign-in, SQL as the database admin, and a record
of every secret the tests used so that the last test can search the
database and the logs for them."""
import http.client
import json
import re
import secrets
import subprocess

from conftest import CONTENT_TYPE, _current, add_user, create_facility

# Every password, token and OTP the tests sent; test_auth_zz_secrets.py
# looks for each in a dump of the database and in the logs.
SECRETS = set()


def remember(secret):
    SECRETS.add(secret)
    return secret


def new_code(prefix="T"):
    return (prefix + secrets.token_hex(5)).upper()[:16]


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


def cookie_token(headers):
    """The __Host-sid value of the Set-Cookie header, or None."""
    for v in headers.get("set-cookie", []):
        m = re.match(r"__Host-sid=([^;]*)", v)
        if m:
            return m.group(1)
    return None


def login(code, user, password, src="127.0.0.1", channel=None, otp=None,
          cookie=None):
    body = f"LOGIN facility={code} user={user} password={password}"
    if otp:
        body += f" otp={otp}"
    if channel:
        body += f" channel={channel}"
    status, headers, reply = post("/api/auth", body, cookie=cookie, src=src)
    tok = cookie_token(headers)
    if tok:
        remember(tok)
    return status, headers, reply, tok


def sql(query):
    """Runs SQL as the database admin; rows as lists of strings."""
    s = _current()
    r = subprocess.run(["mariadb", "--no-defaults",
                        f"--socket={s.var / 'run' / 'mariadb.sock'}",
                        "-u", "root", "-N", "-B", "infosys", "-e", query],
                       capture_output=True, text=True, check=True)
    return [line.split("\t") for line in r.stdout.splitlines()]


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
