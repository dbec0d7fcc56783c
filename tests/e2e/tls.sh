#!/usr/bin/env bash
# HTTPS on IP literals, asserted with clients we did not write: curl (with and without
# --cacert), Python's ssl and openssl s_client, over [::1] and 127.0.0.1, next to a plain
# listener in the same process. --tls-self-signed makes the local CA; every feature of plain
# HTTP is asked for again over TLS; the certificate problems are told in words.
source "$(dirname "$0")/lib.sh"

ROOT=$(make_docroot)
head -c 3000000 /dev/urandom >"$ROOT/large.bin"
STATE=$WORK/state
TLS=$(free_port)
PLAIN=$(free_port)
V6="https://[::1]:$TLS"
V4="https://127.0.0.1:$TLS"
CA=$STATE/ca.pem
start_server "$WORK/err.log" --root "$ROOT" --threads 2 --access-log "$WORK/access.log" \
  --header-timeout 2 --autoindex --listen "[::1]:$TLS https" --listen "127.0.0.1:$TLS https" \
  --listen "[::1]:$PLAIN" --tls-self-signed --state-dir "$STATE" ||
  { cat "$WORK/err.log"; exit 1; }

# The start-up log: the listener with its protocol, the curl line that verifies, the CA made
# and how to trust it elsewhere.
LOG=$(cat "$WORK/err.log")
expect_contains "log: the TLS listener" "listening on [::1]:$TLS https ipv6 interface=lo" "$LOG"
expect_contains "log: the curl line with the CA" \
  "curl -g --cacert $CA 'https://[::1]:$TLS/'" "$LOG"
expect_contains "log: the plain listener's curl line" "curl -g 'http://[::1]:$PLAIN/'" "$LOG"
expect_contains "log: the CA is new" "made the local CA $CA: no client trusts it yet" "$LOG"
expect_contains "log: the certificate names both literals" \
  "issued $STATE/server.pem for ::1, 127.0.0.1" "$LOG"
expect_contains "log: and localhost, beside loopback literals" \
  "and localhost, signed by the local CA" "$LOG"
expect_contains "log: Debian's trust store" "/usr/local/share/ca-certificates/" "$LOG"
expect_contains "log: RHEL's trust store" "/etc/pki/ca-trust/source/anchors/" "$LOG"
expect_eq "the CA key is the owner's alone" "600" "$(stat -c %a "$STATE/ca.key")"

# curl, as the log says to run it, over both literals; without the CA it is refused.
for base in "$V6" "$V4"; do
  curl -sS -g --cacert "$CA" "$base/" -o "$WORK/got.html"
  if cmp -s "$WORK/got.html" "$ROOT/index.html"; then pass "curl --cacert GET / on $base"; else fail "GET / on $base"; fi
  OUT=$(curl -sS -g "$base/" 2>&1 || true)
  expect_contains "curl without the CA refuses $base" "unable to get local issuer certificate" "$OUT"
done
expect_eq "the plain listener still speaks HTTP" "hello, world" "$(curl -sS -g "http://[::1]:$PLAIN/hello.txt")"

# Python's ssl, with the default context (verification and host check on).
for host in ::1 127.0.0.1; do
  GOT=$(python3 - "$CA" "$host" "$TLS" <<'PY'
import http.client, ssl, sys
ca, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
context = ssl.create_default_context(cafile=ca)
c = http.client.HTTPSConnection(host, port, context=context, timeout=5)
c.request("GET", "/hello.txt")
r = c.getresponse()
print(r.status, r.read().decode().strip(), c.sock.version(), c.sock.selected_alpn_protocol())
PY
  )
  expect_eq "Python ssl on $host" "200 hello, world TLSv1.3 None" "$GOT"
done
# On this machine a client may as well type localhost: the certificate names it (curl's
# refusal before: "no alternative certificate subject name matches target host name").
expect_eq "curl --cacert https://localhost:$TLS/ verifies" "hello, world" \
  "$(curl -sS --cacert "$CA" "https://localhost:$TLS/hello.txt" 2>&1)"

# openssl s_client: the protocol versions, ALPN, no compression, renegotiation refused,
# session resumption.
sclient() { echo | timeout 5 openssl s_client -connect "[::1]:$TLS" -CAfile "$CA" "$@" 2>&1 || true; }
OUT=$(sclient -tls1_3 -alpn h2,http/1.1)
expect_contains "TLS 1.3" "New, TLSv1.3, Cipher is TLS_AES_" "$OUT"
expect_contains "ALPN: http/1.1 out of h2 and http/1.1" "ALPN protocol: http/1.1" "$OUT"
expect_contains "the certificate verifies" "Verify return code: 0 (ok)" "$OUT"
OUT=$(sclient -tls1_2)
expect_contains "TLS 1.2, an ECDHE AEAD cipher" "New, TLSv1.2, Cipher is ECDHE-ECDSA-AES" "$OUT"
expect_contains "no compression" "Compression: NONE" "$OUT"
for old in tls1 tls1_1; do
  expect_contains "-$old refused" "alert protocol version" "$(sclient -$old)"
done
expect_contains "a weak TLS 1.2 cipher refused" "handshake failure" \
  "$(sclient -tls1_2 -cipher AES128-SHA)"
expect_contains "h2 alone: no_application_protocol" "no application protocol" "$(sclient -alpn h2)"
OUT=$( (sleep 0.5; printf 'R\n'; sleep 1) | timeout 5 openssl s_client -connect "127.0.0.1:$TLS" \
  -tls1_2 -CAfile "$CA" 2>&1 || true)
expect_contains "renegotiation refused" "no renegotiation" "$OUT"
for version in tls1_2 tls1_3; do
  rm -f "$WORK/session"
  printf 'GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n' |
    timeout 5 openssl s_client -ign_eof -connect "[::1]:$TLS" -CAfile "$CA" -$version -sess_out "$WORK/session" >/dev/null 2>&1 || true
  OUT=$(printf 'GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n' |
    timeout 5 openssl s_client -connect "[::1]:$TLS" -CAfile "$CA" -$version -sess_in "$WORK/session" 2>&1 || true)
  expect_contains "session resumed ($version)" "Reused, TLSv1." "$OUT"
done

# dualhttpd probe https://: the version, the certificate, whether it verifies for the URL's
# address, and why not, with the fix.
STATUS=0
OUT=$("$DUALHTTPD" probe --cacert "$CA" "$V6/" 2>&1) || STATUS=$?
expect_eq "probe https with the CA: exit 0" "0" "$STATUS"
expect_contains "probe: the TLS version and ALPN" "tls:   TLSv1.3, TLS_AES_" "$OUT"
expect_contains "probe: the certificate's names" "names IP:::1, IP:127.0.0.1" "$OUT"
expect_contains "probe: verified for the address" "verify: ok for ::1, with $CA" "$OUT"
expect_contains "probe: then /healthz" "http:  GET /healthz -> 200" "$OUT"
STATUS=0
OUT=$("$DUALHTTPD" probe "$V4/" 2>&1) || STATUS=$?
expect_eq "probe https without the CA: exit 1" "1" "$STATUS"
expect_contains "probe: a CA this host does not trust, and the fix" \
  "comes from a CA that this host's trust store does not hold" "$OUT"
expect_contains "probe: the fix names --cacert" "fix:   --cacert CA.pem" "$OUT"
expect_contains "probe --json: the TLS facts" '"verified":true' \
  "$("$DUALHTTPD" probe --json --cacert "$CA" "$V6/" 2>&1)"

# Every feature over TLS as over plain HTTP.
get() { curl -sS -g --cacert "$CA" "$@"; }
status() { get -o /dev/null -w '%{http_code}' "$@"; }
get "$V6/large.bin" -o "$WORK/large.got"
if cmp -s "$WORK/large.got" "$ROOT/large.bin"; then pass "3 MB file byte for byte over TLS"; else fail "large file over TLS differs"; fi
# Clients that read slowly while others read at once: the sends that would block finish later,
# byte for byte.
CLIENTS=()
for i in 1 2 3 4 5 6; do
  RATE=()
  [ $((i % 2)) = 0 ] && RATE=(--limit-rate 6M)
  get "${RATE[@]}" "$V6/large.bin" -o "$WORK/large.$i" &
  CLIENTS+=($!)
done
wait "${CLIENTS[@]}" || true
SAME=0
for i in 1 2 3 4 5 6; do cmp -s "$WORK/large.$i" "$ROOT/large.bin" && SAME=$((SAME + 1)); done
expect_eq "6 downloads at once, 3 of them slow: byte for byte" "6" "$SAME"
expect_eq "a range" "$(head -c 2000 "$ROOT/large.bin" | tail -c 1000 | od -An -tx1 | tr -d ' \n')" \
  "$(get -r 1000-1999 "$V4/large.bin" | od -An -tx1 | tr -d ' \n')"
expect_eq "a range: 206" "206" "$(status -r 0-9 "$V6/large.bin")"
MULTI=$(get -r 0-1,10-11 "$V6/hello.txt" | tr -d '\r')
expect_contains "two ranges: multipart" "Content-Range: bytes 10-11/13" "$MULTI"
ETAG=$(get -D - -o /dev/null "$V6/hello.txt" | tr -d '\r' | awk -F': ' 'tolower($1)=="etag"{print $2}')
expect_eq "If-None-Match: 304" "304" "$(status -H "If-None-Match: $ETAG" "$V6/hello.txt")"
HEAD=$(get -I "$V4/hello.txt" | tr -d '\r')
expect_contains "HEAD" "Content-Length: 13" "$HEAD"
expect_eq "directory: 301" "301" "$(status "$V6/docs")"
expect_eq "dotfile: 403" "403" "$(status "$V6/.htaccess")"
expect_contains "--autoindex: a listing" "<h1>Index of /empty</h1>" "$(get "$V6/empty/")"
expect_eq "a head over the limit: 431" "431" \
  "$(status -H "X-Big: $(head -c 40000 /dev/zero | tr '\0' a)" "$V6/hello.txt")"
expect_contains "/healthz over TLS: the client's family" '"family":"ipv4"' "$(get "$V4/healthz")"
OUT=$(get -v "$V6/hello.txt" "$V6/style.css" 2>&1)
expect_contains "keep-alive: two requests, one connection" "Re-using existing connection" "$OUT"
OUT=$(printf 'GET /hello.txt HTTP/1.1\r\nHost: a\r\n\r\nGET /style.css HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n' |
  timeout 5 openssl s_client -quiet -connect "[::1]:$TLS" -CAfile "$CA" 2>/dev/null | tr -d '\r' || true)
expect_contains "pipelined: the first answer" "hello, world" "$OUT"
expect_contains "pipelined: the second answer" "body { color: red }" "$OUT"
ACCESS=$(text_when "$WORK/access.log" "GET /style.css")
expect_contains "access log: a TLS request" '"GET /hello.txt HTTP/1.1" 200 13' "$ACCESS"

# Plain HTTP to the TLS port: a plain 400 that names the URL to use, then the close.
OUT=$(raw_request ::1 "$TLS" 'GET / HTTP/1.1\r\nHost: a\r\n\r\n' | tr -d '\r')
expect_contains "plain HTTP to the TLS port: 400" "HTTP/1.1 400 Bad Request" "$OUT"
expect_contains "and the URL to use" "Ask for https://[::1]:$TLS/ instead." "$OUT"
expect_eq "then the connection closes" "closed" "$(closes_after 127.0.0.1 "$TLS" 'GET / HTTP/1.1\r\nHost: a\r\n\r\n')"
# Garbage instead of a ClientHello: closed, and the server serves on.
expect_eq "garbage instead of a ClientHello: closed" "closed" \
  "$(closes_after ::1 "$TLS" '\x16\x03\x01\x00\x05garbagegarbage')"
# A client that stops in the middle of its handshake is closed at the header timeout (2 s).
start_clock
OUT=$(python3 - "$TLS" <<'PY'
import socket, sys
s = socket.create_connection(("::1", int(sys.argv[1])), timeout=10)
s.sendall(b"\x16\x03\x01\x02\x00\x01")  # a record header and the start of a ClientHello
try:
    print("closed" if not s.recv(100) else "data")
except ConnectionResetError:
    print("closed")
PY
)
stop_clock
expect_eq "a stalled handshake is closed" "closed" "$OUT"
expect_elapsed "at the header timeout" 1500 4000
expect_eq "the server serves on" "200" "$(status "$V6/")"

# A second start with the same state directory keeps the CA and the certificate; a new
# listener's address gets a new certificate from the same CA.
stop_server "$SERVER_PID"
expect_eq "SIGTERM: exit 0" "0" "$STOP_STATUS"
CA_BEFORE=$(sha256sum <"$CA")
start_server "$WORK/err2.log" --root "$ROOT" --listen "[::1]:$TLS https" --tls-self-signed \
  --state-dir "$STATE" || { cat "$WORK/err2.log"; exit 1; }
LOG=$(cat "$WORK/err2.log")
expect_not_contains "again: no new CA" "made the local CA" "$LOG"
expect_not_contains "again: no new certificate" "issued" "$LOG"
stop_server "$SERVER_PID"
run_capture --check --root "$ROOT" --listen "[::1]:$TLS https" --listen "127.0.0.2:$TLS https" \
  --tls-self-signed --state-dir "$STATE"
expect_eq "--check with a new address: exit 0" "0" "$STATUS"
expect_contains "--check: it would issue a certificate" \
  "note: would issue $STATE/server.pem for ::1, 127.0.0.2" "$OUT"
expect_contains "--check: the curl line" "curl -g --cacert $CA 'https://127.0.0.2:$TLS/'" "$OUT"
start_server "$WORK/err3.log" --root "$ROOT" --listen "[::1]:$TLS https" \
  --listen "127.0.0.2:$TLS https" --tls-self-signed --state-dir "$STATE" ||
  { cat "$WORK/err3.log"; exit 1; }
expect_contains "a new address: a new certificate" "issued $STATE/server.pem for ::1, 127.0.0.2" \
  "$(cat "$WORK/err3.log")"
expect_eq "from the same CA" "$CA_BEFORE" "$(sha256sum <"$CA")"
expect_eq "which verifies for the new address" "hello, world" \
  "$(curl -sS --cacert "$CA" "https://127.0.0.2:$TLS/hello.txt")"
stop_server "$SERVER_PID"

# The same listeners from the TOML configuration, as the packaged file shows them.
printf 'listen = ["[::1]:%s https", "127.0.0.1:%s https"]\ntls_self_signed = true\nstate_dir = "%s"\nroot = "%s"\n' \
  "$TLS" "$TLS" "$STATE" "$ROOT" >"$WORK/tls.toml"
run_capture --config "$WORK/tls.toml" --check
expect_eq "TOML: https listeners and tls_self_signed pass --check" "0" "$STATUS"
expect_contains "TOML: the TLS listener" "ok: [::1]:$TLS https ipv6" "$OUT"

# A certificate given, and what is wrong with it, in words.
cp "$STATE/server.pem" "$WORK/given.pem"
cp "$STATE/server.key" "$WORK/given.key"
run_capture --check --root "$ROOT" --listen "[::1]:$TLS https"
expect_eq "https without a certificate: exit 2" "2" "$STATUS"
expect_contains "https without a certificate: why" "[::1]:$TLS https speaks TLS, and has no certificate" "$ERR"
expect_contains "https without a certificate: the fix" "--tls-cert FILE --tls-key FILE, or --tls-self-signed" "$ERR"
chmod 644 "$WORK/given.key"
run_capture --check --root "$ROOT" --listen "[::1]:$TLS https" --tls-cert "$WORK/given.pem" --tls-key "$WORK/given.key"
expect_eq "a key every user can read: exit 2" "2" "$STATUS"
expect_contains "a key every user can read: the fix" "fix:   chmod o-rwx $WORK/given.key" "$ERR"
chmod 600 "$WORK/given.key"
run_capture --check --root "$ROOT" --listen "[::1]:$TLS https" --tls-cert "$WORK/given.pem" --tls-key "$STATE/ca.key"
expect_contains "another key" "the TLS key $STATE/ca.key does not belong to the certificate $WORK/given.pem" "$ERR"
PORT2=$(free_port)
start_server "$WORK/err4.log" --root "$ROOT" --listen "127.0.0.3:$PORT2 https" \
  --tls-cert "$WORK/given.pem" --tls-key "$WORK/given.key" || { cat "$WORK/err4.log"; exit 1; }
expect_contains "a certificate that does not name the listener: a warning" \
  "the TLS certificate $WORK/given.pem does not name 127.0.0.3" "$(cat "$WORK/err4.log")"
OUT=$(curl -sS --cacert "$CA" "https://127.0.0.3:$PORT2/" 2>&1 || true)
expect_contains "and curl says what the warning said it would" \
  "no alternative certificate subject name matches target host name '127.0.0.3'" "$OUT"
STATUS=0
OUT=$("$DUALHTTPD" probe --cacert "$CA" "https://127.0.0.3:$PORT2/" 2>&1) || STATUS=$?
expect_eq "probe of a certificate for other addresses: exit 1" "1" "$STATUS"
expect_contains "probe: it does not name the address, and what it names" \
  "the certificate does not name 127.0.0.3 (it names IP:::1, IP:127.0.0." "$OUT"
expect_contains "probe: with curl's words and the fix" "fix:   on the server, a certificate with IP:127.0.0.3" "$OUT"
stop_server "$SERVER_PID"
# A self-signed certificate (openssl req -x509): what probe makes of it.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=selfie \
  -addext subjectAltName=IP:::1 -days 30 -keyout "$WORK/self.key" -out "$WORK/self.pem" 2>/dev/null
chmod 600 "$WORK/self.key"
start_server "$WORK/err7.log" --root "$ROOT" --listen "[::1]:$PORT2 https" \
  --tls-cert "$WORK/self.pem" --tls-key "$WORK/self.key" || { cat "$WORK/err7.log"; exit 1; }
OUT=$("$DUALHTTPD" probe --cacert "$CA" "https://[::1]:$PORT2/" 2>&1 || true)
expect_contains "probe: a self-signed certificate, said so" "the certificate is self-signed (CN=selfie)" "$OUT"
expect_contains "probe: and the fix" "fix:   give its issuer with --cacert FILE" "$OUT"
stop_server "$SERVER_PID"

# SIGHUP loads the certificate and key again: started as root, serving as nobody, with the
# files in a directory only root may read (the helper that kept root reads them). New
# connections get the new certificate, a kept-alive one goes on; a reload that fails keeps
# the certificate in use and says why.
if [ "$(id -u)" = 0 ]; then
  mkdir -m 700 "$WORK/private"
  renew() {  # renew CN : a certificate for ::1 from the local CA, put in place whole
    issue_with_ca "$CA" "$STATE/ca.key" "$1" IP:::1 "$WORK/private/new"
    mv "$WORK/private/new.pem" "$WORK/private/server.pem"
    mv "$WORK/private/new.key" "$WORK/private/server.key"
  }
  subject() { echo | timeout 5 openssl s_client -connect "[::1]:$TLS" -CAfile "$CA" 2>/dev/null | sed -n 's/^subject=//p'; }
  renew first
  start_server "$WORK/err6.log" --root "$ROOT" --listen "[::1]:$TLS https" \
    --tls-cert "$WORK/private/server.pem" --tls-key "$WORK/private/server.key" || { cat "$WORK/err6.log"; exit 1; }
  expect_contains "reload: serving as nobody" "serving as nobody" "$(cat "$WORK/err6.log")"
  expect_eq "reload: the first certificate" "CN = first" "$(subject)"
  # A client that keeps its connection across the reload.
  python3 - "$CA" "$TLS" "$WORK/reloaded" >"$WORK/kept.out" 2>&1 <<'PY' &
import http.client, os, ssl, sys, time
c = http.client.HTTPSConnection("::1", int(sys.argv[2]), context=ssl.create_default_context(cafile=sys.argv[1]), timeout=20)
c.request("GET", "/hello.txt"); print("before:", c.getresponse().read().decode().strip())
for _ in range(100):
    if os.path.exists(sys.argv[3]): break
    time.sleep(0.1)
c.request("GET", "/hello.txt"); print("after:", c.getresponse().read().decode().strip())
PY
  KEPT=$!
  sleep 0.5
  renew second
  kill -HUP "$SERVER_PID"
  expect_contains "reload: said so" "SIGHUP: TLS certificate $WORK/private/server.pem loaded again (CN=second" \
    "$(text_when "$WORK/err6.log" "loaded again")"
  touch "$WORK/reloaded"
  wait "$KEPT" || true
  expect_eq "reload: new connections get the new certificate" "CN = second" "$(subject)"
  expect_eq "reload: a connection kept alive across it goes on" $'before: hello, world\nafter: hello, world' \
    "$(cat "$WORK/kept.out")"
  printf 'not a key\n' >"$WORK/private/server.key"
  kill -HUP "$SERVER_PID"
  expect_contains "a reload that fails keeps the certificate in use, and says why" \
    "SIGHUP: the TLS certificate in use stays, because $WORK/private/server.key holds no private key" \
    "$(text_when "$WORK/err6.log" "in use stays")"
  expect_eq "and serves with it" "CN = second" "$(subject)"
  stop_server "$SERVER_PID"
fi

# --redirect-to-https: the plain listeners send every client to the TLS listener of the
# address it reached, on the normalised path. nginx's usual `return 301 https://$host...`
# builds the URL from the Host header; here nothing the request says can name the host, so
# no request can make the redirect point off-site.
PLAIN2=$(free_port)
start_server "$WORK/err5.log" --root "$ROOT" --listen "[::1]:$PLAIN2" --listen "127.0.0.1:$PLAIN2" \
  --listen "127.0.0.2:$PLAIN2" --listen "[::1]:$TLS https" --listen "127.0.0.1:$TLS https" \
  --tls-self-signed --state-dir "$STATE" --redirect-to-https || { cat "$WORK/err5.log"; exit 1; }
location() { curl -sS -g --path-as-is -o /dev/null -w '%{http_code} %{redirect_url}' "$@"; }
expect_eq "redirect: IPv6, the literal bracketed, the TLS port, the path normalised" \
  "301 https://[::1]:$TLS/hello.txt?x=1" "$(location "http://[::1]:$PLAIN2/docs/../hello.txt?x=1")"
expect_eq "redirect: IPv4, an encoded name stays encoded" \
  "301 https://127.0.0.1:$TLS/with%20space.txt" "$(location "http://127.0.0.1:$PLAIN2/with%20space.txt")"
expect_eq "redirect: a directory keeps its slash" "301 https://[::1]:$TLS/docs/" \
  "$(location "http://[::1]:$PLAIN2/docs/")"
expect_eq "redirect: the Host header names no host" "301 https://[::1]:$TLS/x" \
  "$(location -H 'Host: evil.example' "http://[::1]:$PLAIN2/x")"
expect_eq "redirect: //host in the path stays a path" "301 https://[::1]:$TLS/evil.example/x" \
  "$(location "http://[::1]:$PLAIN2//evil.example/x")"
expect_eq "redirect: a bad escape is refused, not sent on" "400 " "$(location "http://[::1]:$PLAIN2/%zz")"
expect_eq "redirect: curl -L arrives" "hello, world" \
  "$(curl -sS -g -L --cacert "$CA" "http://127.0.0.1:$PLAIN2/hello.txt")"
expect_contains "redirect: /healthz still answers on the plain listener" '"status":"ok"' \
  "$(curl -sS -g "http://[::1]:$PLAIN2/healthz")"
expect_contains "redirect: a plain listener without TLS on its address serves, and says so" \
  "--redirect-to-https: 127.0.0.2:$PLAIN2 serves as before" "$(cat "$WORK/err5.log")"
expect_contains "with the listener to add" "add --listen '127.0.0.2:$TLS https'" "$(cat "$WORK/err5.log")"
expect_eq "and it serves" "200" "$(curl -sS -o /dev/null -w '%{http_code}' "http://127.0.0.2:$PLAIN2/hello.txt")"
stop_server "$SERVER_PID"
run_capture --check --root "$ROOT" --listen "[::1]:$PLAIN2" --redirect-to-https
expect_eq "--redirect-to-https without TLS: exit 2" "2" "$STATUS"
expect_contains "and why" "--redirect-to-https, and no listener speaks TLS" "$ERR"

# A link-local TLS listener, in a namespace of our own with a veth pair: the warning says
# what each client makes of a certificate that cannot carry the zone, and each client does
# just that.
if [ "$(id -u)" = 0 ]; then
  NS=dualhttpd-tls-$$
  make_netns "$NS"
  ip -n "$NS" link add v0 type veth peer name v1
  # No duplicate address detection: the client's own link-local address is usable at once.
  ip netns exec "$NS" sysctl -qw net.ipv6.conf.v0.accept_dad=0 net.ipv6.conf.v1.accept_dad=0
  ip -n "$NS" link set v0 up
  ip -n "$NS" link set v1 up
  ip -n "$NS" addr add fe80::24/64 dev v0 nodad
  ip netns exec "$NS" "$DUALHTTPD" --root "$ROOT" --listen "[fe80::24%v0]:8443 https" \
    --tls-self-signed --state-dir "$WORK/ll" --access-log off >/dev/null 2>"$WORK/ll.log" &
  PIDS+=($!)
  wait_serving "$WORK/ll.log" || true
  LOG=$(cat "$WORK/ll.log")
  expect_contains "link-local TLS: a warning" "[fe80::24%v0]:8443 https speaks TLS on a link-local address" "$LOG"
  expect_contains "that says curl accepts it" "curl -g 'https://[fe80::24%25IFACE]:8443/' checks the address without the zone and accepts it" "$LOG"
  expect_contains "with the fix" "serve TLS on a global or ULA address too" "$LOG"
  expect_contains "curl: as the warning says" '"zone":"v0"' \
    "$(ip netns exec "$NS" curl -sS -g --cacert "$WORK/ll/ca.pem" 'https://[fe80::24%25v1]:8443/healthz' 2>&1)"
  OUT=$(ip netns exec "$NS" python3 - "$WORK/ll/ca.pem" <<'PY'
import http.client, socket, ssl, sys
context = ssl.create_default_context(cafile=sys.argv[1])
try:
    c = http.client.HTTPSConnection("fe80::24%v1", 8443, context=context, timeout=5)
    c.request("GET", "/hello.txt")
    print("zone in the name:", c.getresponse().status)
except ssl.SSLError as e:
    print("zone in the name:", e.reason, e.verify_message)
sock = socket.create_connection(("fe80::24%v1", 8443), timeout=5)
with context.wrap_socket(sock, server_hostname="fe80::24") as s:
    s.sendall(b"GET /hello.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    print("server_hostname without it:", s.recv(100).split(b"\r\n")[0].decode())
PY
  )
  expect_contains "Python: refused with the zone in the name" "zone in the name: CERTIFICATE_VERIFY_FAILED Hostname mismatch, certificate is not valid for 'fe80::24%v1'" "$OUT"
  expect_contains "Python: accepted with server_hostname='fe80::24'" "server_hostname without it: HTTP/1.1 200 OK" "$OUT"
elif [ -n "${DUALHTTPD_NO_SKIP:-}" ]; then
  fail "the link-local case needs root for a network namespace, and DUALHTTPD_NO_SKIP forbids skipping"
else
  echo "skipped the link-local case: needs root for a network namespace"
fi

finish
