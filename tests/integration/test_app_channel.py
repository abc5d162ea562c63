"""The app channel (PROTOCOL.md §4, docs/protocol.md "App channel"): CORS
for the allow-listed app origins only, exact and with Vary: Origin; sign-in
with channel=app from such an origin answers the token instead of the
cookie; the bearer token works there and nowhere else, never beside or in
place of the cookie; every session rule holds for it unchanged."""
import hashlib
import http.client

import pytest

from authkit import Facility, _current, post, q, remember, sql

PREFLIGHT_HEADERS = "Authorization, Content-Type, Infosys-Background"


def app_origin():
    return f"http://app.localhost:{_current().port}"


def portal_origin():
    return f"http://127.0.0.1:{_current().port}"


ELSEWHERE = ["http://other.localhost:1", "https://localhost.evil.example",
             "https://LOCALHOST", "null"]


@pytest.fixture(scope="module")
def fac(stack):
    f = Facility()
    f.policy()
    return f


def preflight(path, origin):
    conn = http.client.HTTPConnection("127.0.0.1", _current().port, timeout=30)
    try:
        conn.request("OPTIONS", path, headers={
            "Origin": origin, "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type"})
        resp = conn.getresponse()
        resp.read()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}
    finally:
        conn.close()


def app_post(path, body, token=None, origin=None, cookie=None, headers=None):
    hdrs = {"Origin": origin or app_origin()}
    if token:
        hdrs["Authorization"] = f"Bearer {token}"
    hdrs.update(headers or {})
    return post(path, body, cookie=cookie, headers=hdrs)


def app_login(f, name="staff", origin=None):
    status, headers, reply = app_post(
        "/api/auth", f"LOGIN facility={f.code} user={name}"
        f" password={q(f.passwords[name])} channel=app", origin=origin)
    tok = reply.get("data", {}).get("token")
    if tok:
        remember(tok)
    return status, headers, reply, tok


def age(tok, seconds, column="last_seen_at"):
    h = hashlib.sha256(tok.encode()).hexdigest()
    sql(f"UPDATE sessions SET {column} = {column} - {int(seconds)}"
        f" WHERE token_hash = '{h}'")


@pytest.mark.parametrize("path", ["/api/auth", "/api/portal"])
def test_preflight_from_an_allowed_origin_is_answered_for_it_alone(stack, path):
    for origin in ("capacitor://localhost", "https://localhost", app_origin()):
        status, h = preflight(path, origin)
        assert status == 204
        assert h["access-control-allow-origin"] == origin
        assert h["access-control-allow-methods"] == "POST"
        assert h["access-control-allow-headers"] == PREFLIGHT_HEADERS
        assert h["vary"] == "Origin"
        assert "access-control-allow-credentials" not in h


@pytest.mark.parametrize("path", ["/api/auth", "/api/portal"])
def test_preflight_from_any_other_origin_is_refused(stack, path):
    for origin in ELSEWHERE + [portal_origin()]:
        status, h = preflight(path, origin)
        assert status == 403, origin
        assert not any(k.startswith("access-control-") for k in h), (origin, h)
        assert h["vary"] == "Origin"


def test_sync_never_speaks_cors(stack):
    status, h = preflight("/api/sync", "capacitor://localhost")
    assert status == 405
    assert not any(k.startswith("access-control-") for k in h)


def test_app_login_answers_the_token_instead_of_the_cookie(fac):
    status, headers, reply, tok = app_login(fac)
    assert status == 200, reply
    assert "set-cookie" not in headers
    assert headers["access-control-allow-origin"] == [app_origin()]
    assert headers["access-control-expose-headers"] == ["Retry-After"]
    assert headers["vary"] == ["Origin"]
    assert len(tok) == 43 and reply["data"]["user"] == "staff"
    h = hashlib.sha256(tok.encode()).hexdigest()
    assert sql(f"SELECT channel FROM sessions WHERE token_hash = '{h}'") == [["app"]]
    rows = sql("SELECT channel FROM login_log WHERE facility_id ="
               f" {fac.id} AND result = 'success' ORDER BY id DESC LIMIT 1")
    assert rows == [["app"]]
    # The token works on both session endpoints.
    status, _, reply = app_post("/api/auth", "SESSION", token=tok)
    assert status == 200 and reply["data"]["user"] == "staff", reply
    status, _, reply = app_post("/api/portal", "DASHBOARD", token=tok)
    assert status == 200, reply


def test_app_origin_is_the_app_channel_whatever_the_login_says(fac):
    status, headers, reply = app_post(
        "/api/auth", f"LOGIN facility={fac.code} user=staff"
        f" password={q(fac.passwords['staff'])}")
    assert status == 200 and "set-cookie" not in headers
    remember(reply["data"]["token"])
    rows = sql("SELECT channel FROM login_log WHERE facility_id ="
               f" {fac.id} AND result = 'success' ORDER BY id DESC LIMIT 1")
    assert rows == [["app"]]


@pytest.mark.parametrize("origin", [None, "portal"] + ELSEWHERE)
def test_channel_app_elsewhere_gets_the_cookie_and_no_token(fac, origin):
    """The wrapper that loads the portal's own page (no Origin on a
    same-origin navigation, or the portal's origin) and every origin not on
    the list: a cookie as in a browser, never a token, no CORS header."""
    hdrs = {}
    if origin:
        hdrs["Origin"] = portal_origin() if origin == "portal" else origin
    status, headers, reply = post(
        "/api/auth", f"LOGIN facility={fac.code} user=staff"
        f" password={q(fac.passwords['staff'])} channel=app", headers=hdrs)
    assert status == 200, reply
    assert "token" not in reply["data"]
    assert headers["set-cookie"][0].startswith("__Host-sid=")
    remember(headers["set-cookie"][0].split(";")[0].split("=", 1)[1])
    assert not any(k.startswith("access-control-") for k in headers)


@pytest.mark.parametrize("origin", [None, "portal"] + ELSEWHERE)
def test_bearer_is_refused_off_the_app_channel(fac, origin):
    _, _, _, tok = app_login(fac)
    hdrs = {"Authorization": f"Bearer {tok}"}
    if origin:
        hdrs["Origin"] = portal_origin() if origin == "portal" else origin
    for path, verb in (("/api/auth", "SESSION"), ("/api/portal", "DASHBOARD")):
        status, _, reply = post(path, verb, headers=hdrs)
        assert (status, reply["error"]["code"]) == (401, "AUTH_REQUIRED"), reply
    # Refused, not spent: the token still works where it belongs.
    assert app_post("/api/auth", "SESSION", token=tok)[0] == 200


def test_bearer_and_cookie_together_are_refused_everywhere(fac):
    _, _, _, tok = app_login(fac)
    status, headers, reply = post(
        "/api/auth", f"LOGIN facility={fac.code} user=staff"
        f" password={q(fac.passwords['staff'])}")
    cookie = headers["set-cookie"][0].split(";")[0].split("=", 1)[1]
    remember(cookie)
    for origin in (app_origin(), portal_origin()):
        for t in (tok, cookie):
            status, _, reply = post("/api/portal", "DASHBOARD", cookie=cookie,
                                    headers={"Origin": origin,
                                             "Authorization": f"Bearer {t}"})
            assert (status, reply["error"]["code"]) == (401, "AUTH_REQUIRED")


def test_cookie_does_not_count_on_the_app_channel(fac):
    status, headers, _ = post(
        "/api/auth", f"LOGIN facility={fac.code} user=staff"
        f" password={q(fac.passwords['staff'])}")
    cookie = remember(headers["set-cookie"][0].split(";")[0].split("=", 1)[1])
    status, _, reply = app_post("/api/portal", "DASHBOARD", cookie=cookie)
    assert (status, reply["error"]["code"]) == (401, "AUTH_REQUIRED")
    # A sync key is no session either.
    status, _, reply = app_post("/api/portal", "DASHBOARD", token=fac.sync_key)
    assert (status, reply["error"]["code"]) == (401, "AUTH_REQUIRED")


def test_app_session_idles_out_like_any_other(fac):
    _, _, _, tok = app_login(fac)
    age(tok, 200)
    status, _, reply = app_post("/api/auth", "SESSION", token=tok,
                                headers={"Infosys-Background": "1"})
    assert status == 200 and 95 <= reply["data"]["idle_remaining_s"] <= 100
    age(tok, 101)
    status, headers, reply = app_post("/api/portal", "DASHBOARD", token=tok)
    assert (status, reply["error"]["code"]) == (401, "SESSION_EXPIRED")
    assert "set-cookie" not in headers
    status, _, reply = app_post("/api/auth", "SESSION", token=tok)
    assert (status, reply["error"]["code"]) == (401, "AUTH_REQUIRED")


def test_app_session_has_the_absolute_lifetime(fac):
    _, _, _, tok = app_login(fac)
    age(tok, 12 * 3600, "created_at")
    status, _, reply = app_post("/api/auth", "SESSION", token=tok)
    assert (status, reply["error"]["code"]) == (401, "SESSION_EXPIRED")


def test_app_logout_ends_the_session(fac):
    _, _, _, tok = app_login(fac)
    status, headers, reply = app_post("/api/auth", "LOGOUT", token=tok)
    assert status == 200 and "set-cookie" not in headers, reply
    status, _, reply = app_post("/api/portal", "DASHBOARD", token=tok)
    assert (status, reply["error"]["code"]) == (401, "AUTH_REQUIRED")


def test_app_login_failure_is_the_same_auth_failed_and_counts(stack):
    f = Facility()
    f.policy()
    before = int(sql("SELECT failed_logins FROM users WHERE facility_id ="
                     f" {f.id} AND name = 'staff'")[0][0])
    status, headers, reply = app_post(
        "/api/auth", f"LOGIN facility={f.code} user=staff"
        " password=wrong-password-1 channel=app")
    assert (status, reply["error"]["code"]) == (401, "AUTH_FAILED")
    assert "token" not in reply["error"] and "data" not in reply
    assert headers["access-control-allow-origin"] == [app_origin()]
    assert f.failed_logins("staff") == before + 1


def test_revoked_user_loses_the_app_session_at_once(stack):
    f = Facility()
    f.policy()
    _, _, _, tok = app_login(f)
    sql(f"UPDATE users SET status = 'disabled' WHERE facility_id = {f.id}"
        " AND name = 'staff'")
    status, _, reply = app_post("/api/portal", "DASHBOARD", token=tok)
    assert (status, reply["error"]["code"]) == (401, "AUTH_REQUIRED")
