#!/bin/bash
# copy-www.sh — www/ as the mobile wrappers bundle it (Capacitor's webDir).
#
#   mobile/copy-www.sh [DEST [EXTRA-CONNECT-SRC...]]
#
# Copies www/ to DEST (default mobile/www), marks the copy as bundled
# (<html data-infosys-bundled="1">: the page then asks for the server
# address and uses the app channel, docs/protocol.md) and gives it its own
# Content-Security-Policy, since no nginx sends one inside the app: the
# API may be any https:// server (the address is a setting), plus the
# EXTRA sources given (the test stack adds its plain-HTTP loopback origin).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../www" && pwd)
dest=${1:-$here/www}
shift || true

case "$(realpath -m "$dest")" in
  "$src"|"$src"/*|/) echo "copy-www.sh: refusing to write to $dest" >&2; exit 2 ;;
esac

connect="'self' https:"
for extra in "$@"; do connect+=" $extra"; done
csp="default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src $connect; object-src 'none'; base-uri 'none'; form-action 'self'"

tmp="$dest.tmp.$$"
rm -rf "$tmp"
mkdir -p "$(dirname "$dest")"
cp -R "$src" "$tmp"
html="$tmp/index.html"
sed -i -e 's|^<html lang="en">$|<html lang="en" data-infosys-bundled="1">|' \
       -e "s|^<meta charset=\"utf-8\">\$|<meta charset=\"utf-8\">\n<meta http-equiv=\"Content-Security-Policy\" content=\"$csp\">|" \
       "$html"
grep -q 'data-infosys-bundled="1"' "$html" && grep -q 'Content-Security-Policy' "$html" || {
  echo "copy-www.sh: www/index.html no longer has the lines this script marks" >&2
  rm -rf "$tmp"; exit 1
}
rm -rf "$dest"
mv "$tmp" "$dest"
echo "bundled www/ into $dest"
