#!/usr/bin/python3
"""A loopback SMTP sink: the local stack's mail server and the tests'.

As a program (`tools/stack.py up --demo` runs it): listens on 127.0.0.1
and writes each message it is sent to DIR/<n>.eml, so that reset codes and
error reports of the demo facility can be read there. As a class
(SmtpSink), the tests keep messages in memory and can make it refuse some,
for the mailer's retries. It never relays anything anywhere."""
import argparse
import socketserver
import threading
from pathlib import Path


def make_handler(deliver, refuse):
    """A connection handler that calls deliver(envelope) for each message
    unless refuse() says to answer 451."""

    class Handler(socketserver.StreamRequestHandler):
        def reply(self, line):
            self.wfile.write(line.encode() + b"\r\n")

        def data(self):
            lines = []
            while True:
                d = self.rfile.readline().decode(errors="replace")
                if d in ("", ".\r\n"):
                    return "".join(lines)
                lines.append(d)

        def handle(self):
            self.reply("220 sink ESMTP")
            env = {"rcpt": []}
            while True:
                line = self.rfile.readline().decode(errors="replace")
                if not line:
                    return
                verb = line[:4].upper()
                if verb in ("EHLO", "HELO"):
                    self.reply("250 sink")
                elif verb == "MAIL":
                    env = {"from": line.strip()[10:], "rcpt": []}
                    self.reply("250 ok")
                elif verb == "RCPT":
                    env["rcpt"].append(line.strip()[8:])
                    self.reply("250 ok")
                elif verb == "DATA":
                    self.reply("354 go on")
                    env["data"] = self.data()
                    if refuse():
                        self.reply("451 try again later")
                    else:
                        deliver(dict(env))
                        self.reply("250 queued")
                elif verb == "QUIT":
                    self.reply("221 bye")
                    return
                else:
                    self.reply("250 ok")

    return Handler


class SmtpSink:
    """Keeps what it is sent (envelope and data) in .messages; fail_next
    makes it refuse that many messages with a 451."""

    def __init__(self, port=0):
        self.messages, self.fail_next = [], 0
        self.server = socketserver.ThreadingTCPServer(
            ("127.0.0.1", port), make_handler(self.messages.append,
                                              self._refuse))
        self.server.daemon_threads = True
        self.url = f"smtp://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def _refuse(self):
        if self.fail_next > 0:
            self.fail_next -= 1
            return True
        return False

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dir", required=True, help="where .eml files go")
    ap.add_argument("--port", type=int, required=True,
                    help="0: any free port, printed on the first line")
    args = ap.parse_args()
    out = Path(args.dir)
    out.mkdir(parents=True, exist_ok=True)
    lock = threading.Lock()

    def deliver(env):
        with lock:
            n = len(list(out.glob("*.eml"))) + 1
            head = f"X-Envelope-From: {env['from']}\r\n" + "".join(
                f"X-Envelope-To: {r}\r\n" for r in env["rcpt"])
            (out / f"{n:06d}.eml").write_text(head + env["data"])

    server = socketserver.ThreadingTCPServer(
        ("127.0.0.1", args.port), make_handler(deliver, lambda: False))
    server.daemon_threads = True
    # First line out: the URL, with the port the system chose for --port 0.
    print(f"smtp://127.0.0.1:{server.server_address[1]} -> {out}", flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
