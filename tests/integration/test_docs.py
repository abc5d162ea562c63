"""The API reference is printed from the verb table; the committed copy
must be what the table says today (regenerate with `make docs`)."""
import subprocess

from conftest import REPO


def test_api_reference_is_current(stack):
    out = subprocess.run([str(stack.bin / "infosysctl"), "api-reference"],
                         capture_output=True, text=True, check=True).stdout
    committed = (REPO / "docs" / "api.md").read_text()
    assert out == committed, "docs/api.md is stale: run `make docs`"


def test_every_verb_of_the_protocol_is_documented(stack):
    text = (REPO / "docs" / "api.md").read_text()
    for verb in ("LOGIN", "LOGOUT", "SESSION", "PASSWORD.CHANGE",
                 "DASHBOARD", "READINGS", "ALARM.ACK", "COMMAND.LIST",
                 "USER.UNLOCK", "POLICY.SET", "AUDIT.LOGINS", "PING",
                 "READING.PUSH", "COMMAND.POLL", "COMMAND.ACK",
                 "DAILYSYNC.CLAIM"):
        assert f"### `{verb}`" in text, verb
