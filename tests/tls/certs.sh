#!/usr/bin/env bash
# The local CA's certificates given to what we did not write: Debian's openssl s_server serves
# with them on loopback, and curl --cacert, Python's ssl and openssl verify check them, over an
# IPv6 literal and an IPv4 one. A certificate made for another address must be refused with
# curl's own words for it (and Python's, and wget's with GnuTLS), and so must a certificate
# out of its dates; dualhttpd probe must explain each in words, with a fix.
#   DUALHTTPD=BIN certs.sh ISSUE_CERT
ISSUE=$1
# The end-to-end helpers: WORK, servers ended by PID, pass/fail/finish, free_port. The servers
# here are openssl's; dualhttpd is only the prober.
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
refuses "wget (GnuTLS): a certificate made for another address" \
  "The certificate's owner does not match hostname ‘::1’" \
  wget -nv -O /dev/null --ca-certificate="$WORK/other/ca.pem" "https://[::1]:$PORT/"
OUT=$("$DUALHTTPD" probe --cacert "$WORK/other/ca.pem" "https://[::1]:$PORT/" 2>&1 || true)
expect_contains "probe: the address the certificate does not name, with curl's words" \
  "does not name ::1 (it names IP:2001:db8:21c::99, DNS:localhost): curl says" "$OUT"

# dated DIR NAME FROM TO: a certificate for ::1 and 127.0.0.1 from the good CA, valid from FROM
# to TO (YYYYMMDDhhmmssZ), as DIR/server.pem and DIR/server.key. dualhttpd will not serve one
# out of its dates, and neither CA tool here back-dates: openssl ca can.
dated() {
  local dir=$1
  mkdir -p "$dir"
  : >"$dir/index.txt"
  echo 01 >"$dir/serial"
  cat >"$dir/ca.cnf" <<EOF
[ca]
default_ca = dated
[dated]
database = $dir/index.txt
new_certs_dir = $dir
serial = $dir/serial
default_md = sha256
policy = any
x509_extensions = names
[any]
commonName = supplied
[names]
subjectAltName = IP:::1, IP:127.0.0.1
EOF
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$2" \
    -keyout "$dir/server.key" -out "$dir/server.csr" 2>/dev/null &&
    openssl ca -batch -config "$dir/ca.cnf" -notext -cert "$WORK/good/ca.pem" \
      -keyfile "$WORK/good/ca.key" -in "$dir/server.csr" -out "$dir/server.pem" \
      -startdate "$3" -enddate "$4" >"$dir/ca.log" 2>&1 ||
    { fail "openssl ca: $(tail -2 "$dir/ca.log")"; finish; }
}
dated "$WORK/expired" expired 20200101000000Z 20200201000000Z
serve "$WORK/expired" "[::1]"
refuses "curl: an expired certificate" "certificate has expired" \
  curl -sS -g --cacert "$WORK/good/ca.pem" -o /dev/null "https://[::1]:$PORT/"
STATUS=0
OUT=$("$DUALHTTPD" probe --cacert "$WORK/good/ca.pem" "https://[::1]:$PORT/" 2>&1) || STATUS=$?
expect_eq "probe of an expired certificate: exit 1" "1" "$STATUS"
expect_contains "probe: when it expired, with curl's words" \
  'expired on Feb  1 00:00:00 2020 GMT: curl says "certificate has expired"' "$OUT"
expect_contains "probe: and the fix" "fix:   a new certificate on the server, then reload it" "$OUT"

dated "$WORK/future" future 20990101000000Z 20991231000000Z
serve "$WORK/future" 127.0.0.1
refuses "curl: a certificate not yet valid" "certificate is not yet valid" \
  curl -sS --cacert "$WORK/good/ca.pem" -o /dev/null "https://127.0.0.1:$PORT/"
OUT=$("$DUALHTTPD" probe --cacert "$WORK/good/ca.pem" "https://127.0.0.1:$PORT/" 2>&1 || true)
expect_contains "probe: from when it is valid, and this host's time" \
  "valid only from Jan  1 00:00:00 2099 GMT, and this host's clock says " "$OUT"
expect_contains "probe: curl's words for it" 'GMT: curl says "certificate is not yet valid"' "$OUT"
expect_contains "probe: and the fix" "fix:   run date -u on both hosts" "$OUT"
expect_contains "probe --json: the explanation" '"verified":false' \
  "$("$DUALHTTPD" probe --json --cacert "$WORK/good/ca.pem" "https://127.0.0.1:$PORT/" 2>&1)"

finish
