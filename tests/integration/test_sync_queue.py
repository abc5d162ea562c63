"""PC sync, the command queue and the daily sync (PROTOCOL.md §6) through
nginx: leases and redelivery after expiry, ack once, never another
facility's commands, and the daily-sync race between PCs.

Leases are shortened in the test stack's configuration ([sync] lease_s
and daily_lease_s)."""
import configparser
import threading
import time
import uuid

import pytest

from authkit import Facility, post
from conftest import create_facility, queue_command, sql, sync

@pytest.fixture(scope="module")
def leases(stack):
    """(lease_s, daily_lease_s) the stack's sync workers use: the test stack
    is started with short ones (tools/run_tests.py TEST_STACK)."""
    conf = configparser.ConfigParser(strict=False, interpolation=None)
    conf.read(stack.conf)
    assert conf.has_option("sync", "lease_s"), \
        "start the test stack with run_tests.TEST_STACK's settings"
    return conf.getint("sync", "lease_s"), conf.getint("sync", "daily_lease_s")


def new_facility(stack):
    code = "Q" + uuid.uuid4().hex[:10].upper()
    key = create_facility(code, "Command queue test")
    fid = sql(f"SELECT id FROM facilities WHERE code = '{code}'")[0][0]
    return int(fid), key


def poll(key, pc="PC-1", max_=None):
    status, _, reply = sync(key, "COMMAND.POLL" + (f" max={max_}" if max_ else ""),
                            pc)
    assert status == 200, reply
    return reply["data"]["commands"]


def test_empty_poll(stack, leases):
    _, key = new_facility(stack)
    assert poll(key) == []


def test_poll_leases_then_redelivers(stack, leases):
    lease_s, _ = leases
    fid, key = new_facility(stack)
    cid = queue_command(fid, 'MESSAGE.POST board=B1 text="Staff meeting 15:30"')
    got = poll(key, "PC-1")
    assert [c["id"] for c in got] == [cid]
    assert got[0]["command"] == 'MESSAGE.POST board=B1 text="Staff meeting 15:30"'
    assert got[0]["issuer"] == "alice" and got[0]["created"].endswith("Z")
    # Leased: neither this PC nor another gets it again within the lease.
    assert poll(key, "PC-1") == [] and poll(key, "PC-2") == []
    time.sleep(lease_s + 1.2)
    again = poll(key, "PC-2")
    assert [c["id"] for c in again] == [cid]
    row = sql(f"SELECT status, lease_pc, deliveries FROM commands WHERE id = {cid}")
    assert row == [["delivered", "PC-2", "2"]]


def test_ack_once(stack, leases):
    fid, key = new_facility(stack)
    cid = queue_command(fid, "REPORT.REQUEST kind=inventory")
    poll(key)
    status, _, first = sync(key, f'COMMAND.ACK id={cid} status=done result="written 12.dat"')
    assert status == 200 and first["data"] == {"id": cid, "status": "done",
                                               "settled": True}
    status, _, second = sync(key, f"COMMAND.ACK id={cid} status=failed")
    assert status == 200 and second["data"]["settled"] is False
    assert second["data"]["status"] == "done"
    assert sql(f"SELECT status, result FROM commands WHERE id = {cid}") == \
        [["done", "written 12.dat"]]


def test_settled_never_redelivered(stack, leases):
    lease_s, _ = leases
    fid, key = new_facility(stack)
    cid = queue_command(fid, "ATTENDANCE.CLOCK action=in")
    poll(key)
    assert sync(key, f"COMMAND.ACK id={cid} status=done")[0] == 200
    time.sleep(lease_s + 1.2)
    assert poll(key) == []


def test_poll_order_and_max(stack, leases):
    fid, key = new_facility(stack)
    ids = [queue_command(fid, "REPORT.REQUEST kind=temperature") for _ in range(5)]
    first = poll(key, max_=2)
    rest = poll(key, "PC-2")
    assert [c["id"] for c in first] == ids[:2]
    assert [c["id"] for c in rest] == ids[2:]


def test_two_pcs_never_share_a_command(stack, leases):
    fid, key = new_facility(stack)
    ids = {queue_command(fid, "REPORT.REQUEST kind=inventory") for _ in range(30)}
    got = {"PC-A": [], "PC-B": []}

    def worker(pc):
        for _ in range(10):
            got[pc] += [c["id"] for c in poll(key, pc, max_=3)]

    threads = [threading.Thread(target=worker, args=(pc,)) for pc in got]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    a, b = set(got["PC-A"]), set(got["PC-B"])
    assert not a & b
    assert a | b == ids
    assert len(got["PC-A"]) + len(got["PC-B"]) == 30


def test_other_facility_commands_invisible(stack, leases):
    fid, key = new_facility(stack)
    _, other = new_facility(stack)
    cid = queue_command(fid, "MESSAGE.POST board=B2 text=ours")
    assert poll(other) == []
    status, _, reply = sync(other, f"COMMAND.ACK id={cid} status=done")
    assert status == 404 and reply["error"]["code"] == "NOT_FOUND"
    assert [c["id"] for c in poll(key)] == [cid]


def test_ack_unknown_command(stack, leases):
    _, key = new_facility(stack)
    status, _, reply = sync(key, "COMMAND.ACK id=999999999 status=done")
    assert status == 404


def claim(key, date, pc):
    return sync(key, f"DAILYSYNC.CLAIM date={date}", pc)


def test_daily_race_one_winner(stack, leases):
    _, key = new_facility(stack)
    results = {}
    barrier = threading.Barrier(8)

    def worker(pc):
        barrier.wait()
        results[pc] = claim(key, "2026-01-15", pc)

    threads = [threading.Thread(target=worker, args=(f"PC-{i}",)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    winners = [pc for pc, r in results.items() if r[0] == 200]
    assert len(winners) == 1, results
    for pc, (status, _, reply) in results.items():
        if pc != winners[0]:
            assert status == 409 and reply["error"]["code"] == "CONFLICT"
            assert winners[0] in reply["error"]["message"]
    # The winner's retry is still a win.
    assert claim(key, "2026-01-15", winners[0])[2]["data"]["claimed"] is True


def test_daily_takeover_after_lapsed_lease(stack, leases):
    _, daily_lease_s = leases
    _, key = new_facility(stack)
    assert claim(key, "2026-02-01", "PC-1")[0] == 200
    assert claim(key, "2026-02-01", "PC-2")[0] == 409
    time.sleep(daily_lease_s + 1.2)
    status, _, reply = claim(key, "2026-02-01", "PC-2")
    assert status == 200 and reply["data"]["takeover"] is True
    # The first winner lost the date: its late report is refused.
    status, _, reply = sync(key, "DAILYSYNC.REPORT date=2026-02-01 status=ok", "PC-1")
    assert status == 409
    assert sync(key, "DAILYSYNC.REPORT date=2026-02-01 status=ok", "PC-2")[0] == 200


def test_daily_reported_is_not_taken_over(stack, leases):
    _, daily_lease_s = leases
    fid, key = new_facility(stack)
    assert claim(key, "2026-03-01", "PC-1")[0] == 200
    status, _, reply = sync(key, 'DAILYSYNC.REPORT date=2026-03-01 status=error '
                                 'errors="Step 3 upload failed, 2 retries"', "PC-1")
    assert status == 200 and reply["data"]["recorded"] is True
    time.sleep(daily_lease_s + 1.2)
    assert claim(key, "2026-03-01", "PC-2")[0] == 409
    rows = sql("SELECT kind, sync_date, status, message FROM sync_log "
                      f"WHERE facility_id = {fid}")
    assert rows == [["daily", "2026-03-01", "error",
                     "Step 3 upload failed, 2 retries"]]


def test_daily_report_unclaimed(stack, leases):
    _, key = new_facility(stack)
    status, _, reply = sync(key, "DAILYSYNC.REPORT date=2026-04-01 status=ok")
    assert status == 404


def global_status(stack, name):
    return int(sql(f"SHOW GLOBAL STATUS LIKE '{name}'")[0][1])


def test_empty_poll_costs_one_statement_and_no_log_row(stack):
    """DESIGN.md: the hottest request of the system, an empty COMMAND.POLL,
    is one statement (the key check and the look-up together), and a
    successful empty poll is not written to the request log."""
    _, key = new_facility(stack)
    pc = "PC-QUIET-" + uuid.uuid4().hex[:6]
    assert sync(key, "COMMAND.POLL", pc=pc)[0] == 200   # statements prepared
    before = global_status(stack, "Com_stmt_execute")
    for _ in range(20):
        st, _, body = sync(key, "COMMAND.POLL", pc=pc)
        assert st == 200 and body["data"]["commands"] == []
    after = global_status(stack, "Com_stmt_execute")
    assert after - before == 20
    logged = sql("SELECT COUNT(*) FROM request_log "
                 f"WHERE pc_id = '{pc}'")[0][0]
    assert logged == "0"


def test_poll_that_delivers_or_fails_is_logged(stack):
    fid, key = new_facility(stack)
    pc = "PC-LOUD-" + uuid.uuid4().hex[:6]
    queue_command(fid, "REPORT.REQUEST kind=inventory")
    st, _, body = sync(key, "COMMAND.POLL", pc=pc)
    assert st == 200 and len(body["data"]["commands"]) == 1
    assert sync("x" * 43, "COMMAND.POLL", pc=pc)[0] == 401
    rows = sql("SELECT status FROM request_log "
               f"WHERE verb = 'COMMAND.POLL' AND (pc_id = '{pc}' OR "
               "status = 401) ORDER BY id")
    assert ["200"] in rows and ["401"] in rows


def test_poll_of_a_large_backlog_reads_only_what_it_leases(stack):
    """A facility with a long queue of due commands: a poll takes rows in
    the index's order and stops at its limit, instead of reading (and
    locking, FOR UPDATE) the whole backlog; a backlog of hundreds of
    thousands once exhausted the server's lock memory that way."""
    fid, key = new_facility(stack)
    sql(f"INSERT INTO command_due VALUES ({fid}, 0);"
        " INSERT INTO commands (facility_id, line, issuer, created_at) "
        f"SELECT {fid}, 'REPORT.REQUEST kind=inventory user=bulk', 'bulk', "
        "UTC_TIMESTAMP() FROM seq_1_to_20000")
    poll(key, max_=1)                                   # statements prepared
    before = global_status(stack, "Handler_read_next")
    assert len(poll(key, pc="PC-2", max_=5)) == 5
    read = global_status(stack, "Handler_read_next") - before
    assert read < 1000, f"a poll of 5 read {read} index entries"


# command_due (schema/017_command_due.sql): the empty poll reads when the
# queue is next due instead of the queue. A value later than the queue
# would hide a command until some other command is queued, so these check
# it against commands the portal queues, as staff do.

def due_of(fid):
    rows = sql(f"SELECT IFNULL(due_at, 'none') FROM command_due WHERE facility_id = {fid}")
    return rows[0][0] if rows else "none"


@pytest.fixture
def staff():
    fac = Facility()
    fac.policy()
    status, _, reply, tok = fac.login("staff")
    assert status == 200, reply

    def send(text):
        st, _, r = post("/api/portal", f'MESSAGE.POST board=lobby text="{text}"',
                        cookie=tok)
        assert st == 200 and r["ok"], r
        return r["data"]["command"]
    fac.send = send
    return fac


def test_command_due_follows_the_queue(stack, leases, staff):
    lease_s, _ = leases
    key = staff.sync_key
    assert poll(key) == [] and due_of(staff.id) == "none"
    first = staff.send("Fire drill at ten")
    assert due_of(staff.id) == "0"
    t0 = int(time.time())
    assert [c["id"] for c in poll(key)] == [first]
    # Only the lease is left: due again when it ends, unless acknowledged.
    assert t0 + lease_s <= int(due_of(staff.id)) <= int(time.time()) + lease_s
    # Queued while the row says "later": the very next poll has it.
    second = staff.send("Lunch is served")
    assert due_of(staff.id) == "0"
    assert [c["id"] for c in poll(key, "PC-2")] == [second]
    for cid in (first, second):
        assert sync(key, f"COMMAND.ACK id={cid} status=done")[0] == 200
    # Settled: the row may still say when the last lease ends; the first
    # poll after that looks at the queue, finds nothing and says so.
    time.sleep(lease_s + 1)
    assert poll(key) == [] and due_of(staff.id) == "none"
    assert poll(key) == []


def test_no_command_is_hidden_by_a_poll_at_the_same_moment(stack, leases, staff):
    """Staff queue commands while two PCs poll as fast as they can: the
    polls raise command_due after each take, and never above a command
    queued meanwhile, so once queuing stops one more poll has everything
    not yet handed out, without waiting for any lease."""
    key = staff.sync_key
    queued, got, stop = [], [], threading.Event()

    def pc(name):
        while not stop.is_set():
            got.extend(c["id"] for c in poll(key, name, max_=5))

    pcs = [threading.Thread(target=pc, args=(f"PC-{i}",)) for i in (1, 2)]
    for t in pcs:
        t.start()
    try:
        for i in range(40):
            queued.append(staff.send(f"Note {i}"))
    finally:
        stop.set()
        for t in pcs:
            t.join()
    got.extend(c["id"] for c in poll(key, "PC-3", max_=100))
    # A lease that lapsed meanwhile may have handed a command out twice.
    assert set(got) == set(queued)


def test_a_poll_in_a_batch_reads_command_due_too(stack, leases, staff):
    """In a batch the key is proved once for all lines, and COMMAND.POLL
    asks command_due whether anything is due, as the poll alone does."""
    key = staff.sync_key

    def batch_poll():
        st, _, reply = sync(key, "PING\nCOMMAND.POLL")
        assert st == 200 and reply["ok"], reply
        assert [r["verb"] for r in reply["results"]] == ["PING", "COMMAND.POLL"]
        return [c["id"] for c in reply["results"][1]["data"]["commands"]]

    assert batch_poll() == []
    cid = staff.send("Batch drill at noon")
    assert due_of(staff.id) == "0"
    assert batch_poll() == [cid]
    assert batch_poll() == []          # leased, and command_due says when
    assert int(due_of(staff.id)) > int(time.time())
