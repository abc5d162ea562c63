#!/usr/bin/python3
"""Render deploy/nginx.conf.in, the one nginx template.

Two modes share it: "local" (the private stack of `make run` / `make test`,
plain HTTP on loopback) and "prod" (nginx.conf.example, TLS 1.3). The
template's own header says how its lines are marked.

    render_nginx.py --example            print nginx.conf.example
    render_nginx.py --check              exit 1 if nginx.conf.example is stale

The app channel's allowed origins come from "[app] origins =" of an
infosys.conf (the example's from deploy/infosys.conf.example).
"""
import argparse
import configparser
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TEMPLATE = REPO / "deploy" / "nginx.conf.in"
EXAMPLE = REPO / "nginx.conf.example"
MODES = ("local", "prod")

# What an operator's Debian host looks like; nginx.conf.example is exactly
# the template rendered with these.
PROD_DEFAULTS = {
    "USER": "www-data",
    "PID": "/run/nginx.pid",
    "LOG_DIR": "/var/log/nginx",
    "TEMP_DIR": "/var/lib/nginx",
    "AUTH_RATE": "10r/s",
    "AUTH_BURST": "20",
    "HTTP_LISTEN": "80",
    "HTTPS_LISTEN": "443",
    "SERVER_NAME": "infosys.example.org",
    "CERT": "/etc/ssl/infosys/fullchain.pem",
    "CERT_KEY": "/etc/ssl/infosys/privkey.pem",
    "WWW": "/usr/local/share/infosys/www",
    "SOCK_DIR": "/run/infosys",
}

EXAMPLE_CONF = REPO / "deploy" / "infosys.conf.example"

_VAR = re.compile(r"@([A-Z_]+)@")

# scheme://host[:port], lower case as browsers send it: no path, no
# wildcard, nothing nginx's config syntax could read another way.
_ORIGIN = re.compile(r"[a-z][a-z0-9+.-]*://[a-z0-9.-]+(:[0-9]{1,5})?")


def conf_origins(conf_path):
    """The [app] origins of an infosys.conf (space or comma separated)."""
    parser = configparser.ConfigParser(interpolation=None, strict=False,
                                       comment_prefixes=(";", "#"))
    parser.read(conf_path)
    text = parser.get("app", "origins", fallback="")
    return [o for o in re.split(r"[\s,]+", text) if o]


def origin_map(origins):
    """The lines of the $infosys_app_origin map: one exact,
    case-sensitive regex per allowed origin."""
    lines = []
    for origin in origins:
        if not _ORIGIN.fullmatch(origin):
            raise ValueError(f"[app] origins: {origin!r} is not an origin "
                             "(scheme://host[:port], lower case, no wildcard)")
        lines.append(f'        "~^{re.escape(origin)}$" 1;')
    return "\n".join(lines)


def _select_lines(text, mode):
    """Keeps the lines meant for mode, dropping directives and %# notes."""
    out, keep, inside = [], True, False
    for number, line in enumerate(text.splitlines(), 1):
        word = line.strip()
        if word.startswith("%#"):
            continue
        if word.startswith("%if "):
            want = word[4:].strip()
            if inside or want not in MODES:
                raise ValueError(f"template line {number}: bad {word!r}")
            inside, keep = True, want == mode
        elif word == "%end":
            if not inside:
                raise ValueError(f"template line {number}: stray %end")
            inside, keep = False, True
        elif keep:
            out.append(line)
    if inside:
        raise ValueError("template: %if without %end")
    return out


def render(mode, values, template=TEMPLATE):
    """Returns the config text; every @NAME@ in the mode must be in values."""
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}")
    lines = _select_lines(Path(template).read_text(), mode)
    missing = set()

    def sub(match):
        name = match.group(1)
        if name not in values:
            missing.add(name)
            return match.group(0)
        return str(values[name])

    text = "\n".join(_VAR.sub(sub, line) for line in lines) + "\n"
    if missing:
        raise KeyError(f"template values missing: {sorted(missing)}")
    return text


PROD_DEFAULTS["APP_ORIGIN_MAP"] = origin_map(conf_origins(EXAMPLE_CONF))


def render_example():
    return render("prod", PROD_DEFAULTS)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--example", action="store_true",
                       help="print nginx.conf.example")
    group.add_argument("--check", action="store_true",
                       help="fail if nginx.conf.example is not up to date")
    args = parser.parse_args()
    if args.example:
        sys.stdout.write(render_example())
        return 0
    if EXAMPLE.read_text() != render_example():
        print(f"{EXAMPLE.name} is stale: run "
              f"tools/render_nginx.py --example > {EXAMPLE.name}",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
