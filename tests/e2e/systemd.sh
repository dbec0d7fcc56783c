#!/usr/bin/env bash
# dualhttpd under systemd, without booting one: the readiness protocol against a notification
# socket the test reads (READY=1 only once every listener accepts connections, STATUS names
# them, STOPPING=1 on SIGTERM, no READY=1 when a bind fails), socket activation with
# systemd-socket-activate, and the units checked with systemd-analyze (verify, and the
# security exposure of the hardening).
source "$(dirname "$0")/lib.sh"
SOURCE_DIR=$(cd "$(dirname "$0")/../.." && pwd)
NOTIFY="$SOURCE_DIR/tests/e2e/notify_socket.py"

ROOT=$(make_docroot)
P=$(free_port)

# listen_for_notifications OUT TARGETS... : the test's notification socket, in NOTIFY_SOCKET.
listen_for_notifications() {
  local out=$1
  shift
  python3 "$NOTIFY" "$WORK/notify.sock" "$out" 30 "$@" &
  PIDS+=("$!")
  NOTIFY_PID=$!
  text_when "$out" listening >/dev/null
  export NOTIFY_SOCKET=$WORK/notify.sock
}

echo "--- READY=1 once every listener listens; STATUS names them; STOPPING=1 on SIGTERM"
listen_for_notifications "$WORK/ready.txt" "[::1]:$P" "127.0.0.1:$P"
start_server "$WORK/server.log" --root "$ROOT" --listen "[::1]:$P" --listen "127.0.0.1:$P" \
  --access-log off || { cat "$WORK/server.log"; exit 1; }
unset NOTIFY_SOCKET
MESSAGES=$(text_when "$WORK/ready.txt" "connect 127.0.0.1")
expect_contains "READY=1 with STATUS" "READY=1 | STATUS=serving $ROOT on [::1]:$P, 127.0.0.1:$P" \
  "$MESSAGES"
expect_contains "[::1]:$P accepts when READY=1 arrives" "connect [::1]:$P ok" "$MESSAGES"
expect_contains "127.0.0.1:$P accepts when READY=1 arrives" "connect 127.0.0.1:$P ok" "$MESSAGES"
expect_eq "one READY=1" "1" "$(grep -c 'READY=1' "$WORK/ready.txt")"
stop_server "$SERVER_PID"
expect_eq "stops cleanly" "0" "$STOP_STATUS"
expect_contains "STOPPING=1 on SIGTERM" "STOPPING=1 | STATUS=stopping" \
  "$(text_when "$WORK/ready.txt" STOPPING)"
wait "$NOTIFY_PID" || true

echo "--- no READY=1 when a listener cannot be opened"
listen_for_notifications "$WORK/failed.txt"
run_capture --root "$ROOT" --listen "127.0.0.1:$P" --listen "[2001:db8:21c::99]:$P"
unset NOTIFY_SOCKET
expect_eq "a missing address: exit 3" "3" "$STATUS"
sleep 0.3
expect_not_contains "no READY=1 after a failed bind" "READY=1" "$(cat "$WORK/failed.txt")"
kill "$NOTIFY_PID" 2>/dev/null || true

echo "--- without NOTIFY_SOCKET nothing loads libsystemd"
start_server "$WORK/plain.log" --root "$ROOT" --listen "127.0.0.1:$P" --access-log off ||
  { cat "$WORK/plain.log"; exit 1; }
expect_not_contains "libsystemd not mapped" "libsystemd" "$(cat "/proc/$SERVER_PID/maps")"
stop_server "$SERVER_PID"

echo "--- socket activation: systemd's sockets are served and reported like dualhttpd's own"
ACTIVATE=$(command -v systemd-socket-activate || true)
[ -n "$ACTIVATE" ] || fail "systemd-socket-activate is missing (package systemd)"
Q=$(free_port)
listen_for_notifications "$WORK/activated.txt" "[::1]:$Q" "127.0.0.1:$Q"
# It execs dualhttpd at the first connection, with only the environment named by -E; the
# listen given here must not be opened.
"$ACTIVATE" -E NOTIFY_SOCKET -l "[::1]:$Q" -l "127.0.0.1:$Q" "$DUALHTTPD" --root "$ROOT" --access-log off \
  --listen "127.0.0.1:$P" >"$WORK/activated.out" 2>"$WORK/activated.log" &
ACTIVATED_PID=$!
PIDS+=("$ACTIVATED_PID")
unset NOTIFY_SOCKET
for _ in $(seq 1 50); do
  [ -n "$(ss -Hltn "sport = :$Q")" ] && break
  sleep 0.1
done
expect_eq "GET over IPv6 on systemd's socket" "hello, world" \
  "$(curl -sS -g "http://[::1]:$Q/hello.txt")"
expect_eq "GET over IPv4 on systemd's socket" "hello, world" \
  "$(curl -sS "http://127.0.0.1:$Q/hello.txt")"
wait_serving "$WORK/activated.log" 60 || true
LOG=$(cat "$WORK/activated.log")
expect_contains "says where the sockets come from" "systemd passed 2 listening sockets" "$LOG"
expect_contains "reports the IPv6 socket" "listening on [::1]:$Q ipv6 interface=lo v6only=on" "$LOG"
expect_contains "reports the IPv4 socket" "listening on 127.0.0.1:$Q ipv4 interface=lo" "$LOG"
expect_eq "the configured listen is not opened" "" "$(ss -Hltn "sport = :$P")"
expect_contains "READY=1 names systemd's sockets" "STATUS=serving $ROOT on [::1]:$Q, 127.0.0.1:$Q" \
  "$(text_when "$WORK/activated.txt" "connect 127.0.0.1")"
stop_server "$ACTIVATED_PID"
expect_eq "stops cleanly" "0" "$STOP_STATUS"
wait "$NOTIFY_PID" || true

echo "--- socket activation with a socket dualhttpd cannot serve"
"$ACTIVATE" -l "$WORK/unix.sock" -l "127.0.0.1:$Q" "$DUALHTTPD" --root "$ROOT" \
  >"$WORK/mixed.out" 2>"$WORK/mixed.log" &
MIXED_PID=$!
PIDS+=("$MIXED_PID")
for _ in $(seq 1 50); do
  [ -n "$(ss -Hltn "sport = :$Q")" ] && break
  sleep 0.1
done
curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$Q/" || true
STATUS=0
timeout 5 tail --pid="$MIXED_PID" -f /dev/null || true
wait "$MIXED_PID" || STATUS=$?
expect_eq "a Unix socket among them: exit 2" "2" "$STATUS"
MIXED=$(cat "$WORK/mixed.log")
expect_contains "names the socket" "the socket systemd passed as descriptor 3" "$MIXED"
expect_contains "says why" "it is a Unix stream socket, and dualhttpd serves TCP over IPv4 and IPv6 only" "$MIXED"
expect_contains "says what to write" "ListenStream=[ADDRESS]:PORT" "$MIXED"

echo "--- socket activation of HTTPS: a socket named https (FileDescriptorName=https) speaks TLS"
Q=$(free_port)
systemd-socket-activate -l "[::1]:$Q" --fdname=https "$DUALHTTPD" --root "$ROOT" \
  --tls-self-signed --state-dir "$WORK/state" --access-log off >"$WORK/tls-activated.log" 2>&1 &
PIDS+=("$!")
for _ in $(seq 1 50); do
  grep -q "Listening on" "$WORK/tls-activated.log" && break
  sleep 0.1
done
# The first connection starts the server; curl waits for the handshake.
OUT=$(curl -sS -g --retry 5 --retry-connrefused --retry-delay 1 -k "https://[::1]:$Q/hello.txt" 2>&1)
expect_eq "the first connection is served over TLS" "hello, world" "$OUT"
expect_eq "and verifies with the CA made for it" "hello, world" \
  "$(curl -sS -g --cacert "$WORK/state/ca.pem" "https://[::1]:$Q/hello.txt" 2>&1)"
expect_contains "the log names the listener from systemd as TLS" "listening on [::1]:$Q https" \
  "$(cat "$WORK/tls-activated.log")"

echo "--- the units"
if command -v systemd-analyze >/dev/null; then
  UNITS=$WORK/units
  mkdir -p "$UNITS"
  # The unit as installed, but starting the binary under test (verify checks it exists).
  sed -e "s|/usr/sbin/dualhttpd|$DUALHTTPD|" "$SOURCE_DIR/packaging/systemd/dualhttpd.service" \
    >"$UNITS/dualhttpd.service"
  cp "$SOURCE_DIR/packaging/systemd/dualhttpd.socket" "$SOURCE_DIR/packaging/systemd/dualhttpd-tls.socket" "$UNITS/"
  # With the credentials lines in, as an operator enables them (the files must exist).
  printf 'cert\n' >"$WORK/guest.pem"
  printf 'key\n' >"$WORK/guest.key"
  sed -i -e "s|^#LoadCredential=tls.pem:.*|LoadCredential=tls.pem:$WORK/guest.pem|" \
    -e "s|^#LoadCredential=tls.key:.*|LoadCredential=tls.key:$WORK/guest.key|" "$UNITS/dualhttpd.service"
  expect_contains "the unit's LoadCredential lines, enabled" "LoadCredential=tls.key:" "$(cat "$UNITS/dualhttpd.service")"
  STATUS=0
  VERIFY=$(MANPATH="$(dirname "$DUALHTTPD")/man:" systemd-analyze verify \
    "$UNITS/dualhttpd.service" "$UNITS/dualhttpd.socket" "$UNITS/dualhttpd-tls.socket" 2>&1) || STATUS=$?
  expect_eq "systemd-analyze verify dualhttpd.service dualhttpd.socket dualhttpd-tls.socket" "0" "$STATUS"
  [ -n "$VERIFY" ] && echo "$VERIFY"
  SECURITY=$(systemd-analyze security --offline=yes "$UNITS/dualhttpd.service" 2>&1 || true)
  LEVEL=$(sed -n 's/.*Overall exposure level for dualhttpd.service: \([0-9.]*\).*/\1/p' <<<"$SECURITY")
  echo "exposure level: $LEVEL"
  expect_eq "exposure level at most 2.0" "yes" \
    "$(awk -v l="${LEVEL:-99}" 'BEGIN { print (l <= 2.0 ? "yes" : "no") }')"
else
  fail "systemd-analyze is missing (package systemd)"
fi

finish
