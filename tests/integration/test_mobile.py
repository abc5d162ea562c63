"""The reference wrapper in mobile/: the copy script bundles www/ the way
the page expects (marker, its own CSP, www/ itself untouched), and the
Capacitor config sets the marker the page looks for. Needs no stack: the
pages served from the bundle are driven in tests/browser/app.test.js."""
import json
import re
import subprocess
import tempfile
from pathlib import Path

from conftest import REPO

MOBILE = REPO / "mobile"


def bundle(dest, *extra):
    return subprocess.run([str(MOBILE / "copy-www.sh"), str(dest), *extra],
                          capture_output=True, text=True)


def test_copy_marks_the_bundle_and_gives_it_a_csp():
    with tempfile.TemporaryDirectory() as d:
        dest = Path(d) / "www"
        r = bundle(dest, "http://127.0.0.1:8080")
        assert r.returncode == 0, r.stderr
        html = (dest / "index.html").read_text()
        assert '<html lang="en" data-infosys-bundled="1">' in html
        csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"',
                        html).group(1)
        assert "connect-src 'self' https: http://127.0.0.1:8080;" in csp
        assert "script-src 'self';" in csp and "unsafe" not in csp
        # Everything else is www/ as it is.
        for f in (REPO / "www").rglob("*"):
            if f.is_file() and f.name != "index.html":
                assert (dest / f.relative_to(REPO / "www")).read_bytes() \
                    == f.read_bytes(), f
        # Again over an earlier bundle: the same result, no leftovers.
        assert bundle(dest).returncode == 0
        html = (dest / "index.html").read_text()
        assert html.count("Content-Security-Policy") == 1
        assert "127.0.0.1:8080" not in html
        assert not list(Path(d).glob("www.tmp.*"))
    assert "data-infosys-bundled" not in (REPO / "www" / "index.html").read_text()


def test_copy_refuses_to_write_over_www():
    for dest in (REPO / "www", REPO / "www" / "sub", Path("/")):
        r = bundle(dest)
        assert r.returncode != 0 and "refusing" in r.stderr, dest
    assert (REPO / "www" / "index.html").exists()


def test_capacitor_config_sets_the_marker_the_page_reads():
    conf = json.loads((MOBILE / "capacitor.config.json").read_text())
    assert conf["webDir"] == "www"
    wrapper = (REPO / "www" / "js" / "wrapper.js").read_text()
    mark = re.search(r"const UA_MARK = /(.*)/;", wrapper).group(1)
    assert re.search(mark.replace("\\/", "/"), "Mozilla/5.0 " + conf["appendUserAgent"])
    # Requests must leave from the web view, with its Origin (docs/protocol.md §4).
    assert conf["plugins"]["CapacitorHttp"]["enabled"] is False
    pkg = json.loads((MOBILE / "package.json").read_text())
    deps = {**pkg["dependencies"], **pkg["devDependencies"]}
    for name in ("@capacitor/cli", "@capacitor/core", "@capacitor/android",
                 "@capacitor/ios", "@capacitor/app",
                 "capacitor-secure-storage-plugin"):
        assert re.fullmatch(r"\d+\.\d+\.\d+", deps[name]), name
    # The plugin names the page calls through window.Capacitor.Plugins.
    assert "plugins.SecureStoragePlugin" in wrapper and "plugins.App" in wrapper


def test_pages_fit_a_phone_screen_and_need_no_hover():
    html = (REPO / "www" / "index.html").read_text()
    assert "viewport-fit=cover" in html
    css = "\n".join(f.read_text() for f in (REPO / "www" / "css").glob("*.css"))
    for side in ("top", "right", "bottom", "left"):
        assert f"env(safe-area-inset-{side})" in css, side
    # A :hover rule only inside @media (hover: hover): on a touch screen
    # nothing may depend on hovering.
    outside = re.sub(r"@media \(hover: hover\) \{[^{}]*\{[^{}]*\}\s*\}", "", css)
    assert ":hover" not in outside
