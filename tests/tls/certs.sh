#!/usr/bin/env bash
# The local CA's certificates given to what we did not write: Debian's openssl s_server serves
# with them on loopback, and curl --cacert, Python's ssl and openssl verify check them, over an
# IPv6 literal and an IPv4 one. A certificate made for another address must be refused with
# curl's own words for it.
#   certs.sh ISSUE_CERT
set -euo pipefail
ISSUE=$1
WORK=$(mktemp -d /tmp/dualhttpd-certs.XXXXXX)
PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
fails=0
check() {  # check WHAT COMMAND...: passes when COMMAND succeeds
  local what=$1
  shift
  if "$@" >"$WORK/out" 2>&1; then echo "ok    $what"; else echo "FAIL  $what: $(tail -3 "$WORK/out")"; fails=$((fails + 1)); fi
}
refuses() {  # refuses WHAT TEXT COMMAND...: passes when COMMAND fails and says TEXT
  local what=$1 text=$2
  shift 2
  if "$@" >"$WORK/out" 2>&1; then echo "FAIL  $what: it was accepted"; fails=$((fails + 1));
  elif grep -q "$text" "$WORK/out"; then echo "ok    $what";
  else echo "FAIL  $what: expected '$text' in: $(tail -3 "$WORK/out")"; fails=$((fails + 1)); fi
}
free_port() {
  python3 -c 'import socket; s = socket.socket(socket.AF_INET6); s.bind(("::1", 0)); print(s.getsockname()[1])'
}
# serve DIR ADDRESS: openssl s_server with DIR's certificate on ADDRESS; sets PORT.
serve() {
  PORT=$(free_port)
  openssl s_server -quiet -www -accept "$2:$PORT" -cert "$1/server.pem" -key "$1/server.key" \
    >/dev/null 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 50); do
    python3 -c "import socket,sys; socket.create_connection(('$2'.strip('[]'), $PORT), 0.2)" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "FAIL  openssl s_server did not start on $2:$PORT"
  exit 1
}
python_get() {  # python_get CA URL-HOST PORT
  python3 - "$@" <<'PY'
import http.client, ssl, sys
ca, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
context = ssl.create_default_context(cafile=ca)
connection = http.client.HTTPSConnection(host, port, context=context, timeout=5)
connection.request("GET", "/")
sys.exit(0 if connection.getresponse().status == 200 else 1)
PY
}

mkdir "$WORK/good" "$WORK/other"
"$ISSUE" "$WORK/good" localhost ::1 127.0.0.1
"$ISSUE" "$WORK/other" localhost 2001:db8:21c::99
check "openssl verify: the chain, for ::1" \
  openssl verify -CAfile "$WORK/good/ca.pem" -verify_ip ::1 -purpose sslserver "$WORK/good/server.pem"
refuses "openssl verify: not for 2001:db8:21c::24" "IP address mismatch" \
  openssl verify -CAfile "$WORK/good/ca.pem" -verify_ip 2001:db8:21c::24 "$WORK/good/server.pem"

serve "$WORK/good" "[::1]"
check "curl --cacert https://[::1]:$PORT/" \
  curl -sS -g --cacert "$WORK/good/ca.pem" -o /dev/null "https://[::1]:$PORT/"
refuses "curl without --cacert: not trusted" "unable to get local issuer certificate" \
  curl -sS -g -o /dev/null "https://[::1]:$PORT/"
check "Python ssl, ::1" python_get "$WORK/good/ca.pem" ::1 "$PORT"
serve "$WORK/good" 127.0.0.1
check "curl --cacert https://127.0.0.1:$PORT/" \
  curl -sS --cacert "$WORK/good/ca.pem" -o /dev/null "https://127.0.0.1:$PORT/"
check "Python ssl, 127.0.0.1" python_get "$WORK/good/ca.pem" 127.0.0.1 "$PORT"

serve "$WORK/other" "[::1]"
refuses "curl: a certificate made for another address" "no alternative certificate subject name matches" \
  curl -sS -g --cacert "$WORK/other/ca.pem" -o /dev/null "https://[::1]:$PORT/"
refuses "Python ssl: a certificate made for another address" "IP address mismatch" \
  python_get "$WORK/other/ca.pem" ::1 "$PORT"

[ "$fails" = 0 ] || { echo "$fails check(s) failed"; exit 1; }
echo "all checks passed"
