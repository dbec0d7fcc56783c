#!/usr/bin/env bash
# The TLS module (lib/dualhttpd/tls.so): OpenSSL is mapped only when something speaks TLS. A
# server with plain listeners only maps neither the module nor libssl and libcrypto (linked
# with them, it held 2 MiB more); one with a TLS listener maps them. The installed layout
# (PREFIX/sbin/dualhttpd, PREFIX/lib/dualhttpd/tls.so) finds its module; a missing one is told
# in words, with the fix, by the server and by probe, and plain listeners do not need it.
source "$(dirname "$0")/lib.sh"

MODULE=${DUALHTTPD_TLS_MODULE:?the TLS module built beside DUALHTTPD}
ROOT=$(make_docroot)

# The libraries a process has mapped, one path per line.
mapped() { awk 'NF >= 6 { print $6 }' "/proc/$1/maps" | sort -u; }

echo "--- the program does not link OpenSSL; the module does"
expect_eq "dualhttpd needs no libssl or libcrypto" "" \
  "$(readelf -d "$DUALHTTPD" | grep -E 'NEEDED.*(libssl|libcrypto)' || true)"
expect_contains "tls.so needs libssl" "[libssl.so.3]" "$(readelf -d "$MODULE")"
expect_eq "tls.so exports its entry point only" "dualhttpd_tls_module" \
  "$(nm -D --defined-only "$MODULE" | awk '{ print $3 }')"

echo "--- plain listeners only: no OpenSSL in memory"
P=$(free_port)
start_server "$WORK/plain.log" --root "$ROOT" --listen "[::1]:$P" --listen "127.0.0.1:$P" ||
  { cat "$WORK/plain.log"; exit 1; }
expect_eq "serves" "hello, world" "$(curl -sS -g "http://[::1]:$P/hello.txt")"
MAPS=$(mapped "$SERVER_PID")
expect_not_contains "libssl is not mapped" "libssl.so" "$MAPS"
expect_not_contains "libcrypto is not mapped" "libcrypto.so" "$MAPS"
expect_not_contains "the module is not mapped" "tls.so" "$MAPS"
stop_server "$SERVER_PID"

echo "--- a TLS listener: the module, and OpenSSL with it"
T=$(free_port)
start_server "$WORK/tls.log" --root "$ROOT" --listen "[::1]:$T https" --listen "[::1]:$P" \
  --tls-self-signed --state-dir "$WORK/state" || { cat "$WORK/tls.log"; exit 1; }
expect_eq "serves over TLS" "hello, world" \
  "$(curl -sS -g --cacert "$WORK/state/ca.pem" "https://[::1]:$T/hello.txt")"
MAPS=$(mapped "$SERVER_PID")
expect_contains "the module is mapped" "$MODULE" "$MAPS"
expect_contains "libssl is mapped" "libssl.so.3" "$MAPS"
stop_server "$SERVER_PID"
expect_eq "stops cleanly" "0" "$STOP_STATUS"

echo "--- the installed layout: PREFIX/sbin/dualhttpd finds PREFIX/lib/dualhttpd/tls.so"
mkdir -p "$WORK/usr/sbin" "$WORK/usr/lib/dualhttpd" "$WORK/bare/sbin"
cp "$DUALHTTPD" "$WORK/usr/sbin/dualhttpd"
cp "$MODULE" "$WORK/usr/lib/dualhttpd/tls.so"
cp "$DUALHTTPD" "$WORK/bare/sbin/dualhttpd"
INSTALLED=(--config none --root "$ROOT" --state-dir "$WORK/state" --tls-self-signed)
DUALHTTPD=$WORK/usr/sbin/dualhttpd start_server "$WORK/installed.log" "${INSTALLED[@]}" \
  --listen "[::1]:$T https" || { cat "$WORK/installed.log"; exit 1; }
expect_eq "an installed copy serves over TLS" "hello, world" \
  "$(curl -sS -g --cacert "$WORK/state/ca.pem" "https://[::1]:$T/hello.txt")"
expect_contains "with the module beside it" "$WORK/usr/lib/dualhttpd/tls.so" \
  "$(mapped "$SERVER_PID")"
DUALHTTPD=$WORK/usr/sbin/dualhttpd run_capture probe --cacert "$WORK/state/ca.pem" \
  "https://[::1]:$T/"
expect_eq "its probe verifies the certificate" "0" "$STATUS"
expect_contains "and reports TLS" "tls:   TLSv1.3" "$OUT"
DUALHTTPD=$WORK/bare/sbin/dualhttpd run_capture probe "https://[::1]:$T/"
expect_eq "without its module, probe https:// fails" "1" "$((STATUS != 0))"
expect_contains "and names the module" \
  "cannot load the TLS module $WORK/bare/lib/dualhttpd/tls.so" "$OUT$ERR"
stop_server "$SERVER_PID"

echo "--- no module: said with the path, the reason and the fix"
STATUS=0
timeout 10 "$WORK/bare/sbin/dualhttpd" "${INSTALLED[@]}" --listen "[::1]:$T https" \
  >"$WORK/run.out" 2>"$WORK/run.err" || STATUS=$?
ERR=$(cat "$WORK/run.err")
expect_eq "the server does not start (exit status 2, as for any configuration problem)" "2" \
  "$STATUS"
expect_contains "names the module" "cannot load the TLS module $WORK/bare/lib/dualhttpd/tls.so" "$ERR"
expect_contains "says why" "cause: cannot open shared object file: No such file or directory" "$ERR"
expect_contains "and the fix" "apt-get install --reinstall dualhttpd; dnf reinstall dualhttpd), or beside a copy of the program put the tls.so of its build at $WORK/bare/lib/dualhttpd/tls.so" "$ERR"
echo "--- a module from another build, or no module at all: refused, not called"
mkdir -p "$WORK/other/sbin" "$WORK/other/lib/dualhttpd" "$WORK/none/sbin" "$WORK/none/lib/dualhttpd"
cp "$DUALHTTPD" "$WORK/other/sbin/dualhttpd"
cp "$DUALHTTPD" "$WORK/none/sbin/dualhttpd"
cat >"$WORK/other.c" <<'C'
struct table { const char* build; unsigned long size; };
static const struct table old = {"0.0.9", 16};
const struct table* dualhttpd_tls_module(void) { return &old; }
C
cc -shared -fPIC -o "$WORK/other/lib/dualhttpd/tls.so" "$WORK/other.c"
echo 'int nothing_here(void) { return 0; }' >"$WORK/none.c"
cc -shared -fPIC -o "$WORK/none/lib/dualhttpd/tls.so" "$WORK/none.c"
declare -A SAID
for kind in other none; do
  STATUS=0
  timeout 10 "$WORK/$kind/sbin/dualhttpd" --check "${INSTALLED[@]}" --listen "[::1]:$T https" \
    >"$WORK/run.out" 2>"$WORK/run.err" || STATUS=$?
  SAID[$kind]=$(cat "$WORK/run.err")
  expect_eq "$kind: --check fails" "2" "$STATUS"
  expect_contains "$kind: names the module" \
    "cannot load the TLS module $WORK/$kind/lib/dualhttpd/tls.so" "${SAID[$kind]}"
done
expect_contains "another build: says whose" "cause: it comes from another build: dualhttpd 0.0.9 \
with a table of 16 bytes, this program is" "${SAID[other]}"
expect_contains "no entry point: says so" "cause: it has no dualhttpd_tls_module()" "${SAID[none]}"

DUALHTTPD=$WORK/bare/sbin/dualhttpd start_server "$WORK/bare.log" --config none \
  --root "$ROOT" --listen "[::1]:$P" || { cat "$WORK/bare.log"; exit 1; }
expect_eq "plain listeners need no module" "hello, world" "$(curl -sS -g "http://[::1]:$P/hello.txt")"
stop_server "$SERVER_PID"

finish
