"""infosysctl key status|rotate|reseal|retire: the sealing key rotated
while PCs sync and people use the portal. No request fails, every sealed
value opens afterwards and names the new key, look-ups still find their
rows, and an old key leaves the file only when nothing uses it."""
import os
import threading
import time

import pytest

from authkit import Facility, OUTBOX_AD, Sealer, login, post, sql, sync
from conftest import ctl
from test_auth_mfa import enrol, totp

USER_AD = {"mfa_secret": "mfa_secret", "mfa_pending": "mfa_secret",
           "email_sealed": "email_sealed"}


def sealed_values():
    """Every sealed value in the database: (place, value, ad), the place
    as (table, column, row id)."""
    out = []
    for col, adcol in USER_AD.items():
        for uid, v in sql(f"SELECT id, {col} FROM users WHERE {col} IS NOT NULL"):
            out.append((("users", col, uid), v, f"users.{adcol}:{uid}"))
    for mid, v in sql("SELECT id, message_sealed FROM mail_outbox"):
        out.append((("mail_outbox", "message_sealed", mid), v, OUTBOX_AD))
    return out


def key_id(value):
    return int(value[1:9], 16) if value[0] == "3" and len(value) % 2 else 1


def status():
    """`key status` as {id: (current, count)}."""
    lines = ctl("key", "status").stdout.splitlines()
    assert lines[0].split() == ["KEY", "CURRENT", "SEALED", "VALUES"]
    rows = {}
    for line in lines[1:]:
        w = line.split()
        if len(w) == 3 and w[0].isdigit():
            rows[int(w[0])] = (w[1] == "yes", int(w[2]))
    return rows


@pytest.fixture
def fac(stack):
    f = Facility()
    f.policy()
    sealer = Sealer()
    for i in range(30):
        name = f"nurse{i}"
        f.add(name, "user")
        sealer.set_email(f.id, name, f"{name}.{f.code}@example.org")
    sealer.set_email(f.id, "staff", f"staff.{f.code}@example.org")
    return f


def load(f, stop, statuses, lock):
    """A PC pinging and pushing, a nurse on the portal, and a user asking
    for a name by e-mail (look-up hash, an opened address, a sealed
    mail): what the programs seal and open while the key changes."""
    _, _, _, tok = f.login("staff")

    def record(kind, status):
        with lock:
            statuses.setdefault(kind, []).append(status)

    def pc():
        while not stop.is_set():
            record("sync", sync(f.sync_key, "PING", pc="KEYPC")[0])

    def nurse():
        while not stop.is_set():
            record("portal", post("/api/portal", "DASHBOARD", cookie=tok)[0])

    def recover():
        i = 0
        while not stop.is_set():
            record("recover", post("/api/auth", f"USERNAME.RECOVER facility="
                                   f"{f.code} email=nurse{i % 30}.{f.code}"
                                   "@example.org")[0])
            i += 1
            time.sleep(0.05)
    return [threading.Thread(target=t) for t in (pc, pc, nurse, recover)]


def test_rotate_under_load_fails_nothing_and_every_value_opens(fac):
    sealer = Sealer()
    secret, step, _ = enrol(fac)
    before = {place: sealer.open(v, ad) for place, v, ad in sealed_values()}
    old = max(sealer.keys()[0])
    stop, lock, statuses = threading.Event(), threading.Lock(), {}
    threads = load(fac, stop, statuses, lock)
    for t in threads:
        t.start()
    try:
        time.sleep(1)
        r = ctl("key", "rotate", "--batch", "7", check=False)
        time.sleep(1)
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert r.returncode in (0, 1), r.stderr
    new = sealer.keys()[1]
    assert new == old + 1
    for kind, got in statuses.items():
        assert len(got) > 3 and set(got) == {200}, (kind, got)
    # Every value that opened before opens now, with the same content,
    # under the new key; values damaged on purpose by other tests (a
    # value copied into another row) are reported and left alone.
    after = {place: (v, ad) for place, v, ad in sealed_values()}
    for place, plain in before.items():
        if place not in after:
            continue        # deleted meanwhile (a purge, a reset)
        v, ad = after[place]
        if plain is None:
            assert f"{place[0]}.{place[1]} of row {place[2]}" in r.stderr
            continue
        assert key_id(v) == new, place
        assert sealer.open(v, ad) == plain, place
    assert ("does not open" in r.stderr) == (r.returncode == 1)
    # What the programs sealed during the rotation opens too.
    for place, (v, ad) in after.items():
        if place not in before:
            assert sealer.open(v, ad) is not None, place
    # The look-up hashes did not change: a name is still found by address.
    n = len(sealer.outbox(fac.id))
    post("/api/auth", f"USERNAME.RECOVER facility={fac.code}"
         f" email=staff.{fac.code}@example.org")
    mails = sealer.outbox(fac.id)
    assert len(mails) == n + 1 and "staff" in mails[-1]["body"]
    # The TOTP secret sealed before the rotation still checks a code.
    code = totp(secret, max(step + 1, int(time.time()) // 30))
    status, _, reply, _ = login(fac.code, "boss", fac.passwords["boss"], otp=code)
    assert status == 200, reply


def test_retire_only_what_nothing_uses(fac):
    sealer = Sealer()
    r = ctl("key", "rotate", check=False)
    assert r.returncode in (0, 1), r.stderr
    _, current, _ = sealer.keys()
    old = current - 1
    assert status()[current][0] is True
    # Values damaged on purpose by other tests (exit 1 above) would hold
    # the old key forever; they are garbage, so they go first.
    for (table, col, row), v, ad in sealed_values():
        if key_id(v) != current and sealer.open(v, ad) is None:
            if table == "users":
                sql(f"UPDATE users SET {col} = NULL WHERE id = {row}")
            else:
                sql(f"DELETE FROM mail_outbox WHERE id = {row}")
    # A straggler: a value sealed under the old key after the pass.
    sealer.set_email(fac.id, "staff", f"late.{fac.code}@example.org")
    uid = sql(f"SELECT id FROM users WHERE facility_id = {fac.id} AND"
              " name = 'staff'")[0][0]
    late = sealer.seal(f"late.{fac.code}@example.org".encode(),
                       f"users.email_sealed:{uid}", kid=old)
    sql(f"UPDATE users SET email_sealed = '{late}' WHERE id = {uid}")
    assert status()[old] == (False, 1)
    key_before = open(sealer.path, "rb").read()
    r = ctl("key", "retire", old, check=False)
    assert r.returncode == 1 and "still seals 1" in r.stderr
    assert open(sealer.path, "rb").read() == key_before
    r = ctl("key", "retire", current, check=False)
    assert r.returncode == 1 and "current" in r.stderr
    assert "re-sealed 1 values" in ctl("key", "reseal").stdout
    ctl("key", "retire", old)
    assert old not in sealer.keys()[0] and old not in status()
    assert os.stat(sealer.path).st_mode & 0o777 == 0o600
    # The programs read the smaller set; the straggler's address opens.
    v = sql(f"SELECT email_sealed FROM users WHERE id = {uid}")[0][0]
    assert sealer.open(v, f"users.email_sealed:{uid}") == \
        f"late.{fac.code}@example.org".encode()
    n = len(sealer.outbox(fac.id))
    post("/api/auth", f"PASSWORD.RESET.REQUEST facility={fac.code} user=staff")
    assert len(sealer.outbox(fac.id)) == n + 1
    assert sql("SELECT COUNT(*) FROM activity_log WHERE module = 'infosysctl'"
               f" AND action = 'key.retire' AND target = '{old}'") == [["1"]]


def test_backup_carries_the_key_set(stack, tmp_path):
    ctl("backup", tmp_path / "bk")
    assert (tmp_path / "bk" / "secret.key").read_bytes() == \
        open(Sealer().path, "rb").read()
    assert b"current" in (tmp_path / "bk" / "secret.key").read_bytes()


def test_key_usage_errors(stack):
    for args in (["key"], ["key", "frob"], ["key", "retire", "x"],
                 ["key", "rotate", "--batch", "0"], ["key", "retire", "0"]):
        assert ctl(*args, check=False).returncode == 2, args
