"""PC sync, operational data (PROTOCOL.md §6, §7) through nginx: devices,
readings, queues, alarms, error reports; batches atomic and idempotent;
one facility's key sees nothing of another's; PHI refused and not logged."""
import uuid
from datetime import datetime, timedelta, timezone

import pytest

from conftest import create_facility, sql, sync


def ts(minutes_ago=0):
    t = datetime.now(timezone.utc) - timedelta(minutes=minutes_ago)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def new_code():
    return "S" + uuid.uuid4().hex[:10].upper()


@pytest.fixture(scope="module")
def fac(stack):
    code = new_code()
    return code, create_facility(code, "Sync data test")


def facility_state(stack, code):
    """Everything the sync verbs wrote for a facility, as comparable rows."""
    f = f"(SELECT id FROM facilities WHERE code = '{code}')"
    return {
        "devices": sql(f"SELECT ext_id, kind, location, unit FROM devices "
                              f"WHERE facility_id = {f} ORDER BY ext_id"),
        "readings": sql(f"SELECT d.ext_id, r.ts, r.value FROM readings r "
                               f"JOIN devices d ON d.id = r.device_id "
                               f"WHERE d.facility_id = {f} ORDER BY 1, 2"),
        "queues": sql(f"SELECT ext_id, length, wait_min, ts FROM queues "
                             f"WHERE facility_id = {f} ORDER BY ext_id"),
        "history": sql(f"SELECT q.ext_id, h.ts, h.length FROM queue_history h "
                              f"JOIN queues q ON q.id = h.queue_id "
                              f"WHERE q.facility_id = {f} ORDER BY 1, 2"),
        "alarms": sql(f"SELECT ext_id, status, severity, ts, message "
                             f"FROM alarms WHERE facility_id = {f} ORDER BY ext_id"),
    }


def test_device_reading_queue_alarm(stack, fac):
    code, key = fac
    body = "\n".join([
        'DEVICE.UPSERT device=F1 kind=fridge location="Lab, fridge 1"',
        f"READING.PUSH device=F1 ts={ts(2)} value=6.1",
        f"READING.PUSH device=F1 ts={ts(1)} value=-1.25",
        f"QUEUE.PUSH queue=LAB ts={ts(1)} length=4 wait_min=10",
        f'ALARM.PUSH alarm=A1 device=F1 status=active severity=high ts={ts(1)} '
        'message="Door open, 8.4C at 14:05"',
    ])
    status, _, reply = sync(key, body)
    assert status == 200 and reply["ok"], reply
    assert [r["verb"] for r in reply["results"]] == [
        "DEVICE.UPSERT", "READING.PUSH", "READING.PUSH", "QUEUE.PUSH",
        "ALARM.PUSH"]
    state = facility_state(stack, code)
    assert state["devices"] == [["F1", "fridge", "Lab, fridge 1", "C"]]
    assert [r[2] for r in state["readings"]] == ["6.10", "-1.25"]
    assert state["queues"][0][:3] == ["LAB", "4", "10"]
    assert state["alarms"][0][:3] == ["A1", "active", "high"]


def test_reading_retry_is_noop(fac):
    _, key = fac
    sync(key, "DEVICE.UPSERT device=F2 kind=freezer location=Store unit=C")
    line = f"READING.PUSH device=F2 ts={ts(5)} value=-18.5"
    first = sync(key, line)[2]
    again = sync(key, line.replace("-18.5", "-17"))[2]
    assert first["data"]["stored"] is True
    assert again["ok"] and again["data"]["stored"] is False


def test_unknown_device_is_not_found(fac):
    _, key = fac
    status, _, reply = sync(key, f"READING.PUSH device=NOPE ts={ts()} value=1")
    assert status == 404 and reply["error"]["code"] == "NOT_FOUND"


def test_older_alarm_state_does_not_win(stack, fac):
    code, key = fac
    sync(key, "DEVICE.UPSERT device=F3 kind=fridge location=Ward")
    new = f"ALARM.PUSH alarm=A3 device=F3 status=cleared severity=low ts={ts(1)}"
    old = f"ALARM.PUSH alarm=A3 device=F3 status=active severity=critical ts={ts(9)}"
    assert sync(key, new)[2]["ok"] and sync(key, old)[2]["ok"]
    alarms = {a[0]: a for a in facility_state(stack, code)["alarms"]}
    assert alarms["A3"][1:3] == ["cleared", "low"]


def batch(n, bad_at=None, device="B1"):
    lines = [f"DEVICE.UPSERT device={device} kind=room location=Batch"]
    start = datetime.now(timezone.utc) - timedelta(days=2)
    for i in range(1, n):
        t = (start + timedelta(minutes=i)).strftime("%Y-%m-%dT%H:%M:%SZ")
        value = "999" if i + 1 == bad_at else f"{20 + i % 7}.{i % 10}"
        lines.append(f"READING.PUSH device={device} ts={t} value={value}")
    return "\n".join(lines)


def test_batch_bad_line_keeps_nothing(stack):
    code = new_code()
    key = create_facility(code)
    status, _, reply = sync(key, batch(600, bad_at=500))
    assert status == 400 and reply["ok"] is False
    assert reply["error"]["line"] == 500
    assert facility_state(stack, code)["devices"] == []


def test_batch_failing_handler_keeps_nothing(stack):
    """A line that binds but fails when run (unknown device) rolls back
    everything before it."""
    code = new_code()
    key = create_facility(code)
    body = batch(600) + f"\nREADING.PUSH device=GHOST ts={ts()} value=1"
    status, _, reply = sync(key, body)
    assert status == 404 and reply["error"]["line"] == 601
    state = facility_state(stack, code)
    assert state["devices"] == [] and state["readings"] == []


def test_batch_retry_same_state(stack):
    code = new_code()
    key = create_facility(code)
    body = batch(600) + "\n" + "\n".join(
        f"QUEUE.PUSH queue=Q{i % 3} ts={ts(30 - i)} length={i} wait_min={i * 2}"
        for i in range(20))
    first = sync(key, body)
    state = facility_state(stack, code)
    again = sync(key, body)
    assert first[0] == 200 and again[0] == 200
    assert len(state["readings"]) == 599
    assert facility_state(stack, code) == state
    assert [r["data"]["stored"] for r in again[2]["results"][1:600]] == \
        [False] * 599


def test_other_facility_sees_nothing(stack, fac):
    code, key = fac
    other = create_facility(new_code(), "Other")
    sync(key, "DEVICE.UPSERT device=SHARED kind=fridge location=Ours")
    # The same ids under the other key are the other facility's own.
    status, _, reply = sync(other, f"READING.PUSH device=SHARED ts={ts()} value=3")
    assert status == 404
    status, _, reply = sync(other, f"ALARM.PUSH alarm=A1 device=F1 "
                                   f"status=cleared severity=low ts={ts()}")
    assert status == 404
    assert sync(other, "DEVICE.UPSERT device=SHARED kind=room location=Theirs")[0] == 200
    devices = {d[0]: d for d in facility_state(stack, code)["devices"]}
    assert devices["SHARED"][2] == "Ours"


def test_bad_key_refused(fac):
    status, _, reply = sync("A" * 43, "PING")
    assert status == 401 and reply["error"]["code"] == "AUTH_REQUIRED"


def test_error_report_stored(stack, fac):
    code, key = fac
    trace = ("Traceback: File \\\"sync.py\\\", line 214, in push\\n"
             "ECONNREFUSED 10.0.12.7:443")
    status, _, reply = sync(key, f'ERROR.REPORT message="Upload failed, 3 retries" '
                                 f'trace="{trace}" version=4.2.17-beta')
    assert status == 200 and reply["data"]["recorded"] is True
    rows = sql("SELECT kind, message, version FROM sync_log WHERE "
                      f"facility_id = (SELECT id FROM facilities WHERE code = '{code}')")
    assert ["error", "Upload failed, 3 retries", "4.2.17-beta"] in rows


@pytest.mark.parametrize("text", [
    "Patient John Smith waiting in room 3",
    "Call daughter at 555-123-4567",
    "SSN 123-45-6789 on intake form",
    "DOB 03/14/1962 on the wristband",
])
def test_phi_refused_and_not_logged(stack, fac, text):
    code, key = fac
    marker = uuid.uuid4().hex[:8]
    # The log entry is found by its PC: a refused request keeps only its
    # keys, the rule's category, and who sent it.
    status, _, reply = sync(key, f'ERROR.REPORT version=v{marker} message="{text}"',
                            pc=f"PC-{marker}")
    assert status == 422 and reply["error"]["code"] == "PHI_REJECTED", reply
    assert text not in reply["error"]["message"]
    log = sql("SELECT params, status, phi_rule FROM request_log WHERE pc_id = "
              f"'PC-{marker}'")
    assert log and log[0][1] == "422" and log[0][2] in (
        "name", "phone", "ssn", "date")
    assert text not in log[0][0] and text.split()[1] not in log[0][0]
    assert f"v{marker}" not in log[0][0]
    stored = sql("SELECT COUNT(*) FROM sync_log WHERE version = "
                        f"'v{marker}'")
    assert stored == [["0"]]


def test_phi_refusal_in_batch_keeps_nothing(stack):
    code = new_code()
    key = create_facility(code)
    body = batch(50) + ('\nALARM.PUSH alarm=X device=B1 status=active '
                        f'severity=high ts={ts()} message="pt Garcia fell"')
    status, _, reply = sync(key, body)
    assert status == 422 and reply["error"]["line"] == 51
    assert facility_state(stack, code)["readings"] == []


def test_operational_text_passes(fac):
    _, key = fac
    status, _, reply = sync(key, 'ERROR.REPORT message="Fridge 2 door left open, '
                                 '6.1C at 14:05" trace="at Poller.cs:line 142"')
    assert status == 200, reply
