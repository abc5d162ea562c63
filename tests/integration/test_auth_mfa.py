"""TOTP for admins (PROTOCOL.md §4 MFA): enrolment from a restricted
session, confirmation, codes required at sign-in, each code accepted once,
and the secret sealed at rest."""
import base64
import hashlib
import hmac
import struct
import time
from urllib.parse import parse_qs, urlparse

from authkit import Facility, Sealer, cookie_token, post, remember, sql, user_ad


def totp(secret_b32, step):
    key = base64.b32decode(secret_b32 + "=" * (-len(secret_b32) % 8))
    mac = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    off = mac[-1] & 0x0F
    code = (struct.unpack(">I", mac[off:off + 4])[0] & 0x7FFFFFFF) % 10**6
    return remember(f"{code:06d}")


def auth(tok, line):
    return post("/api/auth", line, cookie=tok)


def enrol(f):
    """Enrols the facility's admin; returns (secret, step used)."""
    _, _, _, tok = f.login("boss")
    status, _, reply = auth(tok, "MFA.ENROLL")
    assert status == 200, reply
    secret = remember(reply["data"]["secret"])
    step = int(time.time()) // 30
    status, headers, reply = auth(tok, f"MFA.CONFIRM otp={totp(secret, step)}")
    assert status == 200, reply
    return secret, step, remember(cookie_token(headers))


def test_enrolment_lifts_the_restriction(stack):
    f = Facility()
    _, _, reply, tok = f.login("boss")
    assert reply["data"]["mfa_enrolled"] is False
    assert post("/api/portal", "USER.LIST", cookie=tok)[2]["error"]["code"] \
        == "MFA_ENROLL_REQUIRED"
    status, _, reply = auth(tok, "MFA.ENROLL")
    assert status == 200, reply
    secret = remember(reply["data"]["secret"])
    assert len(secret) == 32 and secret.isalnum()
    uri = urlparse(reply["data"]["otpauth_uri"])
    assert uri.scheme == "otpauth" and uri.netloc == "totp"
    assert uri.path == f"/Infosys:boss@{f.code}"
    assert parse_qs(uri.query) == {
        "secret": [secret], "issuer": ["Infosys"], "algorithm": ["SHA1"],
        "digits": ["6"], "period": ["30"]}
    step = int(time.time()) // 30
    wrong = f"{(int(totp(secret, step)) + 1) % 10**6:06d}"
    status, _, reply = auth(tok, f"MFA.CONFIRM otp={wrong}")
    assert (status, reply["error"]["code"]) == (401, "AUTH_FAILED")
    assert post("/api/portal", "USER.LIST", cookie=tok)[0] == 403
    status, headers, reply = auth(tok, f"MFA.CONFIRM otp={totp(secret, step)}")
    assert status == 200, reply
    # The session is now a full one, under a new token.
    tok = remember(cookie_token(headers))
    assert post("/api/portal", "USER.LIST", cookie=tok)[0] == 200


def test_enrolled_admin_needs_a_code_and_each_works_once(stack):
    f = Facility()
    secret, step, _ = enrol(f)
    status, headers, reply, tok = f.login("boss", src="127.0.8.1")
    assert (status, reply["error"]["code"]) == (401, "MFA_REQUIRED")
    assert tok is None
    # The code used to confirm the enrolment does not sign in.
    status, _, reply, _ = f.login("boss", src="127.0.8.1",
                                  otp=totp(secret, step))
    assert (status, reply["error"]["code"]) == (401, "AUTH_FAILED")
    code = totp(secret, step + 1)           # within the ±1 step window
    status, _, reply, tok = f.login("boss", src="127.0.8.1", otp=code)
    assert status == 200, reply
    assert reply["data"]["mfa_enrolled"] is True
    assert post("/api/portal", "USER.LIST", cookie=tok)[0] == 200
    status, _, reply, _ = f.login("boss", src="127.0.8.1", otp=code)
    assert (status, reply["error"]["code"]) == (401, "AUTH_FAILED")
    # A code far from now is refused too.
    status, _, reply, _ = f.login("boss", src="127.0.8.1",
                                  otp=totp(secret, step + 5))
    assert status == 401


def test_wrong_codes_count_towards_the_lockout(stack):
    f = Facility()
    secret, step, _ = enrol(f)
    before = f.failed_logins("boss")
    f.login("boss", src="127.0.8.2", otp="000000" if totp(secret, step + 1)
            != "000000" else "111111")
    assert f.failed_logins("boss") == before + 1


def test_plain_users_and_policy_off_need_no_code(stack):
    f = Facility()
    secret, step, _ = enrol(f)
    assert f.login("staff")[0] == 200
    f.policy(mfa_admins=0)
    status, _, reply, _ = f.login("boss")
    assert status == 200, reply


def test_secret_is_sealed_at_rest(stack):
    f = Facility()
    secret, _, _ = enrol(f)
    raw = base64.b32decode(secret)
    [[stored]] = sql(f"SELECT mfa_secret FROM users WHERE facility_id = {f.id}"
                     " AND name = 'boss'")
    assert secret not in stored and raw.hex() not in stored
    assert len(stored) == 1 + 8 + 2 * (24 + 16 + 20)
    # Bound to its row: it opens as boss's secret, not as another's.
    sealer = Sealer()
    assert sealer.open(stored, user_ad(f.id, "boss", "mfa_secret")) == raw
    assert sealer.open(stored, user_ad(f.id, "staff", "mfa_secret")) is None


def test_mfa_verbs_are_for_admins(stack):
    f = Facility()
    _, _, _, tok = f.login("staff")
    status, _, reply = auth(tok, "MFA.ENROLL")
    assert (status, reply["error"]["code"]) == (403, "FORBIDDEN")
    status, _, reply = auth(tok, "MFA.CONFIRM otp=123456")
    assert (status, reply["error"]["code"]) == (403, "FORBIDDEN")
