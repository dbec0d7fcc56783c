# Helpers for the end-to-end tests: a fixture docroot, servers started and stopped by PID,
# assertions that print what a user would see, and network namespaces that clean up.
# Every test sources this file and is run by CTest with DUALHTTPD set to the binary.
set -euo pipefail

: "${DUALHTTPD:?set DUALHTTPD to the dualhttpd binary}"
TEST_PORTS=$(cd "$(dirname "${BASH_SOURCE[0]}")/../common" && pwd)/test_ports.py
WORK=$(mktemp -d /tmp/dualhttpd-test.XXXXXX)
# Searchable by others, as a docroot's parent usually is: a server started as root serves as
# nobody, and reaches the notification socket and its docroot through here.
chmod 755 "$WORK"
PIDS=()
NETNS=()
FAILURES=0
SKIP_CODE=77

cleanup() {
  local pid ns
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  for ns in "${NETNS[@]}"; do ip netns del "$ns" 2>/dev/null || true; done
  python3 "$TEST_PORTS" --release "$$" || true
  rm -rf "$WORK"
}
trap cleanup EXIT

pass() { printf 'ok    %s\n' "$*"; }
fail() {
  printf 'FAIL  %s\n' "$*"
  FAILURES=$((FAILURES + 1))
}
finish() {
  if [ "$FAILURES" -gt 0 ]; then
    echo "$FAILURES check(s) failed"
    exit 1
  fi
  echo "all checks passed"
}

# Skips (exit 77) a test that needs root when run without it, unless DUALHTTPD_NO_SKIP is set
# (.ci/run sets it): there, a test that cannot run is a failure, not a pass.
require_root() {
  if [ "$(id -u)" != 0 ]; then
    if [ -n "${DUALHTTPD_NO_SKIP:-}" ]; then
      echo "FAIL  needs root for network namespaces, and DUALHTTPD_NO_SKIP forbids skipping"
      exit 1
    fi
    echo "skipped: needs root for network namespaces"
    exit "$SKIP_CODE"
  fi
}

# expect_eq WHAT EXPECTED ACTUAL
expect_eq() {
  if [ "$2" == "$3" ]; then pass "$1"; else fail "$1: expected [$2], got [$3]"; fi
}

# expect_contains WHAT NEEDLE HAYSTACK
expect_contains() {
  if [[ "$3" == *"$2"* ]]; then pass "$1"; else fail "$1: [$2] not in:"$'\n'"$3"; fi
}

expect_not_contains() {
  if [[ "$3" != *"$2"* ]]; then pass "$1"; else fail "$1: [$2] should not be in:"$'\n'"$3"; fi
}

# start_clock; COMMAND; stop_clock; expect_elapsed WHAT MIN_MS MAX_MS : how long COMMAND took
# (in ELAPSED_MS) lies in [MIN_MS, MAX_MS).
start_clock() { CLOCK=$(date +%s%N); }
stop_clock() { ELAPSED_MS=$((($(date +%s%N) - CLOCK) / 1000000)); }
expect_elapsed() {
  if [ "$ELAPSED_MS" -ge "$2" ] && [ "$ELAPSED_MS" -lt "$3" ]; then
    pass "$1 (${ELAPSED_MS} ms)"
  else
    fail "$1: took ${ELAPSED_MS} ms, expected ${2} to ${3} ms"
  fi
}

# text_when FILE NEEDLE : the file's content once it holds NEEDLE, or after 3 s whatever it
# holds (the access log writes its lines out within a second).
text_when() {
  for _ in $(seq 1 30); do
    grep -qF -- "$2" "$1" 2>/dev/null && break
    sleep 0.1
  done
  cat "$1" 2>/dev/null || true
}

# A loopback port free on 127.0.0.1 and [::1], reserved for this test until it exits, so
# that the test CTest runs beside it cannot take it too (tests/common/test_ports.py).
free_port() {
  python3 "$TEST_PORTS" "$$"
}

# The fixture docroot: files of several types, a directory with and without an index,
# a dotfile, names that need encoding, and symlinks inside and outside the docroot.
make_docroot() {
  local root=$WORK/root
  mkdir -p "$root/docs" "$root/empty" "$root/.git" "$root/.well-known"
  printf '<!DOCTYPE html><title>fixture</title><p>home</p>\n' >"$root/index.html"
  printf 'docs index\n' >"$root/docs/index.html"
  printf 'hello, world\n' >"$root/hello.txt"
  printf 'body { color: red }\n' >"$root/style.css"
  printf '{"a": 1}\n' >"$root/data.json"
  printf 'secret\n' >"$root/.htaccess"
  printf '[core]\n' >"$root/.git/config"
  printf 'contact: mailto:security@example.com\n' >"$root/.well-known/security.txt"
  printf 'dots in the middle\n' >"$root/a..b.txt"
  printf 'space\n' >"$root/with space.txt"
  printf 'caf\xc3\xa9\n' >"$root/café.txt"
  printf 'UPPER\n' >"$root/UPPER.HTML"
  head -c 100000 /dev/urandom >"$root/random.bin"
  printf 'outside\n' >"$WORK/outside.txt"
  ln -s hello.txt "$root/link-inside.txt"
  ln -s "$WORK/outside.txt" "$root/link-outside.txt"
  ln -s ../outside.txt "$root/link-up.txt"
  echo "$root"
}

# is_serving LOGFILE : the log holds the line that says the server is up, every listener
# open and its workers made ("serving DOCROOT with N threads"). "serving as nobody", said
# when root gives up its rights, comes before them and does not say so.
is_serving() { grep -Eq '\] serving .* with [0-9]+ threads?$' "$1" 2>/dev/null; }

# wait_serving LOGFILE [TRIES] : is_serving, tried every 50 ms (100 times unless told).
wait_serving() {
  for _ in $(seq 1 "${2:-100}"); do
    is_serving "$1" && return 0
    sleep 0.05
  done
  return 1
}

# start_server LOGFILE ARGS... : starts dualhttpd in the background (PID in SERVER_PID)
# and waits until it has logged every listener, or exited.
start_server() {
  local log=$1
  shift
  : >"$log"  # the background job opens it later: no earlier server's "serving" is read
  "$DUALHTTPD" "$@" >"$log.out" 2>"$log" &
  SERVER_PID=$!
  PIDS+=("$SERVER_PID")
  for _ in $(seq 1 100); do
    is_serving "$log" && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || return 1
    sleep 0.05
  done
  return 1
}

# stop_server PID : SIGTERM, then the exit status in STOP_STATUS.
stop_server() {
  kill -TERM "$1" 2>/dev/null || true
  STOP_STATUS=0
  wait "$1" || STOP_STATUS=$?
}

# run_capture ARGS... : runs dualhttpd in the foreground; sets OUT, ERR and STATUS.
run_capture() {
  STATUS=0
  "$DUALHTTPD" "$@" >"$WORK/run.out" 2>"$WORK/run.err" || STATUS=$?
  OUT=$(cat "$WORK/run.out")
  ERR=$(cat "$WORK/run.err")
}

# make_netns NAME : a network namespace of our own with lo up, removed at exit.
make_netns() {
  ip netns del "$1" 2>/dev/null || true
  ip netns add "$1"
  NETNS+=("$1")
  ip -n "$1" link set lo up
}

# raw_request HOST PORT DATA : sends DATA as is over one TCP connection and prints what
# comes back until the server closes (or 3 s pass).
raw_request() {
  local fd
  exec {fd}<>"/dev/tcp/$1/$2"
  # In a subshell: if the server has closed already, SIGPIPE ends the subshell, not the test.
  (printf '%b' "$3" >&"$fd") 2>/dev/null || true
  timeout 3 cat <&"$fd" 2>/dev/null || true
  exec {fd}>&-
}

# closes_after HOST PORT DATA : sends DATA and prints "closed" when the server closes the
# connection within a second of its last byte, else "open": what a client sees, not what a
# header promises.
closes_after() {
  python3 - "$@" <<'PY'
import socket, sys, time
host, port, data = sys.argv[1], int(sys.argv[2]), sys.argv[3].encode().decode("unicode_escape")
with socket.create_connection((host, port), timeout=3) as s:
    s.sendall(data.encode("latin-1"))
    s.settimeout(1)
    try:
        while s.recv(65536):
            pass
        print("closed")
    except socket.timeout:
        print("open")
    except ConnectionResetError:
        print("closed")
PY
}

# issue_with_ca CA_PEM CA_KEY CN SAN OUT : a server certificate signed by that CA for SAN
# ("IP:2001:db8::1"), as an operator makes one with openssl: OUT.pem, and OUT.key (0600).
issue_with_ca() {
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$3" \
    -keyout "$5.key" 2>/dev/null |
    openssl x509 -req -CA "$1" -CAkey "$2" -days 30 -out "$5.pem" 2>/dev/null \
      -extfile <(printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\n' "$4")
  chmod 600 "$5.key"
}
