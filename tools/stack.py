#!/usr/bin/python3
"""Bring the whole Infosys stack up and down on loopback, under one directory.

    stack.py up --var DIR --port N --bin BINDIR [--demo] [--fresh]
    stack.py down --var DIR | status --var DIR | sql --var DIR

Everything a stack owns lives under DIR: db/ (MariaDB datadir), run/
(sockets, pid files), log/, nginx/ (config, temp paths), infosys.conf and
secret.key. Two stacks in two directories (make run, make test) never meet:
MariaDB has no TCP port and nginx listens only on 127.0.0.1:PORT.
"""
import argparse
import http.client
import json
import os
import pwd
import secrets
import shutil
import signal
import socket
import string
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent))
import render_nginx  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
PYTHON = "/usr/bin/python3"
# The reference responder gets as many workers as sync.fcgi, so that
# bench ratios compare like with like.
POOLS = {"auth": 2, "auth-device": 2, "portal": 3, "sync": 4, "nodb": 4}
# Pools that run another pool's program with arguments: the known-device
# sign-in lane is auth.fcgi on a socket of its own (deploy/nginx.conf.in).
POOL_PROGRAM = {"auth-device": ("auth", ["--known-device"])}
# The ordinary sign-in pool yields the CPU: under a guessing flood its
# argon2id work waits behind the known-device lane, the portal and the
# PCs' sync (deploy/infosys-auth.service sets the same Nice=).
POOL_NICE = {"auth": 5}
DB_PROGS = ("auth", "portal", "sync")
# Private nginx's workers run as nobody:nogroup (see socket_access()).
WORKER_USER, WORKER_GROUP = "nobody", "nogroup"


class StackError(Exception):
    """A part failed; log names the file whose tail explains it."""

    def __init__(self, message, log=None):
        super().__init__(message)
        self.log = log


# ---------------------------------------------------------------- paths

def layout(var):
    v = Path(var).resolve()
    return SimpleNamespace(
        var=v, db=v / "db", run=v / "run", log=v / "log", nginx=v / "nginx",
        conf=v / "infosys.conf", key=v / "secret.key", app_www=v / "app-www",
        migrate_conf=v / "migrate.conf",
        creds=v / "demo-credentials",
        creds_partial=v / "demo-credentials.partial",
        my_sock=v / "run" / "mariadb.sock", my_pid=v / "run" / "mariadb.pid",
        my_err=v / "log" / "mariadb.err",
        ngx_conf=v / "nginx" / "nginx.conf", ngx_pid=v / "run" / "nginx.pid",
        ngx_err=v / "log" / "nginx-error.log")


def make_dirs(p):
    for d in (p.var, p.db, p.run, p.log, p.nginx, p.nginx / "temp"):
        d.mkdir(parents=True, exist_ok=True)


def tail(path, lines=25):
    try:
        text = Path(path).read_text(errors="replace").splitlines()
    except OSError:
        return f"({path} not readable)"
    return "\n".join(text[-lines:]) or f"({path} is empty)"


def write_private(path, text):
    """Writes a file only its owner can read; the mode is set before data."""
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.replace(tmp, path)


# ------------------------------------------------------------ processes

def running(pidfile, name):
    """The pid in pidfile if that process is alive and is `name`.

    Checking the command line keeps a stale pid file whose number was
    reused by another process from being taken for ours (or killed)."""
    try:
        pid = int(Path(pidfile).read_text().split()[0])
        cmd = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except (OSError, ValueError, IndexError):
        return None
    return pid if any(name.encode() in part for part in cmd[:2]) else None


def wait_gone(pid, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            return True
        if stat.rsplit(")", 1)[1].split()[0] == "Z":
            return True
        time.sleep(0.1)
    return False


def stop(label, pidfile, name, seconds=30):
    pid = running(pidfile, name)
    if pid is None:
        Path(pidfile).unlink(missing_ok=True)
        return
    os.kill(pid, signal.SIGTERM)
    if not wait_gone(pid, seconds):
        raise StackError(f"{label} (pid {pid}) did not stop in {seconds}s")
    Path(pidfile).unlink(missing_ok=True)
    print(f"stopped {label}")


def daemon(argv, log, env=None):
    """Starts argv in its own session with stdout/stderr appended to log."""
    with open(log, "ab") as out:
        return subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out,
                                stderr=out, env=env, start_new_session=True)


# -------------------------------------------------------------- mariadb

def db_admin():
    """The MariaDB account that unix_socket auth maps the caller to."""
    return "root" if os.geteuid() == 0 else pwd.getpwuid(os.geteuid())[0]


def mariadb_argv(p, tool="mariadb"):
    return [tool, "--no-defaults", f"--socket={p.my_sock}", "-u", db_admin()]


def mariadb_ping(p):
    r = subprocess.run(mariadb_argv(p, "mariadb-admin") + ["ping"],
                       capture_output=True)
    return r.returncode == 0


def mariadb_sql(p, sql):
    """Runs SQL as root over the socket; the text goes on stdin, so the
    passwords it may carry never show in a process list."""
    r = subprocess.run(mariadb_argv(p), input=sql, text=True,
                       capture_output=True)
    if r.returncode != 0:
        raise StackError(f"SQL setup failed: {r.stderr.strip()}")


def start_mariadb(p):
    if running(p.my_pid, "mariadbd"):
        return
    if not (p.db / "mysql").is_dir():
        # The socket file is world-connectable: root's account must
        # authenticate by the caller's Unix identity, not an empty password.
        argv = ["mariadb-install-db", "--no-defaults", f"--datadir={p.db}",
                "--auth-root-authentication-method=socket"]
        argv.append("--user=root" if os.geteuid() == 0
                    else f"--auth-root-socket-user={db_admin()}")
        r = subprocess.run(argv, capture_output=True, text=True)
        if r.returncode != 0:
            raise StackError("mariadb-install-db failed:\n" + r.stdout
                             + r.stderr)
    argv = ["mariadbd", "--no-defaults", f"--datadir={p.db}",
            f"--socket={p.my_sock}", f"--pid-file={p.my_pid}",
            "--skip-networking", f"--log-error={p.my_err}",
            "--character-set-server=utf8mb4",
            "--collation-server=utf8mb4_unicode_ci"]
    if os.geteuid() == 0:
        argv.append("--user=root")
    proc = daemon(argv, p.log / "mariadbd.out")
    deadline = time.monotonic() + 60
    while not mariadb_ping(p):
        if proc.poll() is not None or time.monotonic() > deadline:
            raise StackError("MariaDB did not start", p.my_err)
        time.sleep(0.3)
    print(f"started MariaDB (socket {p.my_sock})")


# --------------------------------------------------------- config, keys

def ensure_key(p):
    """32 random bytes for libsodium secretbox, made once: losing it makes
    every sealed e-mail address and TOTP secret unreadable."""
    if p.key.exists():
        return
    fd = os.open(p.key, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(secrets.token_bytes(32))


def app_origins(port):
    """Capacitor's defaults and the bundled pages' stand-in origin
    (nginx's *.localhost server: other.localhost is left out on purpose)."""
    return f"capacitor://localhost https://localhost http://app.localhost:{port}"


def conf_text(p, settings, port):
    text = (f"[database]\nsocket = {p.my_sock}\nname = infosys\n\n"
            f"[migrate]\nschema_dir = {REPO / 'schema'}\n\n"
            f"[security]\nkey_file = {p.key}\n\n"
            f"[health]\nauth_socket = {p.run / 'auth.sock'}\n"
            f"auth_device_socket = {p.run / 'auth-device.sock'}\n"
            f"portal_socket = {p.run / 'portal.sock'}\n"
            f"sync_socket = {p.run / 'sync.sock'}\n\n"
            f"[metrics]\ndir = {p.run}\n\n"
            f"[events]\npublish_socket = {p.run / 'events.sock'}\n\n"
            f"[app]\norigins = {app_origins(port)}\n")
    # Keys given with --set, in sections of their own after the others.
    sections = {}
    for section, key, value in settings:
        sections.setdefault(section, []).append(f"{key} = {value}")
    for section, lines in sections.items():
        text += f"\n[{section}]\n" + "\n".join(lines) + "\n"
    return text


def ensure_database(p, bindir, port, settings=()):
    """Once: the database and its accounts by `infosysctl db init` (as the
    root account, over the socket), which writes their random passwords
    into DIR/infosys.conf and DIR/migrate.conf (both mode 0600 here;
    db init keeps the mode of an existing file)."""
    if p.conf.exists():
        return
    # mariadb-install-db leaves anonymous accounts and a `test` database
    # that anyone on the box could use; a private server needs neither.
    mariadb_sql(p, f"""
DROP USER IF EXISTS ''@'localhost';
DROP USER IF EXISTS ''@'{socket.gethostname()}';
DROP DATABASE IF EXISTS test;
""")
    write_private(p.conf, conf_text(p, settings, port))
    try:
        print(ctl(p, bindir, ["db", "init", "--admin", db_admin()]).strip())
    except StackError:
        p.conf.unlink()
        raise


def ctl_env(p):
    return dict(os.environ, INFOSYS_CONF=str(p.conf))


def ctl(p, bindir, args, stdin=None):
    """Runs infosysctl against this stack; its output or a StackError."""
    exe = bindir / "infosysctl"
    if not os.access(exe, os.X_OK):
        raise StackError(f"{exe} is missing: run make first")
    r = subprocess.run([str(exe)] + args, input=stdin, text=True,
                       capture_output=True, env=ctl_env(p))
    if r.returncode != 0:
        raise StackError(f"infosysctl {' '.join(args)} failed "
                         f"(exit {r.returncode}):\n{r.stdout}{r.stderr}")
    return r.stdout


def migrate(p, bindir):
    out = ctl(p, bindir, ["migrate"]).strip()
    if out:
        print(out)


# ----------------------------------------------------------------- demo

def demo_password():
    """Strong, and passes any composition rule a facility policy can set."""
    pool = string.ascii_letters + string.digits
    while True:
        core = "".join(secrets.choice(pool) for _ in range(20))
        if (any(c.islower() for c in core) and any(c.isupper() for c in core)
                and any(c.isdigit() for c in core)):
            return core[:10] + "-" + core[10:]


def read_kv(path):
    if not path.exists():
        return {}
    return dict(line.split("=", 1) for line in path.read_text().splitlines()
                if "=" in line)


def write_kv(path, values):
    write_private(path, "".join(f"{k}={v}\n" for k, v in values.items()))


def ensure_demo(p, bindir):
    """The demo facility and its two users, made once. Progress is kept in
    a partial file so an interrupted run resumes instead of colliding with
    what it already made."""
    if p.creds.exists():
        return
    c = read_kv(p.creds_partial)
    c.setdefault("facility", "DEMO")
    if "sync_key" not in c:
        out = ctl(p, bindir, ["facility", "create", "DEMO", "Demo Clinic"])
        c["sync_key"] = out.strip().splitlines()[-1].strip()
        write_kv(p.creds_partial, c)
    for role, name, key in (("admin", "admin", "admin"),
                            ("user", "nurse", "user")):
        if f"{key}_password" in c:
            continue
        pw = demo_password()
        ctl(p, bindir, ["user", "add", "DEMO", name, "--role", role],
            stdin=pw + "\n")
        c[f"{key}_user" if key == "admin" else "user"] = name
        c[f"{key}_password"] = pw
        write_kv(p.creds_partial, c)
    order = ("facility", "admin_user", "admin_password", "user",
             "user_password", "sync_key")
    write_kv(p.creds, {k: c[k] for k in order})
    p.creds_partial.unlink()


def agent_files(p):
    return p.run / "agent.pid", p.log / "agent.log"


def start_demo_agent(p, bindir, port):
    """One `infosys-agent demo` feeding the DEMO facility live data and
    settling its commands (idempotent: a running one is kept). Its INI and
    key file are private to root; the key never appears on a command line."""
    agent = bindir / "infosys-agent"
    pidfile, log = agent_files(p)
    if not agent.exists():
        print(f"note: {agent} not built; no demo agent")
        return None
    if running(pidfile, "infosys-agent"):
        return None
    key = read_kv(p.creds)["sync_key"]
    write_private(p.var / "agent.key", key + "\n")
    commands = p.var / "agent-commands"
    commands.mkdir(exist_ok=True)
    write_private(p.var / "agent.ini",
                  "[agent]\n"
                  f"url = http://127.0.0.1:{port}\n"
                  f"key_file = {p.var / 'agent.key'}\n"
                  "pc = DEMO-PC-1\n"
                  f"commands = {commands}\n")
    proc = daemon([str(agent), "--conf", str(p.var / "agent.ini"), "demo"], log)
    pidfile.write_text(f"{proc.pid}\n")
    print(f"started demo agent (pid {proc.pid}, log {log})")
    return proc.pid


def mail_files(p):
    """(sink pid, mailer pid, log, folder) of the demo's loopback mail."""
    return (p.run / "mailsink.pid", p.run / "mailer.pid", p.log / "mail.log",
            p.var / "mail")


def start_demo_mail(p, bindir, port):
    """The local stack's mail: a loopback SMTP sink on port+1 that writes
    each message to DIR/mail/*.eml (nothing is relayed anywhere), and
    `infosysctl mail run --every 5` delivering the outbox to it. Only with
    --demo: test stacks deliver to the tests' own sinks."""
    sink_pid, mailer_pid, log, folder = mail_files(p)
    url = f"smtp://127.0.0.1:{port + 1}"
    if not running(sink_pid, "mailsink"):
        proc = daemon([PYTHON, str(REPO / "tools" / "mailsink.py"), "--dir",
                       str(folder), "--port", str(port + 1)], log)
        sink_pid.write_text(f"{proc.pid}\n")
        print(f"started mail sink on {url} (messages in {folder})")
    if not running(mailer_pid, "infosysctl"):
        proc = daemon([str(bindir / "infosysctl"), "mail", "run", "--every",
                       "5", "--smtp", url], log, env=ctl_env(p))
        mailer_pid.write_text(f"{proc.pid}\n")
        print(f"started mailer (pid {proc.pid}, log {log})")


# ---------------------------------------------------------------- pools

def socket_access():
    """spawn-fcgi options that let nginx's workers, and only them, connect.

    nginx started as root runs its workers as nobody:nogroup, which cannot
    open a root-owned 0660 socket. A 0666 socket would let any local user
    talk to the programs directly, past nginx's body limits and rate limit,
    and with any REMOTE_ADDR the throttle trusts. So as root the sockets are
    root:nogroup 0660; without root, nginx's workers run as ourselves and
    0600 is enough."""
    if os.geteuid() == 0:
        return ["-M", "0660", "-G", WORKER_GROUP]
    return ["-M", "0600"]


def pool_files(p, prog):
    return (p.run / f"{prog}.sock", p.run / f"{prog}.pid",
            p.log / f"{prog}.log")


def start_pool(p, bindir, prog, workers):
    sock, pidfile, log = pool_files(p, prog)
    program, args = POOL_PROGRAM.get(prog, (prog, []))
    exe = bindir / f"{program}.fcgi"
    if running(pidfile, "multiwatch"):
        if exe.exists() and exe.stat().st_mtime > pidfile.stat().st_mtime:
            print(f"note: {exe} is newer than its running pool; "
                  f"stop and start the stack to use it")
        return
    if not os.access(exe, os.X_OK):
        raise StackError(f"{exe} is missing: run make first")
    # -n: spawn-fcgi binds the socket and execs multiwatch in place, so the
    # pid we get is multiwatch's and stderr stays ours (its forking mode
    # closes stderr, losing the programs' logs).
    nice = POOL_NICE.get(prog)
    argv = ((["nice", "-n", str(nice)] if nice else [])
            + ["spawn-fcgi", "-n", "-s", str(sock)] + socket_access()
            + ["--", "/usr/bin/multiwatch", "-f", str(workers), "--",
               str(exe)] + args)
    proc = daemon(argv, log, env=ctl_env(p))
    pidfile.write_text(f"{proc.pid}\n")
    deadline = time.monotonic() + 5
    while not socket_answers(sock):
        if proc.poll() is not None or time.monotonic() > deadline:
            raise StackError(f"{prog} pool did not start", log)
        time.sleep(0.1)
    print(f"started {prog}.fcgi x{workers} on {sock}")


def socket_answers(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.settimeout(2)
        s.connect(str(path))
        return True
    except OSError:
        return False
    finally:
        s.close()


# ---------------------------------------------------------------- nginx

def nginx_values(p, port, auth_rate, auth_burst):
    return {
        # Without root nginx ignores this (with a warning) and its workers
        # run as ourselves, as socket_access() expects.
        "USER": f"{WORKER_USER} {WORKER_GROUP}",
        "PID": p.ngx_pid, "LOG_DIR": p.log, "TEMP_DIR": p.nginx / "temp",
        "AUTH_RATE": auth_rate, "AUTH_BURST": auth_burst,
        "LISTEN": f"127.0.0.1:{port}", "SERVER_NAME": "localhost",
        "WWW": REPO / "www", "SOCK_DIR": p.run,
        "APP_WWW": p.app_www,
        "APP_ORIGIN_MAP": render_nginx.origin_map(
            render_nginx.conf_origins(p.conf)),
    }


def build_app_bundle(p, port):
    """www/ as a wrapper bundles it, for nginx's *.localhost server."""
    subprocess.run([str(REPO / "mobile" / "copy-www.sh"), str(p.app_www),
                    f"http://127.0.0.1:{port}"], check=True,
                   stdout=subprocess.DEVNULL)


def start_nginx(p, port, auth_rate, auth_burst):
    if running(p.ngx_pid, "nginx"):
        return
    values = nginx_values(p, port, auth_rate, auth_burst)
    p.ngx_conf.write_text(render_nginx.render("local", values))
    base = ["nginx", "-c", str(p.ngx_conf), "-p", str(p.nginx),
            "-e", str(p.ngx_err)]
    r = subprocess.run(base + ["-t", "-q"], capture_output=True, text=True)
    if r.returncode != 0:
        raise StackError("nginx rejected its config:\n" + r.stderr)
    r = subprocess.run(base, capture_output=True, text=True)
    if r.returncode != 0:
        raise StackError("nginx did not start:\n" + r.stderr, p.ngx_err)
    deadline = time.monotonic() + 5
    while not running(p.ngx_pid, "nginx"):
        if time.monotonic() > deadline:
            raise StackError("nginx wrote no pid file", p.ngx_err)
        time.sleep(0.1)
    print(f"started nginx on http://127.0.0.1:{port}/")


def check_traversable(path):
    """nginx's workers (nobody) must reach www/ and DIR/run: a 0700 home
    directory above them turns every request into a 403 or 502."""
    if os.geteuid() != 0:
        return
    for d in [path] + list(path.parents):
        if not d.stat().st_mode & 0o001:
            raise StackError(f"{d} is not searchable by others, so nginx's "
                             f"workers ({WORKER_USER}) cannot reach {path}; "
                             f"chmod o+x {d} or use another --var")


def probe(port):
    """POST /api/sync PING without a key: the program's JSON 401 proves
    nginx reaches the FastCGI pools."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("POST", "/api/sync", body=b"PING", headers={
            "Content-Type": "application/x-infosys-command"})
        resp = conn.getresponse()
        body = resp.read()
    except OSError as e:
        return f"no answer ({e})"
    finally:
        conn.close()
    try:
        doc = json.loads(body)
    except ValueError:
        doc = None
    if resp.status == 401 and isinstance(doc, dict) and doc.get("ok") is False:
        return None
    return f"HTTP {resp.status}: {body[:200]!r}"


def wait_ready(p, port):
    for prog in POOLS:
        if not socket_answers(pool_files(p, prog)[0]):
            raise StackError(f"{prog} socket does not accept",
                             pool_files(p, prog)[2])
    deadline = time.monotonic() + 15
    while True:
        problem = probe(port)
        if problem is None:
            return
        if time.monotonic() > deadline:
            raise StackError("nginx -> sync.fcgi check failed: " + problem,
                             p.ngx_err)
        time.sleep(0.2)


# ------------------------------------------------------------- commands

def under_repo_var(var):
    root = (REPO / "var").resolve()
    return var == root or root in var.parents


def fresh(p):
    if not under_repo_var(p.var):
        raise StackError(f"--fresh deletes {p.var}; refused because it is "
                         f"not under {REPO / 'var'}")
    stop_all(p)
    if p.var == (REPO / "var").resolve():
        # The run stack's DIR holds other stacks (var/test): remove only
        # what belongs to this one.
        for path in (p.db, p.run, p.log, p.nginx):
            shutil.rmtree(path, ignore_errors=True)
        for path in (p.conf, p.migrate_conf, p.key, p.creds,
                     p.creds_partial):
            path.unlink(missing_ok=True)
    else:
        shutil.rmtree(p.var, ignore_errors=True)


def print_demo(p, port):
    c = read_kv(p.creds)
    if not c:
        return
    print(f"\nDemo facility on http://127.0.0.1:{port}/ "
          f"(also in {p.creds}):")
    for k, v in c.items():
        print(f"  {k:15} {v}")


def up(args):
    p = layout(args.var)
    bindir = Path(args.bin).resolve()
    if args.fresh:
        fresh(p)
    make_dirs(p)
    check_traversable(p.run)
    check_traversable(REPO / "www")
    ensure_key(p)
    start_mariadb(p)
    ensure_database(p, bindir, args.port, args.set)
    migrate(p, bindir)
    if args.demo:
        ensure_demo(p, bindir)
    for prog, workers in args.workers.items():
        start_pool(p, bindir, prog, workers)
    build_app_bundle(p, args.port)
    start_nginx(p, args.port, args.auth_rate, args.auth_burst)
    wait_ready(p, args.port)
    if args.demo:
        start_demo_agent(p, bindir, args.port)
        start_demo_mail(p, bindir, args.port)
        print_demo(p, args.port)
    print(f"stack up: http://127.0.0.1:{args.port}/  (logs in {p.log})")
    return 0


def stop_all(p):
    stop("demo agent", agent_files(p)[0], "infosys-agent", 15)
    stop("mailer", mail_files(p)[1], "infosysctl", 15)
    stop("mail sink", mail_files(p)[0], "mailsink", 15)
    stop("nginx", p.ngx_pid, "nginx", 15)
    for prog in POOLS:
        sock, pidfile, _ = pool_files(p, prog)
        # multiwatch passes TERM to its workers and waits for them.
        stop(f"{prog} pool", pidfile, "multiwatch", 15)
        sock.unlink(missing_ok=True)
    stop("MariaDB", p.my_pid, "mariadbd", 60)


def down(args):
    stop_all(layout(args.var))
    return 0


def status(args):
    p = layout(args.var)
    parts = [("MariaDB", p.my_pid, "mariadbd")]
    parts += [(f"{prog}.fcgi", pool_files(p, prog)[1], "multiwatch")
              for prog in POOLS]
    parts.append(("nginx", p.ngx_pid, "nginx"))
    parts.append(("demo agent", agent_files(p)[0], "infosys-agent"))
    parts += [("mail sink", mail_files(p)[0], "mailsink"),
              ("mailer", mail_files(p)[1], "infosysctl")]
    for label, pidfile, name in parts:
        pid = running(pidfile, name)
        print(f"{label:12} " + (f"running (pid {pid})" if pid else "stopped"))
    return 0


def sql(args):
    p = layout(args.var)
    if not running(p.my_pid, "mariadbd"):
        raise StackError(f"MariaDB of {p.var} is not running")
    argv = mariadb_argv(p) + ["infosys"]
    os.execvp(argv[0], argv)


def parse_workers(text):
    counts = dict(POOLS)
    for item in filter(None, text.split(",")):
        name, _, n = item.partition("=")
        if name not in counts or not n.isdigit() or int(n) < 1:
            raise argparse.ArgumentTypeError(f"bad worker count {item!r}")
        counts[name] = int(n)
    return counts


def parse_setting(text):
    name, eq, value = text.partition("=")
    section, dot, key = name.partition(".")
    if not (eq and dot and section.isidentifier() and key.isidentifier()
            and "\n" not in value):
        raise argparse.ArgumentTypeError(f"bad setting {text!r}")
    return section, key, value.strip()


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    u = sub.add_parser("up", help="start every part (idempotent)")
    u.add_argument("--var", required=True)
    u.add_argument("--port", type=int, required=True)
    u.add_argument("--bin", required=True)
    u.add_argument("--demo", action="store_true")
    u.add_argument("--fresh", action="store_true")
    u.add_argument("--workers", type=parse_workers, default=dict(POOLS),
                   help="e.g. auth=2,portal=3,sync=4,nodb=4")
    u.add_argument("--auth-rate", default="10r/s",
                   help="nginx limit_req rate on /api/auth")
    u.add_argument("--auth-burst", default="20")
    u.add_argument("--set", type=parse_setting, action="append", default=[],
                   metavar="SECTION.KEY=VALUE",
                   help="a configuration value, written when DIR is new")
    for name in ("down", "status", "sql"):
        sub.add_parser(name).add_argument("--var", required=True)
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    commands = {"up": up, "down": down, "status": status, "sql": sql}
    try:
        return commands[args.cmd](args)
    except StackError as e:
        print(f"stack: {e}", file=sys.stderr)
        if e.log:
            print(f"--- last lines of {e.log}:\n{tail(e.log)}",
                  file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
