"""READING.PUSH in bulk (issue 10): runs of readings in a batch are stored
a chunk at a time, with the single line's semantics kept line for line:
idempotent per (device, ts) with the first value kept, `stored` true only
for new readings, the whole batch or nothing, and an unknown device
refused with its line named, whatever the batch's size."""
import uuid
from datetime import datetime, timedelta, timezone

import pytest

from conftest import create_facility, sql, sync

BASE = datetime(2024, 5, 1, tzinfo=timezone.utc)


def ts(minutes):
    return (BASE + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")


class Fac:
    def __init__(self, devices=("F1", "F2", "Z3")):
        self.code = "B" + uuid.uuid4().hex[:10].upper()
        self.key = create_facility(self.code, "Bulk test")
        self.id = sql(f"SELECT id FROM facilities WHERE code = '{self.code}'")[0][0]
        if devices:
            self.ok("\n".join(f"DEVICE.UPSERT device={d} kind=fridge location=Lab"
                              for d in devices))

    def push(self, lines):
        return sync(self.key, "\n".join(lines))

    def ok(self, body):
        status, _, reply = sync(self.key, body)
        assert status == 200 and reply["ok"], reply
        return reply

    def readings(self):
        return sql("SELECT d.ext_id, DATE_FORMAT(r.ts, '%Y-%m-%dT%H:%i:%sZ'), r.value"
                   " FROM readings r JOIN devices d ON d.id = r.device_id"
                   f" WHERE d.facility_id = {self.id} ORDER BY 1, 2")


def reading(dev, minute, value):
    return f"READING.PUSH device={dev} ts={ts(minute)} value={value}"


def stored(reply):
    return [r["data"]["stored"] for r in reply["results"]]


@pytest.fixture
def fac(stack):
    return Fac()


def test_a_full_batch_is_stored_once_and_a_retry_keeps_the_first_values(fac):
    lines = [reading(("F1", "F2", "Z3")[i % 3], i, f"{(i % 50) / 4:.2f}")
             for i in range(1000)]
    status, _, reply = fac.push(lines)
    assert status == 200 and reply["ok"], reply
    assert len(reply["results"]) == 1000 and all(stored(reply))
    assert all(r["verb"] == "READING.PUSH" for r in reply["results"])
    want = sorted([("F1", "F2", "Z3")[i % 3], ts(i), f"{(i % 50) / 4:.2f}"]
                  for i in range(1000))
    assert sorted(map(list, fac.readings())) == [list(w) for w in want]
    # The same lines with other values: nothing stored, nothing changed.
    again = [reading(("F1", "F2", "Z3")[i % 3], i, "99") for i in range(1000)]
    status, _, reply = fac.push(again)
    assert status == 200 and not any(stored(reply))
    assert sorted(map(list, fac.readings())) == [list(w) for w in want]


@pytest.mark.parametrize("n", [2, 3, 5, 17, 100, 257, 999])
def test_every_batch_size_stores_each_line_exactly_once(stack, n):
    fac = Fac()
    lines = [reading("F1" if i % 2 else "Z3", i, f"{i % 100}.5") for i in range(n)]
    reply = fac.ok("\n".join(lines))
    assert stored(reply) == [True] * n
    assert len(fac.readings()) == n
    assert sql("SELECT SUM(r.value) FROM readings r JOIN devices d ON d.id ="
               f" r.device_id WHERE d.facility_id = {fac.id}")[0][0] == \
        f"{sum(i % 100 + 0.5 for i in range(n)):.2f}"


def test_a_repeat_inside_the_batch_is_a_retry(fac):
    reply = fac.ok("\n".join([reading("F1", 0, "4.5"), reading("F2", 0, "5"),
                              reading("F1", 0, "7.25"), reading("F1", 1, "6")]))
    assert stored(reply) == [True, True, False, True]
    assert fac.readings() == [["F1", ts(0), "4.50"], ["F1", ts(1), "6.00"],
                              ["F2", ts(0), "5.00"]]


@pytest.mark.parametrize("bad_line", [1, 437, 600])
def test_unknown_device_refuses_the_batch_naming_its_line(fac, bad_line):
    lines = [reading("F1", i, "3") for i in range(600)]
    lines[bad_line - 1] = reading("NOPE-9", 0, "3")
    status, _, reply = fac.push(lines)
    assert status == 404 and not reply["ok"]
    assert reply["error"]["code"] == "NOT_FOUND"
    assert reply["error"]["line"] == bad_line
    assert "NOPE-9" in reply["error"]["message"]
    assert fac.readings() == []


def test_another_facilitys_device_is_unknown(fac):
    other = Fac(devices=("OTHER-1",))
    status, _, reply = fac.push([reading("F1", 0, "1"), reading("OTHER-1", 0, "1")])
    assert status == 404 and reply["error"]["line"] == 2
    assert fac.readings() == [] and other.readings() == []


def test_runs_keep_their_order_with_other_verbs(fac):
    reply = fac.ok("\n".join([
        reading("F1", 0, "1"), reading("F1", 1, "2"),
        "DEVICE.UPSERT device=NEW-1 kind=room location=Store",
        reading("NEW-1", 0, "20"), reading("F1", 0, "3"),
        f"QUEUE.PUSH queue=lab ts={ts(0)} length=3 wait_min=10",
        reading("NEW-1", 1, "21")]))
    assert [r["verb"] for r in reply["results"]] == [
        "READING.PUSH", "READING.PUSH", "DEVICE.UPSERT", "READING.PUSH",
        "READING.PUSH", "QUEUE.PUSH", "READING.PUSH"]
    assert [r["data"].get("stored") for r in reply["results"]] == [
        True, True, None, True, False, None, True]
    assert fac.readings() == [["F1", ts(0), "1.00"], ["F1", ts(1), "2.00"],
                              ["NEW-1", ts(0), "20.00"], ["NEW-1", ts(1), "21.00"]]


def test_a_bad_line_after_the_readings_keeps_none_of_them(fac):
    lines = [reading("F1", i, "3") for i in range(300)]
    lines.append("ALARM.PUSH alarm=A1 device=GONE status=active severity=low"
                 f" ts={ts(0)}")
    status, _, reply = fac.push(lines)
    assert status == 404 and reply["error"]["line"] == 301
    assert fac.readings() == []


def test_device_ids_of_every_length_in_one_chunk(stack):
    """A longer id after a shorter one in the same statement (the demo PC's
    FRIDGE-PHARM-1 then FREEZER-PHARM-1) is still found: the chunk's first
    row must not set the width of the others."""
    devices = ("F1", "FRIDGE-PHARM-1", "FREEZER-PHARM-1", "X" * 64)
    fac = Fac(devices)
    lines = [reading(devices[i % 4], i, "4.5") for i in range(40)]
    reply = fac.ok("\n".join(lines))
    assert stored(reply) == [True] * 40
    assert sorted({r[0] for r in fac.readings()}) == sorted(devices)


# ------------------------------------------------------------ QUEUE.PUSH

def queue(q, minute, length, wait):
    return f"QUEUE.PUSH queue={q} ts={ts(minute)} length={length} wait_min={wait}"


def queues(f):
    return sql("SELECT ext_id, length, wait_min, DATE_FORMAT(ts, '%Y-%m-%dT%H:%i:%sZ')"
               f" FROM queues WHERE facility_id = {f.id} ORDER BY 1")


def queue_history(f):
    return sql("SELECT q.ext_id, DATE_FORMAT(h.ts, '%Y-%m-%dT%H:%i:%sZ'), h.length, h.wait_min"
               " FROM queue_history h JOIN queues q ON q.id = h.queue_id"
               f" WHERE q.facility_id = {f.id} ORDER BY 1, 2")


@pytest.mark.parametrize("n", [2, 5, 70, 300])
def test_queue_states_in_bulk_end_as_line_by_line(stack, n):
    """Out of order, repeated and interleaved queue states: a batch ends
    with the same current state and history as the lines sent one by one."""
    lines = [queue(("Triage", "Lab-2", "X")[i % 3], (i * 7) % n, i % 40, i % 90)
             for i in range(n)]
    lines.append(lines[0])
    bulk, single = Fac(devices=()), Fac(devices=())
    reply = bulk.ok("\n".join(lines))
    assert [r["data"]["queue"] for r in reply["results"]] == [ln.split()[1][6:] for ln in lines]
    for line in lines:
        single.ok(line)
    assert queues(bulk) == queues(single) and queue_history(bulk) == queue_history(single)
    assert len(queue_history(bulk)) == len({(ln.split()[1], ln.split()[2]) for ln in lines})


def test_queue_states_are_kept_only_with_the_whole_batch(fac):
    status, _, reply = fac.push([queue("Triage", 1, 3, 10), queue("Lab", 2, 4, 5),
                                 reading("NOPE", 3, "4.00")])
    assert status == 404 and reply["error"]["line"] == 3, reply
    assert queues(fac) == [] and queue_history(fac) == []
