#!/usr/bin/python3
"""A Galera cluster of the Infosys stack on one machine, on loopback.

    cluster.py up --var DIR --port N --bin BINDIR [--demo] [--fresh]
    cluster.py down --var DIR | status --var DIR
    cluster.py kill-db --var DIR --node I | start-db --var DIR --node I
    cluster.py kill-app --var DIR --node I

Three mariadbd nodes with wsrep_on (db1 bootstraps, db2 and db3 join by
rsync SST), two application nodes (app1, app2: each its own FastCGI
pools and nginx, on ports N+1 and N+2) and a load balancer (an nginx
upstream) on port N in front of both. app1's programs prefer db1, app2's
db2; each lists all three, so they fail over. Everything binds 127.0.0.1:
group communication, IST and SST on GALERA_BASE+1.. (see ports()).

The parts are those of tools/stack.py, reused: an application node is a
stack.py layout whose database is the cluster.
"""
import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent))
import stack  # noqa: E402
from stack import StackError  # noqa: E402

NODES = (1, 2, 3)
APPS = (1, 2)
PROVIDER = "/usr/lib/galera/libgalera_smm.so"
# As root the nodes run as Debian's mysql account: rsync SST runs an rsync
# daemon as the server's user, and a root one writes as nobody.
DB_USER = "mysql"


# ---------------------------------------------------------------- paths

def ports(base, i):
    """Galera ports of database node i: group communication, SQL (TCP,
    for operators and host-list failover), IST, SST."""
    return SimpleNamespace(gcomm=base + i, sql=base + 10 + i,
                           ist=base + 20 + i, sst=base + 30 + i)


def db_node(var, i):
    d = Path(var).resolve() / f"db{i}"
    return SimpleNamespace(
        i=i, dir=d, db=d / "data", my_sock=d / "mariadb.sock",
        my_pid=d / "mariadb.pid", my_err=d / "mariadb.err",
        out=d / "mariadbd.out", grastate=d / "data" / "grastate.dat",
        tmp=d / "tmp")


def app_node(var, i):
    """A stack.py layout under DIR/appI sharing the cluster's key."""
    p = stack.layout(Path(var) / f"app{i}")
    p.key = Path(var).resolve() / "secret.key"
    return p


def main_layout(var, galera_base):
    """The cluster's own layout: DIR/infosys.conf (all three sockets),
    demo credentials, the demo agent; SQL setup goes to db1."""
    p = stack.layout(var)
    p.my_sock = db_node(var, 1).my_sock
    p.galera_base = galera_base
    p.lb_conf = p.nginx / "lb.conf"
    p.lb_pid = p.run / "lb.pid"
    p.lb_err = p.log / "lb-error.log"
    return p


def save_settings(p, port, galera_base):
    stack.write_kv(p.var / "cluster.ini",
                   {"port": port, "galera_base": galera_base})


def load_settings(var):
    kv = stack.read_kv(Path(var).resolve() / "cluster.ini")
    if not kv:
        raise StackError(f"no cluster in {var} (cluster.ini missing)")
    return int(kv["port"]), int(kv["galera_base"])


# ------------------------------------------------------------- database

def mariadbd_argv(n, base, bootstrap=False):
    pt = ports(base, n.i)
    peers = ",".join(f"127.0.0.1:{ports(base, j).gcomm}" for j in NODES)
    argv = ["mariadbd", "--no-defaults", f"--datadir={n.db}",
            f"--socket={n.my_sock}", f"--pid-file={n.my_pid}",
            f"--log-error={n.my_err}", f"--port={pt.sql}",
            # Its own temporary files: a shared /tmp being cleaned under
            # it has failed a start.
            f"--tmpdir={n.tmp}",
            "--bind-address=127.0.0.1",
            "--character-set-server=utf8mb4",
            "--collation-server=utf8mb4_unicode_ci",
            "--innodb-buffer-pool-size=64M",
            # Galera's requirements: row events, interleaved auto-increment.
            "--binlog-format=ROW", "--innodb-autoinc-lock-mode=2",
            "--default-storage-engine=InnoDB",
            "--wsrep-on=ON", f"--wsrep-provider={PROVIDER}",
            "--wsrep-cluster-name=infosys",
            f"--wsrep-cluster-address=gcomm://{peers}",
            f"--wsrep-node-name=db{n.i}",
            f"--wsrep-node-address=127.0.0.1:{pt.gcomm}",
            f"--wsrep-node-incoming-address=127.0.0.1:{pt.sql}",
            "--wsrep-sst-method=rsync",
            f"--wsrep-sst-receive-address=127.0.0.1:{pt.sst}",
            "--wsrep-provider-options="
            f"gmcast.listen_addr=tcp://127.0.0.1:{pt.gcomm};"
            f"ist.recv_addr=127.0.0.1:{pt.ist};gcache.size=128M"]
    if os.geteuid() == 0:
        argv.append(f"--user={DB_USER}")
    if bootstrap:
        argv.append("--wsrep-new-cluster")
    return argv


def grastate(n):
    try:
        text = n.grastate.read_text()
    except OSError:
        return {}
    return dict(re.findall(r"^(\w+):\s*(\S+)", text, re.M))


def recover_position(n, base):
    """After a crash grastate.dat says seqno -1: the node's last committed
    writeset is read from InnoDB (--wsrep-recover), so it rejoins by IST
    instead of a full SST."""
    if grastate(n).get("seqno", "-1") != "-1" or not (n.db / "mysql").is_dir():
        return []
    log = n.dir / "recover.err"
    log.unlink(missing_ok=True)
    argv = [a for a in mariadbd_argv(n, base) if not a.startswith("--log-error")]
    subprocess.run(argv + ["--wsrep-recover", f"--log-error={log}"],
                   capture_output=True, timeout=300)
    m = re.search(r"Recovered position:\s*(\S+:-?\d+)",
                  log.read_text(errors="replace") if log.exists() else "")
    return [f"--wsrep-start-position={m.group(1)}"] if m else []


def node_state(n):
    """wsrep_local_state_comment of a running node, or None."""
    r = subprocess.run(stack.mariadb_argv(n) + [
        "-N", "-B", "-e", "SHOW STATUS LIKE 'wsrep_local_state_comment'"],
        capture_output=True, text=True, timeout=10)
    if r.returncode != 0 or not r.stdout.strip():
        return None
    return r.stdout.split()[-1]


def own_dirs(n):
    """The node's directory belongs to the account mariadbd runs as."""
    n.db.mkdir(parents=True, exist_ok=True)
    n.tmp.mkdir(exist_ok=True)
    if os.geteuid() == 0:
        for path in [n.dir] + list(n.dir.rglob("*")):
            shutil.chown(path, DB_USER, DB_USER)


def start_db(n, base, bootstrap=False, timeout=300):
    if stack.running(n.my_pid, "mariadbd"):
        return
    own_dirs(n)
    if bootstrap and not (n.db / "mysql").is_dir():
        argv = ["mariadb-install-db", "--no-defaults", f"--datadir={n.db}",
                f"--tmpdir={n.tmp}",
                "--auth-root-authentication-method=socket"]
        argv.append(f"--user={DB_USER}" if os.geteuid() == 0
                    else f"--auth-root-socket-user={stack.db_admin()}")
        r = subprocess.run(argv, capture_output=True, text=True)
        if r.returncode != 0:
            raise StackError("mariadb-install-db failed:\n" + r.stdout
                             + r.stderr)
        own_dirs(n)
    argv = mariadbd_argv(n, base, bootstrap) + recover_position(n, base)
    proc = stack.daemon(argv, n.out)
    deadline = time.monotonic() + timeout
    while node_state(n) != "Synced":
        if proc.poll() is not None or time.monotonic() > deadline:
            raise StackError(f"database node db{n.i} did not reach Synced",
                             n.my_err)
        time.sleep(0.5)
    how = "bootstrapped" if bootstrap else "joined"
    print(f"started db{n.i} ({how}, socket {n.my_sock})")


def bootstrap_node(var):
    """The node to bootstrap when none runs: the one Galera marked safe
    (the last to stop), else db1 on a new cluster. A cluster that crashed
    whole has no safe node: the operator must choose (README)."""
    nodes = [db_node(var, i) for i in NODES]
    if not (nodes[0].db / "mysql").is_dir():
        return nodes[0]
    for n in nodes:
        if grastate(n).get("safe_to_bootstrap") == "1":
            return n
    raise StackError("no database node is marked safe_to_bootstrap; see "
                     "README 'Scaling out' to choose the most advanced one")


def start_dbs(var, base):
    nodes = [db_node(var, i) for i in NODES]
    if not any(stack.running(n.my_pid, "mariadbd") for n in nodes):
        first = bootstrap_node(var)
        start_db(first, base, bootstrap=True)
    for n in nodes:
        start_db(n, base)


# ----------------------------------------------------------- app nodes

def app_conf_text(main_conf, sockets):
    """The cluster's configuration with this node's socket order, and
    wsrep_sync_wait so that reads see writes made through other nodes."""
    text = re.sub(r"^socket = .*$", "socket = " + ", ".join(sockets),
                  main_conf, count=1, flags=re.M)
    return text.replace("[database]\n", "[database]\nsync_wait = 3\n", 1)


def sockets_from(var, first):
    order = [first] + [j for j in NODES if j != first]
    return [str(db_node(var, j).my_sock) for j in order]


def write_confs(p):
    main = p.conf.read_text()
    stack.write_private(p.conf, app_conf_text(main, sockets_from(p.var, 1)))
    for i in APPS:
        a = app_node(p.var, i)
        stack.make_dirs(a)
        stack.write_private(a.conf, app_conf_text(p.conf.read_text(),
                                                  sockets_from(p.var, i)))


def start_app(var, i, bindir, port, workers):
    a = app_node(var, i)
    for prog, n in workers.items():
        stack.start_pool(a, bindir, prog, n)
    stack.start_nginx(a, port, "10r/s", "20")
    stack.wait_ready(a, port)


def stop_app(var, i):
    a = app_node(var, i)
    stack.stop(f"app{i} nginx", a.ngx_pid, "nginx", 15)
    for prog in stack.POOLS:
        sock, pidfile, _ = stack.pool_files(a, prog)
        stack.stop(f"app{i} {prog} pool", pidfile, "multiwatch", 15)
        sock.unlink(missing_ok=True)


def children(pid):
    out = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                if int((d / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    out.append(int(d.name))
            except (OSError, ValueError, IndexError):
                pass
    return out


def kill_tree(pid):
    """SIGKILL pid and every descendant: an application node that dies
    whole, as a crashed host would. The parent goes first, so that a
    master (nginx, multiwatch) cannot replace a killed child."""
    kids = children(pid)
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    for c in kids:
        kill_tree(c)


# ------------------------------------------------------- load balancer

LB_CONF = """\
worker_processes 1;
pid {pid};
error_log {err} warn;
{user}
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    client_max_body_size 16m;
    # A node that refuses connections is skipped for fail_timeout; a
    # request that never reached it goes to the other node. One already
    # sent is not sent twice (it may have changed data).
    upstream infosys_app {{
        server 127.0.0.1:{app1} max_fails=1 fail_timeout=5s;
        server 127.0.0.1:{app2} max_fails=1 fail_timeout=5s;
        keepalive 16;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://infosys_app;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_next_upstream error timeout;
            proxy_next_upstream_tries 2;
            proxy_connect_timeout 2s;
            proxy_read_timeout 120s;
            proxy_buffering off;
        }}
    }}
}}
"""


def start_lb(p, port):
    if stack.running(p.lb_pid, "nginx"):
        return
    user = (f"user {stack.WORKER_USER} {stack.WORKER_GROUP};"
            if os.geteuid() == 0 else "")
    p.lb_conf.write_text(LB_CONF.format(
        pid=p.lb_pid, err=p.lb_err, user=user, temp=p.nginx / "temp",
        port=port, app1=port + 1, app2=port + 2))
    base = ["nginx", "-c", str(p.lb_conf), "-p", str(p.nginx),
            "-e", str(p.lb_err)]
    r = subprocess.run(base, capture_output=True, text=True)
    if r.returncode != 0:
        raise StackError("load balancer did not start:\n" + r.stderr,
                         p.lb_err)
    deadline = time.monotonic() + 5
    while stack.probe(port) is not None:
        if time.monotonic() > deadline:
            raise StackError("load balancer does not reach the nodes",
                             p.lb_err)
        time.sleep(0.2)
    print(f"started load balancer on http://127.0.0.1:{port}/")


# ------------------------------------------------------------- commands

def fresh(p):
    if not stack.under_repo_var(p.var):
        raise StackError(f"--fresh deletes {p.var}; refused because it is "
                         f"not under {stack.REPO / 'var'}")
    if (p.var / "cluster.ini").exists():
        stop_all(p.var)
    shutil.rmtree(p.var, ignore_errors=True)


def up(args):
    p = main_layout(args.var, args.galera_base)
    bindir = Path(args.bin).resolve()
    if args.fresh:
        fresh(p)
    stack.make_dirs(p)
    save_settings(p, args.port, args.galera_base)
    stack.check_traversable(p.run)
    stack.ensure_key(p)
    start_dbs(p.var, args.galera_base)
    if not p.conf.exists():
        stack.ensure_database(p, bindir, args.port)
        write_confs(p)
    stack.migrate(p, bindir)
    if args.demo:
        stack.ensure_demo(p, bindir)
    for i in APPS:
        start_app(p.var, i, bindir, args.port + i, args.workers)
    start_lb(p, args.port)
    if args.demo:
        stack.start_demo_agent(p, bindir, args.port)
        stack.print_demo(p, args.port)
    print(f"cluster up: http://127.0.0.1:{args.port}/ (app nodes on "
          f"{args.port + 1} and {args.port + 2}; logs under {p.var})")
    return 0


def stop_all(var):
    p = main_layout(var, 0)
    stack.stop("demo agent", stack.agent_files(p)[0], "infosys-agent", 15)
    stack.stop("load balancer", p.lb_pid, "nginx", 15)
    for i in APPS:
        stop_app(var, i)
    # The last node stopped is marked safe to bootstrap the next start.
    for i in reversed(NODES):
        n = db_node(var, i)
        stack.stop(f"db{i}", n.my_pid, "mariadbd", 120)


def down(args):
    if not (Path(args.var) / "cluster.ini").exists():
        return 0
    stop_all(args.var)
    return 0


def status(args):
    port, base = load_settings(args.var)
    for i in NODES:
        n = db_node(args.var, i)
        pid = stack.running(n.my_pid, "mariadbd")
        state = node_state(n) if pid else None
        print(f"db{i}   " + (f"{state} (pid {pid})" if pid else "stopped"))
    for i in APPS:
        a = app_node(args.var, i)
        pid = stack.running(a.ngx_pid, "nginx")
        print(f"app{i}  " + (f"running on {port + i} (nginx pid {pid})"
                             if pid else "stopped"))
    pid = stack.running(main_layout(args.var, base).lb_pid, "nginx")
    print("lb     " + (f"running on {port} (pid {pid})" if pid else "stopped"))
    return 0


def kill_db(args):
    n = db_node(args.var, args.node)
    pid = stack.running(n.my_pid, "mariadbd")
    if pid:
        os.kill(pid, signal.SIGKILL)
        stack.wait_gone(pid, 30)
        print(f"killed db{args.node} (pid {pid})")
    return 0


def start_db_cmd(args):
    _, base = load_settings(args.var)
    start_db(db_node(args.var, args.node), base)
    return 0


def kill_app(args):
    a = app_node(args.var, args.node)
    for pidfile, name in [(a.ngx_pid, "nginx")] + [
            (stack.pool_files(a, prog)[1], "multiwatch")
            for prog in stack.POOLS]:
        pid = stack.running(pidfile, name)
        if pid:
            kill_tree(pid)
    print(f"killed app{args.node}")
    return 0


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    u = sub.add_parser("up", help="start every part (idempotent)")
    u.add_argument("--var", required=True)
    u.add_argument("--port", type=int, required=True,
                   help="load balancer; app nodes on PORT+1, PORT+2")
    u.add_argument("--galera-base", type=int, default=14500)
    u.add_argument("--bin", required=True)
    u.add_argument("--demo", action="store_true")
    u.add_argument("--fresh", action="store_true")
    u.add_argument("--workers", type=stack.parse_workers,
                   default=dict(stack.POOLS))
    for name in ("down", "status"):
        sub.add_parser(name).add_argument("--var", required=True)
    for name in ("kill-db", "start-db", "kill-app"):
        s = sub.add_parser(name)
        s.add_argument("--var", required=True)
        s.add_argument("--node", type=int, required=True,
                       choices=NODES if name != "kill-app" else APPS)
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    commands = {"up": up, "down": down, "status": status, "kill-db": kill_db,
                "start-db": start_db_cmd, "kill-app": kill_app}
    try:
        return commands[args.cmd](args)
    except StackError as e:
        print(f"cluster: {e}", file=sys.stderr)
        if e.log:
            print(f"--- last lines of {e.log}:\n{stack.tail(e.log)}",
                  file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
