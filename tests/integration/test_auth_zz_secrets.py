"""Runs after the other sign-in tests (file order): no password, session
token, sync key, TOTP secret or one-time code they sent may be anywhere in
the database or the stack's logs in clear."""
import re
import subprocess

from authkit import SECRETS
from conftest import _current


def database_dump():
    s = _current()
    r = subprocess.run(["mariadb-dump", "--no-defaults",
                        f"--socket={s.var / 'run' / 'mariadb.sock'}",
                        "-u", "root", "--skip-extended-insert", "infosys"],
                       capture_output=True, text=True, check=True)
    return r.stdout


def log_texts():
    s = _current()
    return {p.name: p.read_text(errors="replace")
            for p in (s.var / "log").iterdir() if p.is_file()}


def test_no_secret_in_clear_in_the_database_or_logs(stack):
    assert len(SECRETS) > 20, "the sign-in tests should have run first"
    places = {"database": database_dump(), **log_texts()}
    leaks = []
    for secret in SECRETS:
        # Six-digit codes would match any long number; look for them as
        # whole words only.
        pattern = (re.compile(r"(?<![0-9])" + secret + r"(?![0-9])")
                   if secret.isdigit() else None)
        for name, text in places.items():
            if (pattern.search(text) if pattern else secret in text):
                leaks.append((name, secret[:4] + "…"))
    assert not leaks, leaks
