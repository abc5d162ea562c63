"""Self-service recovery (PROTOCOL.md §4): PASSWORD.RESET.REQUEST and
PASSWORD.RESET with a one-time code, USERNAME.RECOVER, each answering the
same whether or not the account exists, mail sealed in the outbox."""
import re

import pytest

from authkit import Facility, login, post, q, remember, sql, Sealer

WRONG = remember("Not-the-password-3")


@pytest.fixture(scope="module")
def sealer(stack):
    return Sealer()


@pytest.fixture
def fac(stack, sealer):
    f = Facility()
    f.policy()
    sealer.set_email(f.id, "staff", f"Staff.{f.code}@Example.org")
    return f


def request_reset(f, user):
    return post("/api/auth", f"PASSWORD.RESET.REQUEST facility={f.code}"
                f" user={user}")


def reset(f, user, token, new, src="127.0.9.1"):
    remember(new)
    return post("/api/auth", f"PASSWORD.RESET facility={f.code} user={user}"
                f" token={q(token)} new={q(new)}", src=src)


def mailed_code(sealer, f):
    mails = [m for m in sealer.outbox(f.id) if m["kind"] == "password_reset"]
    assert mails, "no reset mail queued"
    code = re.search(r"reset code: (\S+)", mails[-1]["body"]).group(1)
    return remember(code), mails[-1]


def test_request_answers_the_same_for_everyone(fac, sealer):
    answers = [request_reset(fac, u)[::2] for u in ("staff", "boss", "ghost")]
    answers.append(post("/api/auth", "PASSWORD.RESET.REQUEST facility=NOSUCH"
                        " user=staff")[::2])
    assert all(a == (200, answers[0][1]) for a in answers), answers
    # Only the user with a recovery address gets mail.
    mails = sealer.outbox(fac.id)
    assert len(mails) == 1
    assert mails[0]["to"] == f"Staff.{fac.code}@Example.org"


def test_reset_code_works_once_and_clears_the_lock(fac, sealer):
    for _ in range(10):
        login(fac.code, "staff", WRONG, src="127.0.9.2")
    assert fac.locked("staff")
    _, _, _, before = login(fac.code, "boss", fac.passwords["boss"])
    request_reset(fac, "staff")
    code, mail = mailed_code(sealer, fac)
    assert len(code) == 43
    new = "Reset-Passphrase-" + fac.code
    status, _, reply = reset(fac, "staff", code, new)
    assert status == 200, reply
    assert not fac.locked("staff") and fac.failed_logins("staff") == 0
    assert login(fac.code, "staff", new)[0] == 200
    status, _, reply = reset(fac, "staff", code, "Another-Passphrase-1")
    assert (status, reply["error"]["code"]) == (401, "AUTH_FAILED")


def test_reset_code_expires_after_fifteen_minutes(fac, sealer):
    request_reset(fac, "staff")
    code, _ = mailed_code(sealer, fac)
    sql("UPDATE password_resets SET expires_at = expires_at - 901")
    status, _, reply = reset(fac, "staff", code, "Late-Passphrase-" + fac.code)
    assert (status, reply["error"]["code"]) == (401, "AUTH_FAILED")


def test_reset_refuses_a_weak_password_and_keeps_the_code(fac, sealer):
    request_reset(fac, "staff")
    code, _ = mailed_code(sealer, fac)
    status, _, reply = reset(fac, "staff", code, "password1234")
    assert (status, reply["error"]["code"]) == (422, "POLICY")
    assert reply["error"]["message"].startswith("common:")
    status, _, reply = reset(fac, "staff", code, "Good-Passphrase-" + fac.code)
    assert status == 200, reply


def test_reset_ends_sessions_and_only_the_newest_code_works(fac, sealer):
    _, _, _, tok = fac.login("staff")
    request_reset(fac, "staff")
    first, _ = mailed_code(sealer, fac)
    request_reset(fac, "staff")
    second, _ = mailed_code(sealer, fac)
    assert first != second
    status, _, reply = reset(fac, "staff", first, "First-Passphrase-" + fac.code)
    assert status == 401
    assert reset(fac, "staff", second, "Second-Passphrase-" + fac.code)[0] == 200
    assert post("/api/auth", "SESSION", cookie=tok)[0] == 401


def test_a_code_for_one_user_does_not_reset_another(fac, sealer):
    request_reset(fac, "staff")
    code, _ = mailed_code(sealer, fac)
    status, _, reply = reset(fac, "boss", code, "Boss-Passphrase-" + fac.code)
    assert (status, reply["error"]["code"]) == (401, "AUTH_FAILED")


def test_username_recover_mails_the_names(fac, sealer):
    sealer.set_email(fac.id, "boss", f"staff.{fac.code}@example.org")
    answers = [post("/api/auth", f"USERNAME.RECOVER facility={fac.code}"
                    f" email={e}")[::2]
               for e in (f"STAFF.{fac.code}@example.org", "nobody@example.org")]
    assert answers[0] == answers[1] and answers[0][0] == 200
    mails = [m for m in sealer.outbox(fac.id) if m["kind"] == "username"]
    assert len(mails) == 1
    assert mails[0]["to"] == f"STAFF.{fac.code}@example.org"
    assert "boss" in mails[0]["body"] and "staff" in mails[0]["body"]


def test_outbox_and_addresses_are_sealed(fac, sealer):
    request_reset(fac, "staff")
    dump = sql(f"SELECT email_sealed, email_hash FROM users WHERE"
               f" facility_id = {fac.id}") + \
        sql(f"SELECT message_sealed FROM mail_outbox WHERE facility_id ="
            f" {fac.id}")
    text = " ".join(" ".join(r) for r in dump).lower()
    assert "example.org" not in text and "reset code" not in text
