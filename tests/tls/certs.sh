#!/usr/bin/env bash
# The local CA's certificates given to what we did not write: Debian's openssl s_server serves
# with them on loopback, and curl --cacert, Python's ssl and openssl verify check them, over an
# IPv6 literal and an IPv4 one. A certificate made for another address must be refused with
# curl's own words for it.
#   certs.sh ISSUE_CERT
ISSUE=$1
# The end-to-end helpers: WORK, servers ended by PID, pass/fail/finish, free_port.
DUALHTTPD=${DUALHTTPD:-none}  # no dualhttpd here: the servers are openssl's
source "$(dirname "$0")/../e2e/lib.sh"
check() {  # check WHAT COMMAND...: passes when COMMAND succeeds
  local what=$1
  shift
  if "$@" >"$WORK/out" 2>&1; then pass "$what"; else fail "$what: $(tail -3 "$WORK/out")"; fi
}
refuses() {  # refuses WHAT TEXT COMMAND...: passes when COMMAND fails and says TEXT
  local what=$1 text=$2
  shift 2
  if "$@" >"$WORK/out" 2>&1; then fail "$what: it was accepted"
  elif grep -q "$text" "$WORK/out"; then pass "$what"
  else fail "$what: expected '$text' in: $(tail -3 "$WORK/out")"; fi
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

finish
