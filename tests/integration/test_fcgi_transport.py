"""The programs' FastCGI side (src/http/fcgi_server.c), spoken to directly
on the sync pool's socket as nginx speaks it, and through nginx.

What PCs depend on: a connection nginx keeps open carries one request
after another; connections held open and idle, or half sent, never keep
a worker from the requests nginx passes on other connections; a peer that
does not speak FastCGI loses only its own connection."""
import json
import os
import signal
import socket
import struct
import time

import pytest

from conftest import _current, create_facility, sync

BEGIN, ABORT, END, PARAMS, STDIN, STDOUT = 1, 2, 3, 4, 5, 6
GET_VALUES, GET_VALUES_RESULT = 9, 10
KEEP_CONN = 1


def record(rtype, rid, content=b""):
    return struct.pack(">BBHHBB", 1, rtype, rid, len(content), 0, 0) + content


def pairs(params):
    out = b""
    for name, value in params.items():
        n, v = name.encode(), value.encode()
        for x in (n, v):
            out += bytes([len(x)]) if len(x) < 128 else \
                struct.pack(">I", len(x) | 0x80000000)
        out += n + v
    return out


def fcgi_request(params, body=b"", keep=True, rid=1):
    """The records nginx writes for one request."""
    out = record(BEGIN, rid, struct.pack(">HB5x", 1, KEEP_CONN if keep else 0))
    out += record(PARAMS, rid, pairs(params)) + record(PARAMS, rid)
    if body:
        out += record(STDIN, rid, body)
    return out + record(STDIN, rid)


def sync_params(key, body, length=None):
    return {"REQUEST_METHOD": "POST", "DOCUMENT_URI": "/api/sync",
            "CONTENT_TYPE": "application/x-infosys-command",
            "CONTENT_LENGTH": str(len(body) if length is None else length),
            "REMOTE_ADDR": "127.0.0.1", "HTTP_AUTHORIZATION": f"Bearer {key}",
            "HTTP_INFOSYS_PC": "PC-1"}


def read_records(sock):
    """Records up to and including END_REQUEST: [(type, id, content)]."""
    buf, out = b"", []
    while True:
        while len(buf) >= 8:
            _, rtype, rid, clen, pad, _ = struct.unpack(">BBHHBB", buf[:8])
            if len(buf) < 8 + clen + pad:
                break
            out.append((rtype, rid, buf[8:8 + clen]))
            buf = buf[8 + clen + pad:]
            if rtype in (END, GET_VALUES_RESULT):
                return out
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError(f"closed after {out}")
        buf += chunk


def answer(sock):
    """(status, JSON) of one answer read off sock."""
    recs = read_records(sock)
    assert recs[-1][0] == END and recs[-1][2][4] == 0  # REQUEST_COMPLETE
    text = b"".join(c for t, _, c in recs if t == STDOUT).decode()
    head, _, body = text.partition("\r\n\r\n")
    status = int(head.split("Status: ", 1)[1].split()[0])
    return status, json.loads(body)


def connect():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(20)
    s.connect(str(_current().var / "run" / "sync.sock"))
    return s


@pytest.fixture(scope="module")
def key(stack):
    return create_facility("FCGIT")


def closed(sock):
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True


def test_kept_connection_serves_one_request_after_another(key):
    with connect() as s:
        for _ in range(3):
            s.sendall(fcgi_request(sync_params(key, b"PING"), b"PING"))
            status, reply = answer(s)
            assert status == 200 and reply["ok"] and reply["verb"] == "PING"


def test_without_keep_conn_the_connection_ends_with_the_answer(key):
    with connect() as s:
        s.sendall(fcgi_request(sync_params(key, b"PING"), b"PING", keep=False))
        assert answer(s)[0] == 200
        assert closed(s)


def test_idle_and_half_sent_connections_hold_no_worker(key):
    """More connections than the pool has workers, each holding a worker
    under libfcgi's accept loop: kept open after an answer, or stopped
    halfway through a request. nginx's requests are answered all the
    same, and so is each held connection afterwards."""
    idle = [connect() for _ in range(10)]
    half = [connect() for _ in range(10)]
    try:
        for s in idle:
            s.sendall(fcgi_request(sync_params(key, b"PING"), b"PING"))
            assert answer(s)[0] == 200
        whole = fcgi_request(sync_params(key, b"PING"), b"PING")
        for s in half:
            s.sendall(whole[:30])
        for _ in range(20):
            status, _, reply = sync(key, "PING")
            assert status == 200 and reply["ok"]
        for s in half:
            s.sendall(whole[30:])
            assert answer(s)[0] == 200
        for s in idle:
            s.sendall(whole)
            assert answer(s)[0] == 200
    finally:
        for s in idle + half:
            s.close()


def test_a_body_shorter_than_its_length_is_refused_and_the_connection_kept(key):
    with connect() as s:
        s.sendall(fcgi_request(sync_params(key, b"PING", length=9), b"PING"))
        status, reply = answer(s)
        assert status == 400 and reply["error"]["code"] == "BAD_COMMAND"
        s.sendall(fcgi_request(sync_params(key, b"PING"), b"PING"))
        assert answer(s)[0] == 200


def test_what_is_not_fastcgi_loses_only_its_connection(key):
    with connect() as s:
        s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        assert closed(s)
    status, _, reply = sync(key, "PING")
    assert status == 200 and reply["ok"]


def test_management_and_refused_records_are_answered(key):
    with connect() as s:
        s.sendall(record(GET_VALUES, 0, pairs({"FCGI_MPXS_CONNS": ""})))
        (rtype, rid, content), = read_records(s)
        assert (rtype, rid) == (GET_VALUES_RESULT, 0)
        assert content.endswith(b"FCGI_MPXS_CONNS0")
        # The authorizer role is not ours; a second request at once is
        # refused while the first goes on.
        s.sendall(record(BEGIN, 2, struct.pack(">HB5x", 2, KEEP_CONN)))
        (rtype, rid, content), = read_records(s)
        assert (rtype, rid, content[4]) == (END, 2, 3)  # UNKNOWN_ROLE
        first = fcgi_request(sync_params(key, b"PING"), b"PING", rid=5)
        s.sendall(first[:16] + record(BEGIN, 6, struct.pack(">HB5x", 1, 1)))
        (rtype, rid, content), = read_records(s)
        assert (rtype, rid, content[4]) == (END, 6, 1)  # CANT_MPX_CONN
        s.sendall(first[16:])
        assert answer(s)[0] == 200


def pool_workers(prog):
    watch = (_current().var / "run" / f"{prog}.pid").read_text().strip()
    return open(f"/proc/{watch}/task/{watch}/children").read().split()


def test_stopping_workers_finish_what_they_hold(key):
    """SIGTERM (a restart of the pool) ends each worker gracefully: a
    request half sent is still answered, then its connection closed, and
    connections kept idle are closed so that nginx stops using them."""
    half, idle = connect(), connect()
    whole = fcgi_request(sync_params(key, b"PING"), b"PING")
    try:
        idle.sendall(whole)
        assert answer(idle)[0] == 200
        half.sendall(whole[:30])
        old = pool_workers("sync")
        for pid in old:
            os.kill(int(pid), signal.SIGTERM)
        assert closed(idle)
        time.sleep(0.3)
        half.sendall(whole[30:])
        assert answer(half)[0] == 200
        assert closed(half)
    finally:
        half.close()
        idle.close()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and set(pool_workers("sync")) & set(old):
        time.sleep(0.1)
    assert not set(pool_workers("sync")) & set(old)
    status, _, reply = sync(key, "PING")
    assert status == 200 and reply["ok"]
