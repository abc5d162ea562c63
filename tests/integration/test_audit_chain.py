"""The tamper-evident audit trail (issue 12): every row of login_log,
activity_log and request_log chains to the one before it, and
`infosysctl audit verify` names the first row that a database
administrator changed, deleted or slipped in by hand."""
import datetime
import re
import time
from concurrent.futures import ThreadPoolExecutor

from authkit import Facility, fresh_address, login, remember, sql, sync
from conftest import ctl

WRONG = remember("Wrong-chain-pass-1")


def verify(*args):
    r = ctl("audit", "verify", *args, check=False)
    return r.returncode, r.stdout


def broken_lines(out):
    return [line for line in out.splitlines() if line.startswith("BROKEN")]


def some_failures(f, n=4):
    src = fresh_address()
    for i in range(n):
        login(f.code, f"nobody{i}", WRONG, src=src)
    return [r[0] for r in sql("SELECT id FROM login_log WHERE facility_id ="
                              f" {f.id} ORDER BY chain_seq")]


def test_intact_chains_verify(stack):
    f = Facility()
    some_failures(f)
    code, out = verify()
    assert code == 0 and broken_lines(out) == [], out
    assert re.search(r"audit verify: \d+ rows in \d+ chains checked, 0 broken", out)


def test_hand_edited_row_is_named(stack):
    f = Facility()
    ids = some_failures(f)
    victim = ids[2]
    sql(f"UPDATE login_log SET user_name = 'someone-else' WHERE id = {victim}")
    try:
        code, out = verify()
        assert code == 1
        assert broken_lines(out) == [
            f"BROKEN login_log facility {f.id}: row id {victim}, chain position 3:"
            " changed (or inserted in its place)"], out
    finally:
        sql(f"UPDATE login_log SET user_name = 'nobody2' WHERE id = {victim}")
    assert verify()[0] == 0


def test_deleted_row_is_named(stack):
    f = Facility()
    ids = some_failures(f)
    victim, after = ids[1], ids[2]
    sql(f"CREATE TABLE zz_keep AS SELECT * FROM login_log WHERE id = {victim}")
    sql(f"DELETE FROM login_log WHERE id = {victim}")
    try:
        code, out = verify()
        assert code == 1
        assert broken_lines(out) == [
            f"BROKEN login_log facility {f.id}: row id {after}, chain position 2:"
            " deleted (the chain breaks just before this row)"], out
    finally:
        sql("INSERT INTO login_log SELECT * FROM zz_keep; DROP TABLE zz_keep")
    assert verify()[0] == 0


def test_history_cut_short_verifies_only_against_the_mailed_heads(stack, tmp_path):
    """A careful database administrator deletes the newest row and rewinds
    the chain's head to the row before: the chain alone still verifies,
    the head the operator was sent (audit head) no longer does."""
    f = Facility()
    ids = some_failures(f)
    heads = tmp_path / "heads-mail.txt"
    heads.write_text("> " + ctl("audit", "head").stdout.replace("\n", "\n> "))
    code, out = verify("--heads", heads)
    assert code == 0, out
    assert f"head login_log facility {f.id} position 4: kept" in out.splitlines()
    last, before = ids[-1], ids[-2]
    sql(f"CREATE TABLE zz_cut AS SELECT * FROM login_log WHERE id = {last}")
    sql(f"DELETE FROM login_log WHERE id = {last}")
    sql("UPDATE audit_chain SET seq = 3, head = (SELECT chain_hash FROM login_log"
        f" WHERE id = {before}) WHERE tbl = 'login_log' AND facility_id = {f.id}")
    try:
        assert verify()[0] == 0     # the cut is invisible to the chain alone
        code, out = verify("--heads", heads)
        assert code == 1, out
        assert (f"head login_log facility {f.id} position 4: REWRITTEN: the position is gone"
                in out.splitlines()), out
        assert "audit verify: 1 recorded heads no longer in their chains" in out
    finally:
        sql("INSERT INTO login_log SELECT * FROM zz_cut; DROP TABLE zz_cut")
        sql("UPDATE audit_chain SET seq = 4, head = (SELECT chain_hash FROM login_log"
            f" WHERE id = {last}) WHERE tbl = 'login_log' AND facility_id = {f.id}")
    assert verify("--heads", heads)[0] == 0
    assert ctl("audit", "verify", "--heads", tmp_path / "none.txt", check=False).returncode == 1


def test_inserted_rows_are_named(stack):
    f = Facility()
    ids = some_failures(f)
    # Without a chain position, and with a copied one.
    sql("INSERT INTO login_log (ts, facility_id, user_name, result, channel,"
        f" address) VALUES (UTC_TIMESTAMP(3), {f.id}, 'ghost', 'success',"
        " 'web', '10.9.9.9')")
    loose = sql("SELECT MAX(id) FROM login_log")[0][0]
    try:
        code, out = verify()
        assert code == 1 and broken_lines(out) == [
            f"BROKEN login_log facility {f.id}: row id {loose}, chain position 0:"
            " inserted (a row outside every chain)"], out
    finally:
        sql(f"DELETE FROM login_log WHERE id = {loose}")
    sql("INSERT INTO login_log (ts, facility_id, user_name, result, channel,"
        " address, chain_seq, chain_hash) SELECT ts, facility_id, 'ghost',"
        " 'success', channel, address, chain_seq, chain_hash FROM login_log"
        f" WHERE id = {ids[1]}")
    twin = sql("SELECT MAX(id) FROM login_log")[0][0]
    try:
        code, out = verify()
        assert code == 1 and broken_lines(out) == [
            f"BROKEN login_log facility {f.id}: row id {twin}, chain position 2:"
            " inserted (a second row at this position)"], out
    finally:
        sql(f"DELETE FROM login_log WHERE id = {twin}")
    assert verify()[0] == 0


def test_chain_survives_fifty_concurrent_writers(stack):
    """50 PCs' worth of writers at once on one facility's chains: sign-in
    reports (login_log) and pings (request_log), through the four sync
    workers. No position lost, none twice, and verify is clean."""
    f = Facility()
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")

    def one(i):
        if i % 2:
            return sync(f.sync_key, f"LOGIN.REPORT user=nobody{i} result=failure"
                        f" ts={now}", pc="PC-1")[0]
        return sync(f.sync_key, "PING", pc="PC-1")[0]

    with ThreadPoolExecutor(max_workers=50) as pool:
        statuses = list(pool.map(one, range(100)))
    assert statuses == [200] * 100
    # The request log is written after each answer: let it settle.
    for _ in range(300):
        if sql("SELECT COUNT(*) FROM request_log WHERE facility_id ="
               f" {f.id}") == [["100"]]:
            break
        time.sleep(0.1)
    for table, n in (("login_log", 50), ("request_log", 100)):
        rows = sql(f"SELECT COUNT(*), MIN(chain_seq), MAX(chain_seq),"
                   f" COUNT(DISTINCT chain_seq) FROM {table}"
                   f" WHERE facility_id = {f.id}")
        assert rows == [[str(n), "1", str(n), str(n)]], (table, rows)
        head = sql(f"SELECT seq FROM audit_chain WHERE tbl = '{table}'"
                   f" AND facility_id = {f.id}")
        assert head == [[str(n)]]
    code, out = verify()
    assert code == 0, out


def test_verify_from_a_date_and_after_a_purge_checkpoint(stack):
    f = Facility()
    ids = some_failures(f)
    today = datetime.datetime.now(datetime.timezone.utc).date()
    assert verify("--from", str(today))[0] == 0
    assert verify("--from", "not-a-date")[0] == 2
    # The retention job: checkpoint, then delete the rows before the cut.
    tomorrow = today + datetime.timedelta(days=1)
    ctl("audit", "checkpoint", "--before", str(tomorrow))
    sql(f"DELETE FROM login_log WHERE facility_id = {f.id}")
    code, out = verify()
    assert code == 0, out
    # Rows written after the checkpoint are checked as before.
    more = some_failures(f, 2)
    assert len(more) == 2 and ids[0] not in more
    sql(f"UPDATE login_log SET address = '10.0.0.1' WHERE id = {more[1]}")
    code, out = verify()
    assert code == 1 and f"row id {more[1]}," in out, out
    sql(f"UPDATE login_log SET address = (SELECT address FROM (SELECT address"
        f" FROM login_log WHERE id = {more[0]}) x) WHERE id = {more[1]}")
    assert verify()[0] == 0


def test_daily_head_for_the_operator(stack):
    f = Facility()
    some_failures(f, 1)
    out = ctl("audit", "head", "--mail").stdout
    seq, head = sql("SELECT seq, head FROM audit_chain WHERE tbl = 'login_log'"
                    f" AND facility_id = {f.id}")[0]
    assert f"login_log facility {f.id} position {seq} hash {head}" in out
    assert sql("SELECT COUNT(*) > 0 FROM mail_outbox WHERE kind = 'audit_head'") == [["1"]]
