"""Reports from the PC (issue 11, item 15): the PC uploads what it produced
as a header (REPORT.PUSH) and rows (REPORT.ROW), PHI-screened and bounded;
staff list them with a period and pages (REPORT.LIST) and read them a page
of rows at a time (REPORT.GET). Another facility sees none of them."""
import time

import pytest

from authkit import Facility, post, q
from conftest import sql, sync


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


NOW = int(time.time())


def qt(value):
    """q() with tabs as the \\t escape (a raw tab is a control character)."""
    return q(value).replace("\t", "\\t")


def header(rid, rows, kind="inventory", ts=NOW - 60, extra=""):
    return (f"REPORT.PUSH report={rid} kind={kind} title={q('Stock on ' + rid)}"
            f" ts={iso(ts)} columns={qt('Item' + chr(9) + 'Lot' + chr(9) + 'Count')}"
            f" rows={rows}{extra}")


def row(rid, n, *cells):
    return f"REPORT.ROW report={rid} row={n} cells={qt(chr(9).join(cells))}"


@pytest.fixture(scope="module")
def site(stack):
    f = Facility()
    f.policy()
    status, _, reply, f.cookie = f.login("staff")
    assert status == 200, reply
    return f


def pc(f, lines):
    return sync(f.sync_key, "\n".join(lines))


def portal(f, line, cookie=None):
    status, _, reply = post("/api/portal", line, cookie=cookie or f.cookie)
    return status, reply


def test_a_report_uploaded_in_one_batch_reads_back_in_order(site):
    status, _, reply = pc(site, [header("R-1", 3), row("R-1", 1, "Gloves", "L-77", "40"),
                                 row("R-1", 2, "Syringes 5 ml", "L-12", "250"),
                                 row("R-1", 3, "Swabs", "L-3", "0")])
    assert status == 200 and reply["ok"], reply
    status, reply = portal(site, "REPORT.GET report=R-1")
    assert status == 200, reply
    d = reply["data"]
    assert d["title"] == "Stock on R-1" and d["kind"] == "inventory" and d["pc"] == "PC-1"
    assert d["columns"] == ["Item", "Lot", "Count"]
    assert d["cells"] == [["Gloves", "L-77", "40"], ["Syringes 5 ml", "L-12", "250"],
                          ["Swabs", "L-3", "0"]]
    assert d["rows"] == d["received"] == 3 and d["complete"] is True
    status, reply = portal(site, "REPORT.GET report=R-1 offset=1 limit=1")
    assert reply["data"]["cells"] == [["Syringes 5 ml", "L-12", "250"]]


def test_an_upload_over_several_batches_is_complete_when_every_row_came(site):
    assert pc(site, [header("R-2", 2), row("R-2", 1, "A", "1", "2")])[2]["ok"]
    d = portal(site, "REPORT.GET report=R-2")[1]["data"]
    assert (d["received"], d["complete"]) == (1, False)
    # A retried batch changes nothing and is no error.
    _, _, reply = pc(site, [row("R-2", 1, "A", "1", "2"), row("R-2", 2, "B", "3", "4")])
    assert reply["ok"] and [r["data"]["stored"] for r in reply["results"]] == [False, True]
    d = portal(site, "REPORT.GET report=R-2")[1]["data"]
    assert (d["received"], d["complete"]) == (2, True)


@pytest.mark.parametrize("line,status,code", [
    (row("R-1", 4, "x", "y", "z"), 400, "BAD_ARGUMENT"),          # past its rows
    (row("R-1", 1, "only", "two"), 400, "BAD_ARGUMENT"),          # cell count
    (row("NO-SUCH", 1, "x", "y", "z"), 404, "NOT_FOUND"),
    (row("R-1", 2, "Insulin for patient John Smith", "L-1", "1"), 422, "PHI_REJECTED"),
])
def test_bad_rows_are_refused_and_the_batch_keeps_nothing(site, line, status, code):
    before = portal(site, "REPORT.GET report=R-1")[1]["data"]["cells"]
    got, _, reply = pc(site, [row("R-1", 3, "Changed", "L-3", "9"), line])
    assert got == status and reply["error"]["code"] == code, reply
    assert portal(site, "REPORT.GET report=R-1")[1]["data"]["cells"] == before


def test_a_header_with_patient_data_or_too_many_columns_is_refused(site):
    got, _, reply = pc(site, [header("R-9", 1).replace("Stock on R-9", "Meds of Mrs Jones")])
    assert got == 422 and reply["error"]["code"] == "PHI_REJECTED", reply
    cols = qt(chr(9).join(f"c{i}" for i in range(51)))
    got, _, reply = pc(site, [f"REPORT.PUSH report=R-9 kind=other title=x ts={iso(NOW)}"
                              f" columns={cols} rows=1"])
    assert got == 400 and reply["error"]["code"] == "BAD_ARGUMENT", reply
    assert portal(site, "REPORT.GET report=R-9")[0] == 404


def test_the_list_pages_and_filters_by_period_and_kind(site):
    f = Facility()
    f.policy()
    status, _, reply, f.cookie = f.login("staff")
    lines = [header(f"P-{i}", 0, kind="temperature" if i % 2 else "attendance",
                    ts=NOW - 86400 * i) for i in range(5)]
    assert pc(f, lines)[2]["ok"]
    seen, before = [], ""
    for _ in range(3):
        d = portal(f, "REPORT.LIST limit=2" + before)[1]["data"]
        seen += [r["report"] for r in d["reports"]]
        if d["next"] is None:
            break
        before = f" before={d['next']}"
    assert seen == ["P-4", "P-3", "P-2", "P-1", "P-0"] and d["next"] is None
    d = portal(f, f"REPORT.LIST from={iso(NOW - 86400 * 3 - 120)} to={iso(NOW - 86400)}")[1]["data"]
    assert [r["report"] for r in d["reports"]] == ["P-3", "P-2"]
    d = portal(f, "REPORT.LIST kind=temperature")[1]["data"]
    assert [r["report"] for r in d["reports"]] == ["P-3", "P-1"]
    # Another facility sees none of it.
    assert portal(f, "REPORT.GET report=R-1")[0] == 404
    assert all(r["report"].startswith("P-") for r in portal(f, "REPORT.LIST")[1]["data"]["reports"])


def test_a_report_names_who_asked_for_it(site):
    status, reply = portal(site, "REPORT.REQUEST kind=inventory")
    assert status == 200, reply
    cmd = reply["data"]["command"]
    assert pc(site, [header("R-ASKED", 0, extra=f" command={cmd}")])[2]["ok"]
    d = portal(site, "REPORT.GET report=R-ASKED")[1]["data"]
    assert d["requested_by"] == "staff"


def test_the_demo_pc_answers_a_report_request_with_its_report(stack, tmp_path):
    """infosys-agent demo, the PC stand-in: a queued REPORT.REQUEST comes
    back as a report of that kind, uploaded before the command is done."""
    from test_agent import Agent, stop, wait_for
    a = Agent(stack, tmp_path)
    proc = a.start("demo")
    try:
        cid = a.queue("REPORT.REQUEST kind=inventory user=alice")
        assert wait_for(lambda: a.status(cid) == "done", 90)
    finally:
        stop(proc)
    rows = sql("SELECT r.kind, r.row_count, COUNT(x.n), r.command_id FROM reports r"
               " JOIN report_rows x ON x.report_id = r.id"
               f" WHERE r.facility_id = {a.fid} AND r.ext_id = 'RPT-{cid}' GROUP BY r.id")
    assert [tuple(r) for r in rows] == [("inventory", "6", "6", str(cid))]
    result = sql(f"SELECT result FROM commands WHERE id = {cid}")[0][0]
    assert result == f"Report RPT-{cid} uploaded: 6 rows"
