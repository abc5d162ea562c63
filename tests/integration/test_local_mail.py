"""The local stack's mail (`make run`): tools/mailsink.py as a program
writes each message to a folder, and `infosysctl mail run --every N`
delivers the outbox to it until it is stopped."""
import os
import signal
import subprocess
import time

from authkit import Facility, Sealer, post
from conftest import PYTHON, REPO


def wait_for(predicate, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_mailer_loop_delivers_to_the_sink_folder(stack, tmp_path):
    f = Facility()
    address = f"staff.{f.code.lower()}@clinic.example"
    Sealer().set_email(f.id, "staff", address)
    # The sink picks its port and says which once it listens.
    sink = subprocess.Popen([PYTHON, str(REPO / "tools" / "mailsink.py"),
                             "--dir", str(tmp_path / "mail"), "--port", "0"],
                            stdout=subprocess.PIPE, text=True)
    url = sink.stdout.readline().split()[0]
    assert url.startswith("smtp://127.0.0.1:"), url
    log = open(tmp_path / "mailer.log", "w")
    mailer = subprocess.Popen(
        [str(stack.bin / "infosysctl"), "mail", "run", "--every", "1",
         "--smtp", url],
        env=dict(os.environ, INFOSYS_CONF=str(stack.conf)),
        stdout=log, stderr=subprocess.STDOUT)
    try:
        assert post("/api/auth", f"PASSWORD.RESET.REQUEST facility={f.code}"
                    " user=staff")[0] == 200

        def delivered():
            return [m for m in (tmp_path / "mail").glob("*.eml")
                    if address in m.read_text()]
        assert wait_for(delivered, 20), \
            "no message reached the sink: " + (tmp_path / "mailer.log").read_text()
        text = delivered()[0].read_text()
        assert "reset code" in text and f"X-Envelope-To: <{address}>" in text
    finally:
        mailer.send_signal(signal.SIGTERM)
        sink.terminate()
        sink.wait(10)
        sink.stdout.close()
    # The loop ends on TERM, between rounds, with success.
    assert mailer.wait(10) == 0
    log.close()
