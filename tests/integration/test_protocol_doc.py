"""docs/protocol.md, the written contract, keeps up with the code: every
error code the programs can answer, every CORS header nginx sends on the
app channel, and every request header the programs read are described."""
import re

from conftest import REPO

DOC = (REPO / "docs" / "protocol.md").read_text()


def test_every_error_code_is_described():
    err_c = (REPO / "src" / "core" / "err.c").read_text()
    codes = set(re.findall(r'\] = \{ "([A-Z_]+)", \d+ \}', err_c)) - {"OK"}
    assert len(codes) >= 19
    missing = sorted(c for c in codes if f"`{c}`" not in DOC)
    assert missing == [], missing


def test_every_cors_header_of_the_template_is_described():
    template = (REPO / "deploy" / "nginx.conf.in").read_text()
    headers = set(re.findall(r"add_header (Access-Control-[A-Za-z-]+)", template))
    assert "Access-Control-Allow-Origin" in headers
    missing = sorted(h for h in headers | {"Vary: Origin"} if h not in DOC)
    assert missing == [], missing


def test_request_headers_the_programs_read_are_described():
    server_c = (REPO / "src" / "http" / "server.c").read_text()
    read = set(re.findall(r'"HTTP_([A-Z_]+)"', server_c)) - {"USER_AGENT"}
    assert {"COOKIE", "AUTHORIZATION", "ORIGIN"} <= read
    for name in read:
        words = name.replace("_", "-").lower()
        assert words in DOC.lower(), name
