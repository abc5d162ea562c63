"""PHI screening through nginx (PROTOCOL.md §7): every identifier of the
corpus is refused with 422 PHI_REJECTED in every free key of /api/sync and
/api/portal, before any length or type check; operational text passes; a
refused, over-long or malformed request leaves nothing of its values in
any table, log file or mail under the stack's directory; admins see how
often, never what."""
import re
import secrets
import subprocess
import time
from pathlib import Path

import pytest

from authkit import Facility, post, q
from conftest import _current, sql, sync

CORPUS = Path(__file__).resolve().parents[1] / "unit" / "phi_corpus"
# Distinctive pieces of the values refused here: some from the corpus,
# more added by the tests as they make them up.
TOKENS = ["Okonkwo", "1EG4-TE5-MK73", "Nguyen-Tran", "Wallaby"]


def ts(offset=0):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + offset))


def corpus(name):
    """The cases of a corpus file as protocol-quoted values: \\t and \\n
    stay escapes, \\uXXXX becomes the character, any other backslash (a
    Windows path) is escaped."""
    out = []
    for line in (CORPUS / name).read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        line = re.sub(r"\\u([0-9A-Fa-f]{4})", lambda m: chr(int(m.group(1), 16)), line)
        line = re.sub(r"\\(?![nt])", r"\\\\", line).replace('"', '\\"')
        out.append(f'"{line}"')
    return out


REFUSED = corpus("reject_issue.txt") + corpus("reject_typed.txt")
PASSED = corpus("pass_protocol.txt")

# Every free key of every verb that has one: text keys and made-up ids.
SYNC_KEYS = [
    "ERROR.REPORT message={v}",
    "ERROR.REPORT message=x trace={v}",
    "ERROR.REPORT message=x version={v}",
    "DEVICE.UPSERT device=F1 kind=fridge location={v}",
    "DEVICE.UPSERT device={v} kind=fridge location=Lab",
    "READING.PUSH device={v} ts=TS value=4.5",
    "QUEUE.PUSH queue={v} ts=TS length=1 wait_min=2",
    "ALARM.PUSH alarm=A1 device=F1 status=active severity=low ts=TS message={v}",
    "ALARM.PUSH alarm={v} device=F1 status=active severity=low ts=TS",
    "ALARM.PUSH alarm=A1 device={v} status=active severity=low ts=TS",
    "COMMAND.ACK id=1 status=done result={v}",
    "DAILYSYNC.REPORT date=2026-01-02 status=error errors={v}",
    "DAILYSYNC.REPORT date=2026-01-02 status=error trace={v}",
    "UPDATE.CHECK version={v}",
]
PORTAL_KEYS = [
    "MESSAGE.POST board=B1 text={v}",
    "MESSAGE.POST board={v} text=hello",
    "ALARM.ACK alarm=A1 note={v}",
    "ALARM.ACK alarm={v}",
    "READINGS device={v}",
]


@pytest.fixture(scope="module")
def fac(stack):
    f = Facility()
    f.policy()
    status, _, reply, tok = f.login("staff")
    assert status == 200, reply
    f.staff = tok
    status, _, reply, tok = f.login("boss")
    assert status == 200, reply
    f.boss = tok
    return f


def as_pc(f, body, pc="PC-1"):
    return sync(f.sync_key, body, pc)


def as_staff(f, body, who="staff"):
    status, _, reply = post("/api/portal", body, cookie=getattr(f, who))
    return status, None, reply


def refused(answer):
    status, _, reply = answer
    return status == 422 and reply["error"]["code"] == "PHI_REJECTED"


@pytest.mark.parametrize("template", SYNC_KEYS)
def test_every_identifier_refused_in_every_sync_key(fac, template):
    misses = []
    for value in REFUSED:
        body = template.replace("TS", ts()).replace("{v}", value)
        if not refused(as_pc(fac, body)):
            misses.append(value)
    assert not misses, f"{len(misses)} let through by {template}: {misses[:5]}"


@pytest.mark.parametrize("template", PORTAL_KEYS)
def test_every_identifier_refused_in_every_portal_key(fac, template):
    misses = []
    for value in REFUSED:
        if not refused(as_staff(fac, template.replace("{v}", value))):
            misses.append(value)
    assert not misses, f"{len(misses)} let through by {template}: {misses[:5]}"


def test_operational_text_passes(fac):
    refusals = []
    for value in PASSED:
        status, _, reply = as_pc(fac, f"ERROR.REPORT message=x trace={value}")
        if status != 200:
            refusals.append((value, reply))
    assert not refusals, refusals[:5]
    short = [v for v in PASSED if len(v) <= 200]
    for value in short:
        status, _, reply = as_staff(fac, f"MESSAGE.POST board=B1 text={value}")
        assert status == 200, (value, reply)


def test_screening_comes_before_the_length_check(fac):
    """A 170-character location carrying a name, an SSN and a DOB is a PHI
    refusal, not a length error that would have kept it."""
    ssn = f"{secrets.randbelow(800) + 100}-{secrets.randbelow(89) + 10}-" \
          f"{secrets.randbelow(8999) + 1000}"
    TOKENS.append(ssn)
    value = (f"Patient Ngozi Okonkwo SSN {ssn} DOB 03/04/1985 waiting in the east"
             " wing lobby next to the pharmacy counter near the vending machines"
             " on level two, bring a wheelchair")
    assert len(value) > 170
    status, _, reply = as_pc(fac, f"DEVICE.UPSERT device=F1 kind=fridge location={q(value)}")
    assert status == 422 and reply["error"]["code"] == "PHI_REJECTED", reply
    assert ssn not in reply["error"]["message"]


def test_refused_requests_keep_only_their_keys(fac):
    """Over-long, mistyped and malformed requests carrying identifiers: each
    refused, none of their values in the request log."""
    mrn = str(secrets.randbelow(9_000_000) + 1_000_000)
    phone = f"555-{secrets.randbelow(800) + 100}-{secrets.randbelow(8999) + 1000}"
    TOKENS.extend([mrn, phone])
    cases = [
        # an unknown key
        (f'PING note="Patient Ngozi Okonkwo MRN {mrn}"', 400, "BAD_COMMAND"),
        # an identifier in a number
        (f'QUEUE.PUSH queue=Q1 ts={ts()} length="call {phone}" wait_min=1',
         400, "BAD_ARGUMENT"),
        # a PHI line in a batch: nothing of the batch is kept
        (f"READING.PUSH device=F1 ts={ts()} value=4.5\n"
         f'ERROR.REPORT message="MRN {mrn} label misprinted"', 422, "PHI_REJECTED"),
        # a bidirectional control
        ('ERROR.REPORT message="fridge \u202e2 door open"', 400, "BAD_ARGUMENT"),
    ]
    for body, want_status, want_code in cases:
        status, _, reply = as_pc(fac, body)
        assert status == want_status and reply["error"]["code"] == want_code, (body, reply)
    dump = " ".join(" ".join(r) for r in sql(
        f"SELECT verb, params, code FROM request_log WHERE facility_id = {fac.id}"))
    assert mrn not in dump and phone not in dump
    assert "[withheld]" in dump


def test_a_phi_named_pc_is_refused(fac):
    mrn = str(secrets.randbelow(9_000_000) + 1_000_000)
    TOKENS.append(mrn)
    status, _, reply = as_pc(fac, "PING", pc=f"MRN-{mrn}")
    assert status == 422 and reply["error"]["code"] == "PHI_REJECTED", reply


def test_admins_see_how_often_never_what(fac):
    surname = "Wojciechowska"
    TOKENS.append(surname)
    for _ in range(2):
        assert refused(as_pc(fac, f'ERROR.REPORT message="Pt {surname} in bay 2"',
                             pc="PC-WARD2"))
    assert refused(as_staff(fac, f'MESSAGE.POST board=B1 text="Mrs {surname} waiting"'))
    status, _, reply = as_staff(fac, "AUDIT.PHI", who="boss")
    assert status == 200, reply
    rows = reply["data"]["refusals"]
    by_pc = [r for r in rows if r["pc"] == "PC-WARD2"]
    by_user = [r for r in rows if r["user"] == "staff"]
    assert sum(r["count"] for r in by_pc) == 2 and by_pc[0]["rule"] == "name"
    assert sum(r["count"] for r in by_user) >= 1
    assert surname not in str(reply)
    status, _, reply = as_staff(fac, "AUDIT.PHI", who="staff")
    assert status == 403


def test_nothing_of_a_refused_value_anywhere(fac):
    """The last test of the module: every table (a full dump), every log
    and mail file and the database's own files under the stack's directory
    are searched for the distinctive pieces of what was refused above."""
    s = _current()
    assert TOKENS, "the tests above sent nothing"
    dump = subprocess.run(
        ["mariadb-dump", "--no-defaults", f"--socket={s.var / 'run' / 'mariadb.sock'}",
         "-u", "root", "--skip-extended-insert", "infosys"],
        capture_output=True, text=True, check=True).stdout
    assert "request_log" in dump
    found = [t for t in TOKENS if t in dump]
    assert not found, f"in the database: {found}"
    for path in s.var.rglob("*"):
        if not path.is_file() or path.stat().st_size > 512 << 20:
            continue
        data = path.read_bytes()
        hits = [t for t in TOKENS if t.encode() in data]
        assert not hits, f"{path}: {hits}"
