#!/usr/bin/env bash
# The process as an operator sees it: defaults, --help/--version, exit statuses, graceful
# stop with a response in flight, the shutdown timeout, and SIGHUP reopening the logs.
source "$(dirname "$0")/lib.sh"
SOURCE_DIR=$(cd "$(dirname "$0")/../.." && pwd)

ROOT=$(make_docroot)
# Larger than what loopback socket buffers hold, so a slow client keeps the server busy.
head -c $((64 * 1024 * 1024)) /dev/urandom >"$ROOT/big.bin"

echo "--- command line"
run_capture --version
expect_eq "--version exits 0" "0" "$STATUS"
expect_contains "--version" "dualhttpd 0." "$OUT"
run_capture --help
expect_eq "--help exits 0" "0" "$STATUS"
expect_contains "--help shows the listen forms" "[fe80::a00:27ff:fe51:575%enp0s8]:80" "$OUT"
expect_contains "--help shows examples" "dualhttpd --check --listen" "$OUT"
expect_contains "--help shows exit statuses" "3 a listener cannot be opened here" "$OUT"
run_capture --no-such-option
expect_eq "unknown option exits 2" "2" "$STATUS"
run_capture --root "$WORK/missing" --check --listen "127.0.0.1:$(free_port)"
expect_eq "missing docroot exits 2" "2" "$STATUS"
expect_contains "missing docroot says so" "cannot serve $WORK/missing" "$ERR"
expect_contains "missing docroot says why" "No such file or directory" "$ERR"
# A docroot without an index and without --autoindex answers GET / with 403: said before a
# client meets it, with what to do, in --check and at start.
mkdir -p "$WORK/bare"
printf 'not an index\n' >"$WORK/bare/notes.txt"
P_BARE=$(free_port)
run_capture --root "$WORK/bare" --check --listen "127.0.0.1:$P_BARE"
expect_eq "a docroot without an index still checks out" "0" "$STATUS"
expect_contains "--check: GET / will be 403, and why" \
  "warning: GET / will be answered 403: the docroot $WORK/bare has no index.html, and directories are not listed" "$OUT"
expect_contains "--check: what to do" \
  "fix:   put index.html in $WORK/bare, name the page it has with --index NAME, or list it with --autoindex" "$OUT"
start_server "$WORK/bare.log" --root "$WORK/bare" --index index.htm --index index.html \
  --access-log off --listen "127.0.0.1:$P_BARE" || { cat "$WORK/bare.log"; exit 1; }
expect_contains "at start, with every --index name" \
  "GET / will be answered 403: the docroot $WORK/bare has no index.htm or index.html" "$(cat "$WORK/bare.log")"
expect_eq "and so it is" "403" "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$P_BARE/")"
stop_server "$SERVER_PID"
for quiet in "--autoindex" "--index notes.txt"; do
  # shellcheck disable=SC2086 # two words, on purpose
  run_capture --root "$WORK/bare" --check --listen "127.0.0.1:$P_BARE" $quiet
  expect_not_contains "no warning with $quiet" "GET / will be answered 403" "$OUT"
done
expect_not_contains "none for a docroot with index.html" "GET / will be answered 403" \
  "$("$DUALHTTPD" --root "$ROOT" --check --listen "127.0.0.1:$P_BARE")"
# A page that looks like the index (the site's only page): the fix names it, quoted for the
# shell as it must be, and with the option as pasted from the fix, GET / serves it.
printf '<p>the old site</p>\n' >"$WORK/bare/old site.htm"
run_capture --root "$WORK/bare" --check --listen "127.0.0.1:$P_BARE"
expect_contains "--check: the fix names the page there" \
  "fix:   serve its old site.htm with --index 'old site.htm', put index.html in $WORK/bare, or list it with --autoindex" "$OUT"
PASTED=${OUT#*with --index }
eval "set -- --index ${PASTED%%, put index.html*}"
start_server "$WORK/default.log" --root "$WORK/bare" "$@" --access-log off \
  --listen "127.0.0.1:$P_BARE" || { cat "$WORK/default.log"; exit 1; }
expect_eq "and done as it says, GET / serves it" "<p>the old site</p>" \
  "$(curl -s "http://127.0.0.1:$P_BARE/")"
expect_not_contains "without a warning" "GET / will be answered 403" "$(cat "$WORK/default.log")"
stop_server "$SERVER_PID"

echo "--- defaults: www/ of the checkout on [::1]:8080 and 127.0.0.1:8080"
STATUS=0
OUT=$(cd "$SOURCE_DIR" && "$DUALHTTPD" --check) || STATUS=$?
expect_eq "default --check" "0" "$STATUS"
expect_contains "default IPv6 listener" "ok: [::1]:8080 ipv6 interface=lo v6only=on" "$OUT"
expect_contains "default IPv4 listener" "ok: 127.0.0.1:8080 ipv4 interface=lo" "$OUT"
expect_contains "default docroot: the checkout's www/, wherever it runs from" \
  "ok: docroot $SOURCE_DIR/www" "$OUT"
OUT=$(cd / && "$DUALHTTPD" --check) || true
expect_contains "the same from another directory" "ok: docroot $SOURCE_DIR/www" "$OUT"

echo "--- [::]:PORT is IPv6-only unless --ipv4-mapped"
P6=$(free_port)
start_server "$WORK/wild.log" --root "$ROOT" --access-log "$WORK/wild.access" --health-path off \
  --listen "[::]:$P6" ||
  { cat "$WORK/wild.log"; exit 1; }
expect_contains "[::] logs v6only=on" "listening on [::]:$P6 ipv6 interface=any v6only=on" "$(cat "$WORK/wild.log")"
expect_eq "[::] serves IPv6" "hello, world" "$(curl -sg "http://[::1]:$P6/hello.txt")"
expect_eq "--health-path off" "404" "$(curl -sg -o /dev/null -w '%{http_code}' "http://[::1]:$P6/healthz")"
V4_STATUS=0
curl -sg --max-time 2 "http://127.0.0.1:$P6/hello.txt" >/dev/null || V4_STATUS=$?
expect_eq "[::] refuses IPv4 (curl: connection refused)" "7" "$V4_STATUS"
stop_server "$SERVER_PID"
start_server "$WORK/mapped.log" --root "$ROOT" --access-log "$WORK/mapped.access" --ipv4-mapped \
  --health-path /status --listen "[::]:$P6" || { cat "$WORK/mapped.log"; exit 1; }
MAPPED=$(curl -sg "http://127.0.0.1:$P6/status")
expect_contains "healthz on a custom path" '"status":"ok"' "$MAPPED"
expect_contains "a mapped client is reported as IPv4 and mapped" '"client":{"address":"127.0.0.1","port":' "$MAPPED"
expect_contains "and said to be mapped" '"mapped":true' "$MAPPED"
expect_contains "[::] with --ipv4-mapped logs v6only=off" "v6only=off" "$(cat "$WORK/mapped.log")"
expect_eq "--ipv4-mapped serves IPv4" "hello, world" "$(curl -sg "http://127.0.0.1:$P6/hello.txt")"
expect_contains "mapped client logged as ::ffff:" "::ffff:127.0.0.1 - - [" \
  "$(text_when "$WORK/mapped.access" "::ffff:127.0.0.1 - - [")"
stop_server "$SERVER_PID"

echo "--- --check and a real start agree on a good set"
PORT=$(free_port)
run_capture --root "$ROOT" --check --listen "[::1]:$PORT" --listen "$PORT"
expect_eq "overlap refused by --check" "2" "$STATUS"
run_capture --root "$ROOT" --listen "[::1]:$PORT" --listen "$PORT"
expect_eq "overlap refused by a start" "2" "$STATUS"
run_capture --root "$ROOT" --check --listen "$PORT"
expect_eq "bare port passes --check" "0" "$STATUS"
"$DUALHTTPD" --root "$ROOT" --access-log "$WORK/access.log" --error-log "$WORK/error.log" \
  --listen "$PORT" &
SERVER_PID=$!
PIDS+=("$SERVER_PID")
wait_serving "$WORK/error.log" 50 || true
expect_eq "bare port serves IPv6" "hello, world" "$(curl -sg "http://[::1]:$PORT/hello.txt")"
expect_eq "bare port serves IPv4" "hello, world" "$(curl -sg "http://127.0.0.1:$PORT/hello.txt")"

echo "--- SIGHUP reopens the logs"
mv "$WORK/access.log" "$WORK/access.log.1"
mv "$WORK/error.log" "$WORK/error.log.1"
kill -HUP "$SERVER_PID"
sleep 0.3
curl -sg "http://[::1]:$PORT/style.css" >/dev/null
expect_contains "new access log gets new lines" "GET /style.css" \
  "$(text_when "$WORK/access.log" "GET /style.css")"
expect_not_contains "old access log keeps old lines only" "GET /style.css" "$(cat "$WORK/access.log.1")"
expect_contains "old access log has the earlier lines" "GET /hello.txt" "$(cat "$WORK/access.log.1")"
expect_contains "error log reopened" "reopening log files" "$(cat "$WORK/error.log.1" "$WORK/error.log" 2>/dev/null)"
kill -0 "$SERVER_PID" && pass "still running after SIGHUP" || fail "SIGHUP killed the server"

echo "--- clients that go away mid-body do not hurt the server"
for _ in 1 2 3; do
  curl -sg --max-time 0.3 --limit-rate 1M "http://[::1]:$PORT/big.bin" -o /dev/null || true
done
for _ in $(seq 1 30); do  # ask for a large body and hang up at once: the server writes into a closed socket
  exec {fd}<>"/dev/tcp/127.0.0.1/$PORT"
  (printf 'GET /big.bin HTTP/1.1\r\nHost: a\r\n\r\n' >&"$fd") 2>/dev/null || true
  exec {fd}>&-
done
sleep 0.3
kill -0 "$SERVER_PID" && pass "server survives clients that vanish (SIGPIPE)" || fail "server died when a client went away"
expect_eq "and still serves" "hello, world" "$(curl -sg "http://[::1]:$PORT/hello.txt")"

echo "--- SIGTERM finishes the response in flight"
curl -sg --limit-rate 32M "http://[::1]:$PORT/big.bin" -o "$WORK/big.got" &
CURL=$!
sleep 0.5
kill -TERM "$SERVER_PID"
sleep 0.2
REFUSED=0
curl -sg --max-time 2 "http://127.0.0.1:$PORT/hello.txt" >/dev/null || REFUSED=$?
expect_eq "new connections are refused while stopping" "7" "$REFUSED"
CURL_STATUS=0
wait "$CURL" || CURL_STATUS=$?
expect_eq "in-flight download completes" "0" "$CURL_STATUS"
if cmp -s "$WORK/big.got" "$ROOT/big.bin"; then pass "in-flight body complete"; else fail "in-flight body truncated"; fi
STOP_STATUS=0
wait "$SERVER_PID" || STOP_STATUS=$?
expect_eq "exit status after SIGTERM" "0" "$STOP_STATUS"
expect_contains "logs the stop" "stopping; finishing 1 connection(s)" "$(cat "$WORK/error.log")"

echo "--- the shutdown timeout cuts a response that takes too long"
PORT=$(free_port)
start_server "$WORK/slow.log" --root "$ROOT" --access-log off --shutdown-timeout 1 \
  --listen "127.0.0.1:$PORT" || { cat "$WORK/slow.log"; exit 1; }
curl -sg --limit-rate 1M "http://127.0.0.1:$PORT/big.bin" -o /dev/null &
SLOW=$!
PIDS+=("$SLOW")
sleep 0.5
start_clock
stop_server "$SERVER_PID"
stop_clock
expect_eq "exit status after the timeout" "0" "$STOP_STATUS"
expect_elapsed "stopped after the 1 s timeout" 900 3000
expect_contains "logs the cut" "shutdown timeout: closing 1 connection(s)" "$(cat "$WORK/slow.log")"
kill "$SLOW" 2>/dev/null || true
finish
