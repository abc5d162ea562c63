"""docs/hipaa.md maps the Security Rule to tests by name: every test it
names must exist, and every technical safeguard must be in it."""
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "docs" / "hipaa.md"
REF = re.compile(r"`(tests/(?:integration|unit|browser)/[\w.]+)::([^`]+)`")


def references():
    return REF.findall(DOC.read_text())


def defined(path, name):
    text = (REPO / path).read_text()
    if path.endswith(".py"):
        return re.search(rf"^def {re.escape(name)}\(", text, re.M) is not None
    if path.endswith(".c"):
        return re.search(rf"^TEST\({re.escape(name)}\)", text, re.M) is not None
    # A browser test's title, as written in test('…') or test(`…`).
    return re.search(r"test\(['`]" + re.escape(name) + r"( \(\$\{size\}\))?['`]",
                     text) is not None


def test_every_test_named_in_the_hipaa_mapping_exists():
    refs = references()
    assert len(refs) >= 60, "the mapping names too few tests"
    missing = [f"{p}::{n}" for p, n in refs
               if not (REPO / p).is_file() or not defined(p, n)]
    assert missing == [], "docs/hipaa.md names tests that do not exist"


def test_the_mapping_covers_every_technical_safeguard():
    text = DOC.read_text()
    for section in ("§164.312(a)(1)", "(a)(2)(i)", "(a)(2)(ii)", "(a)(2)(iii)",
                    "(a)(2)(iv)", "§164.312(b)", "§164.312(c)(1)",
                    "§164.312(d)", "§164.312(e)(1)", "§164.308(a)(5)(ii)(C)",
                    "§164.308(a)(5)(ii)(D)", "Business associate agreement",
                    "Backups off-site", "Physical security"):
        assert section in text, section


def test_the_checker_would_notice_a_missing_test():
    assert not defined("tests/integration/test_alerts.py", "test_no_such_test")
    assert not defined("tests/unit/test_totp.c", "no_such_vector")
    assert not defined("tests/browser/portal.test.js", "no such page")
