"""PROTOCOL.md §1–3 through nginx: transport rules, the command syntax,
binding against the verb table, answer shapes and the request log. Every
refusal is followed by a good request, proving the worker lived on."""
import os
import secrets
import signal
import subprocess
import time

import pytest

from conftest import api, create_facility, request, sql, sync

CT = "application/x-infosys-command"
ENDPOINTS = ["/api/auth", "/api/portal", "/api/sync"]


def fresh_code(prefix):
    return prefix + secrets.token_hex(4).upper()


@pytest.fixture(scope="module")
def key(stack):
    return create_facility(fresh_code("PR"), "Protocol Clinic")


def sql_text(query):
    return "\n".join("\t".join(row) for row in sql(query))


def assert_alive(key):
    status, _, body = sync(key, "PING")
    assert status == 200 and body["ok"] is True, body


def assert_error(resp, status, code, line=None, column=None):
    st, headers, body = resp
    assert st == status, body
    assert headers["content-type"].startswith("application/json")
    assert body["ok"] is False
    assert body["error"]["code"] == code, body
    assert body["error"]["message"]
    if line is not None:
        assert body["error"]["line"] == line, body
    if column is not None:
        assert body["error"]["column"] == column, body


def test_ping_answers_server_time_with_protocol_headers(key):
    status, headers, body = sync(key, "PING\n")
    assert status == 200
    assert body["ok"] is True and body["verb"] == "PING"
    assert body["data"]["time"].endswith("Z") and len(body["data"]["time"]) == 20
    assert headers["content-type"] == "application/json; charset=utf-8"
    assert headers["cache-control"] == "no-store"
    assert headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("path", ENDPOINTS)
@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "PATCH"])
def test_other_methods_get_405_with_allow(key, path, method):
    st, headers, body = api(path, "PING", method=method)
    assert st == 405, body
    assert headers.get("allow") == "POST"
    assert body["error"]["code"] == "METHOD"
    assert_alive(key)


@pytest.mark.parametrize("path", ENDPOINTS)
@pytest.mark.parametrize("ctype", [None, "text/plain", "application/json",
                                   "application/x-www-form-urlencoded",
                                   CT + "; charset=latin1",
                                   "application/x-infosys-commandx"])
def test_wrong_media_type_is_415(key, path, ctype):
    assert_error(api(path, "PING", content_type=ctype), 415, "MEDIA_TYPE")
    assert_alive(key)


def test_media_type_parameters_are_allowed(key):
    for ctype in (CT + "; charset=utf-8", CT + ";charset=UTF-8",
                  "Application/X-Infosys-Command"):
        st, _, body = sync(key, "PING", content_type=ctype)
        assert st == 200, (ctype, body)


@pytest.mark.parametrize("path,limit", [("/api/auth", 8192),
                                        ("/api/portal", 8192),
                                        ("/api/sync", 1024 * 1024)])
def test_body_over_the_limit_is_413(key, path, limit):
    assert_error(api(path, "A" * (limit + 1)), 413, "TOO_LARGE")
    assert_alive(key)


def test_body_at_the_limit_reaches_the_parser(key):
    # 8 KiB exactly is allowed on /api/auth; the parser then refuses it
    # as a line with an unknown verb, proving the body got through.
    assert_error(api("/api/auth", "A" * 8192), 400, "BAD_COMMAND", 1, 1)


BAD_SYNTAX = [
    # (body, line, column)
    (b"", 1, 1),
    (b"ping", 1, 1),
    (b" PING", 1, 1),
    (b"PING ", 1, 5),
    (b"PING\n\nPING", 2, 1),
    (b"PING\r", 1, 5),
    (b"PI\x00NG", 1, 3),
    (b"PING\x01", 1, 5),
    (b"PING \xff", 1, 6),
    (b"PING\nPING x=\"\xc0\x80\"", 2, 9),          # overlong NUL
    (b"PING x=\"\xe0\x80\xaf\"", 1, 9),             # overlong '/'
    (b"PING x=\"\xed\xa0\x80\"", 1, 9),             # surrogate
    (b"PING x=\"\xf4\x90\x80\x80\"", 1, 9),         # above U+10FFFF
    (b"PING x=\"\xe2\x82\"", 1, 9),                 # truncated
    (b"PING x=\"a\x7fb\"", 1, 10),                  # DEL in a quoted value
    (b"PING x=\"a\tb\"", 1, 10),                    # raw TAB in a quoted value
    (b"PING x=\"unterminated", 1, 21),
    (b"PING x=\"bad \\q escape\"", 1, 13),
    (b"PING X=1", 1, 6),
    (b"PING x", 1, 7),
    (b"PING x=", 1, 8),
    (b"PING  x=1", 1, 6),
    (b"PING x=a b", 1, 11),
    (b"PING x=a;b", 1, 9),
]


@pytest.mark.parametrize("body,line,column", BAD_SYNTAX)
def test_syntax_errors_are_400_bad_command_with_position(key, body, line,
                                                         column):
    st, _, answer = sync(key, body)
    assert st == 400, answer
    assert answer["error"]["code"] == "BAD_COMMAND", answer
    assert answer["error"]["line"] == line, (body, answer)
    assert answer["error"]["column"] == column, (body, answer)
    assert_alive(key)


def test_unknown_verb_and_verb_of_another_endpoint(key):
    assert_error(sync(key, "NO.SUCH"), 400, "BAD_COMMAND", 1, 1)
    assert_error(api("/api/portal", "PING"), 400, "BAD_COMMAND", 1, 1)
    assert_error(api("/api/auth", "PING"), 400, "BAD_COMMAND", 1, 1)
    assert_alive(key)


def test_unknown_key_names_its_column(key):
    assert_error(sync(key, "PING extra=1"), 400, "BAD_COMMAND", 1, 6)


def test_too_many_arguments(key):
    args = " ".join(f"k{i}=1" for i in range(33))
    assert_error(sync(key, "PING " + args), 400, "BAD_COMMAND", 1)
    assert_alive(key)


def test_overlong_line_is_refused(key):
    assert_error(sync(key, "PING x=" + "a" * 16400), 400, "BAD_COMMAND", 1)


def test_batches_are_refused_on_single_line_endpoints(key):
    for path in ("/api/auth", "/api/portal"):
        assert_error(api(path, "SESSION\nSESSION"), 400, "BAD_COMMAND", 2, 1)
    assert_alive(key)


def test_batch_of_pings_answers_one_result_per_line(key):
    st, _, body = sync(key, "PING\r\nPING\nPING\n")
    assert st == 200 and body["ok"] is True
    assert [r["verb"] for r in body["results"]] == ["PING"] * 3


def test_batch_limit_is_1000_lines(key):
    st, _, body = sync(key, "PING\n" * 1000)
    assert st == 200 and len(body["results"]) == 1000
    st, _, body = sync(key, "PING\n" * 1001)
    assert st == 400 and body["error"]["line"] == 1001


def test_bad_line_in_batch_refuses_the_whole_batch(key):
    st, _, body = sync(key, "PING\nPING\nPING nope=1\n")
    assert st == 400
    assert body["error"]["line"] == 3 and "results" not in body


@pytest.mark.parametrize("headers", [
    {},
    {"Infosys-PC": "pc-1"},
    {"Infosys-PC": "pc-1", "Authorization": "Bearer wrong"},
    {"Infosys-PC": "pc-1", "Authorization": "Bearer " + "A" * 43},
    {"Infosys-PC": "pc-1", "Authorization": "Basic Zm9vOmJhcg=="},
])
def test_sync_without_a_valid_key_is_401(key, headers):
    assert_error(api("/api/sync", "PING", headers=headers), 401,
                 "AUTH_REQUIRED")


def test_sync_key_without_pc_header_is_401(key):
    st, _, body = api("/api/sync", "PING",
                      headers={"Authorization": f"Bearer {key}"})
    assert st == 401 and body["error"]["code"] == "AUTH_REQUIRED"
    assert_error(sync(key, "PING", pc="bad pc!"), 401, "AUTH_REQUIRED")


def test_rotated_key_stops_working_at_once(stack):
    code = fresh_code("RO")
    old = create_facility(code, "Rotating Clinic")
    assert sync(old, "PING")[0] == 200
    out = subprocess.run(
        [str(stack.bin / "infosysctl"), "facility", "rotate-key", code],
        env={"INFOSYS_CONF": str(stack.conf)}, capture_output=True,
        text=True, check=True)
    new = out.stdout.strip().splitlines()[-1]
    assert new != old
    assert sync(old, "PING")[0] == 401
    assert sync(new, "PING")[0] == 200


def test_requests_are_logged_with_their_outcome(stack, key):
    st, _, _ = sync(key, "PING", pc="logged-pc")
    assert st == 200
    rows = sql_text("SELECT endpoint, verb, pc_id, status, address "
                    "FROM request_log WHERE pc_id = 'logged-pc'")
    assert "sync\tPING\tlogged-pc\t200\t127.0.0.1" in rows
    sync(key, "PING x=1", pc="logged-pc")
    rows = sql_text("SELECT status, code FROM request_log "
                    "WHERE pc_id IS NULL AND code = 'BAD_COMMAND'")
    assert "400\tBAD_COMMAND" in rows


def test_plain_http_paths_outside_api_do_not_reach_fastcgi(stack):
    status, _, _ = request("/api/nosuch", b"PING",
                           {"Content-Type": CT})
    assert status == 404


def test_database_down_is_503_then_recovers(stack, key):
    """A lost database answers 503 UNAVAILABLE with Retry-After from the
    same, living workers, and service resumes once it is back."""
    pidfile = stack.var / "run" / "mariadb.pid"
    pid = int(pidfile.read_text().split()[0])
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 60
    while os.path.exists(f"/proc/{pid}") and time.monotonic() < deadline:
        time.sleep(0.1)
    try:
        for _ in range(3):
            st, headers, body = sync(key, "PING")
            assert st == 503, body
            assert body["error"]["code"] == "UNAVAILABLE"
            assert int(headers["retry-after"]) > 0
    finally:
        subprocess.run(["/usr/bin/python3", "tools/stack.py", "up", "--var",
                        str(stack.var), "--port", str(stack.port), "--bin",
                        str(stack.bin)], check=True, capture_output=True)
    st, _, body = sync(key, "PING")
    assert st == 200, body


BAD_ARGUMENTS = [
    # (body, the text the error must point at) on /api/auth, whose LOGIN
    # has typed keys
    ("LOGIN facility=ab user=u password=p", "ab"),             # code too short
    ('LOGIN facility="ab!" user=u password=p', '"ab!"'),
    ('LOGIN facility=DEMO user="a b" password=p', '"a b"'),    # name with space
    ("LOGIN facility=DEMO user=u password=p channel=tv", "tv"),  # not in enum
    ('LOGIN facility=DEMO user=u password=""', '""'),          # empty secret
]


def column_of(body, marker):
    return body.rindex(marker) + 1


@pytest.mark.parametrize("body,marker", BAD_ARGUMENTS)
def test_wrong_values_are_400_bad_argument_with_position(key, body, marker):
    assert_error(api("/api/auth", body), 400, "BAD_ARGUMENT", 1,
                 column_of(body, marker))
    assert_alive(key)


def test_missing_required_key_points_past_the_line(key):
    body = "LOGIN facility=DEMO user=u"
    assert_error(api("/api/auth", body), 400, "BAD_ARGUMENT", 1,
                 len(body) + 1)


def test_repeated_key_is_bad_command(key):
    body = "LOGIN facility=DEMO facility=DEMO user=u password=p"
    assert_error(api("/api/auth", body), 400, "BAD_COMMAND", 1,
                 column_of(body, "facility=DEMO user"))


def test_unknown_key_of_a_real_verb_is_bad_command(key):
    body = "LOGIN facility=DEMO user=u password=p remember=1"
    assert_error(api("/api/auth", body), 400, "BAD_COMMAND", 1,
                 column_of(body, "remember"))


def test_request_log_redacts_secrets(stack, key):
    secret = "Zq" + secrets.token_hex(12)
    body = f"LOGIN facility=NOPE{secrets.token_hex(2)} user=nobody password={secret}"
    st, _, answer = api("/api/auth", body)
    assert st == 401 and answer["error"]["code"] == "AUTH_FAILED"
    rows = sql_text("SELECT params FROM request_log "
                    "WHERE verb = 'LOGIN' ORDER BY id DESC LIMIT 5")
    # A refused request keeps only which keys it had.
    assert "[withheld]" in rows
    assert secret not in rows
    assert secret not in sql_text("SELECT * FROM request_log")


def test_request_log_keeps_no_hash_or_email(stack, key):
    """USER.UPSERT carries a crackable password hash and an address that is
    stored sealed: neither may sit in clear in the insert-only log."""
    salt = secrets.token_hex(8)
    email = f"nurse.{salt}@clinic.example"
    phc = ("$argon2id$v=19$m=65536,t=3,p=1$" + "c2FsdHNhbHRzYWx0c2FsdA"
           "$" + "aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g")
    st, _, body = sync(key, f'USER.UPSERT user=u{salt} role=user '
                            f'hash="{phc}" email={email}')
    assert st == 200, body
    dump = sql_text("SELECT params FROM request_log WHERE verb = 'USER.UPSERT'")
    assert f"u{salt}" in dump
    assert email not in dump and "aGFzaGhhc2g" not in dump
