#!/usr/bin/env bash
# The seed story on the lab (packaging/lab/dualhttpd-lab), one case per CTest test:
#   lab.sh reach|linklocal|tentative|dualstack|healthz|probe|browser|https|demo
# Each case has its own namespace prefix and takes the lab down again, on failure too.
source "$(dirname "$0")/lib.sh"
require_root
CASE=${1:?usage: lab.sh CASE}
SOURCE_DIR=$(cd "$(dirname "$0")/../.." && pwd)
LAB=("$SOURCE_DIR/packaging/lab/dualhttpd-lab" --prefix "t$CASE$$-" --dualhttpd "$DUALHTTPD" --root "$SOURCE_DIR/www")
GUEST_NS="t$CASE$$-guest"
HOST_NS="t$CASE$$-host"
G=(ip netns exec "$GUEST_NS")
INDEX="$SOURCE_DIR/www/index.html"
LL=fe80::a00:27ff:fe51:575
H=(ip netns exec "$HOST_NS")
trap '"${LAB[@]}" down >/dev/null 2>&1 || true; cleanup' EXIT
if [ "$CASE" = demo ]; then  # the tutorial runs from end to end and tells the story
  DEMO=$("${LAB[@]}" demo 2>&1) || fail "demo exited with $?"
  expect_contains "demo: the link-local trap" "it is on enp0s8: listen on [$LL%enp0s8]:8080" "$DEMO"
  expect_contains "demo: no route before the fix" "RTNETLINK answers: Network is unreachable" "$DEMO"
  expect_contains "demo: probe explains it" "no route to 2001:db8:21c::24" "$DEMO"
  expect_contains "demo: the fix" "fix: vboxnet0 has 2001:db8:21c::25/64" "$DEMO"
  expect_contains "demo: the route after the fix" "dev vboxnet0 proto kernel src 2001:db8:21c::25" "$DEMO"
  expect_contains "demo: probe after the fix" "GET /healthz -> 200" "$DEMO"
  expect_contains "demo: link-local with a zone on each side" '"zone":"enp0s8"' "$DEMO"
  # Each server the demo starts is its own and is stopped before the next: section 6 shows
  # its own log, and only its socket listens (the server of section 3 had stayed up, its
  # PID that of a subshell, and the demo once curled before the new one listened).
  SIX=$(printf '%s\n' "$DEMO" | sed -n '/^### 6\./,/^### 7\./p')
  expect_contains "demo: the link-local server's own log" \
    "listening on [$LL%enp0s8]:8080 ipv6 interface=enp0s8" "$SIX"
  expect_contains "demo: its socket, with the zone" "[$LL]%enp0s8:8080" "$SIX"
  expect_not_contains "demo: the global address's server is gone" "2001:db8:21c::24]:8080 " "$SIX"
  expect_contains "demo: cleans up" "down: t${CASE}$$-guest and t${CASE}$$-host removed" "$DEMO"
  finish
  exit 0
fi
"${LAB[@]}" up

# serve NAME ARGS... : dualhttpd in the guest; waits for it to serve (PID in SERVED).
serve() {
  local name=$1
  shift
  "${G[@]}" "$DUALHTTPD" --root "$SOURCE_DIR/www" --access-log off "$@" 2>"$WORK/$name.log" &
  SERVED=$!
  PIDS+=("$SERVED")
  for _ in $(seq 1 160); do
    is_serving "$WORK/$name.log" && return 0
    kill -0 "$SERVED" 2>/dev/null || break
    sleep 0.05
  done
  cat "$WORK/$name.log"
  return 1
}

probe_from_host() {  # probe_from_host ARGS... : dualhttpd probe in the host; sets OUT and STATUS
  STATUS=0
  OUT=$("${H[@]}" "$DUALHTTPD" probe "$@" 2>&1) || STATUS=$?
}

same_as_index() {  # same_as_index WHAT URL : fetch from the host, compare with www/index.html
  if "${H[@]}" curl -sg --max-time 5 "$2" -o "$WORK/got" && cmp -s "$WORK/got" "$INDEX"; then
    pass "$1"
  else
    fail "$1: not www/index.html byte for byte"
  fi
}

case $CASE in
  reach)
    serve global --listen '[2001:db8:21c::24]:8080'
    expect_contains "start-up hint: the prefix a client needs" "it lives in 2001:db8:21c::/64 on enp0s8" "$(cat "$WORK/global.log")"
    start_clock
    CURL=0
    CURL_ERR=$("${H[@]}" curl -sgS --max-time 10 'http://[2001:db8:21c::24]:8080/' 2>&1 >/dev/null) || CURL=$?
    stop_clock
    expect_eq "before fix: curl cannot connect (exit 7)" "7" "$CURL"
    expect_contains "before fix: curl's words" "Couldn't connect to server" "$CURL_ERR"
    expect_elapsed "before fix: fails at once, not a timeout" 0 2000
    ROUTE=$("${H[@]}" ip -6 route get 2001:db8:21c::24 2>&1 || true)
    expect_contains "before fix: no route" "Network is unreachable" "$ROUTE"
    "${LAB[@]}" fix
    expect_contains "after fix: connected route" "dev vboxnet0" "$("${H[@]}" ip -6 route get 2001:db8:21c::24)"
    same_as_index "after fix: curl -g 'http://[2001:db8:21c::24]:8080/' returns www/index.html" 'http://[2001:db8:21c::24]:8080/'
    ;;
  linklocal)
    STATUS=0
    ERR=$("${G[@]}" "$DUALHTTPD" --root "$SOURCE_DIR/www" --listen "[$LL]:8080" 2>&1) || STATUS=$?
    expect_eq "link-local without zone: exit status" "3" "$STATUS"
    expect_contains "names enp0s8" "it is on enp0s8" "$ERR"
    expect_contains "prints the corrected form" "[$LL%enp0s8]:8080" "$ERR"
    CHECK_OUT=$("${G[@]}" "$DUALHTTPD" --root "$SOURCE_DIR/www" --check --listen "[$LL%enp0s8]:8080")
    expect_contains "--check gives the client's curl line" "curl -g 'http://[$LL%25<iface>]:8080/'" "$CHECK_OUT"
    expect_contains "--check warns about link-local" "warning: a link-local address" "$CHECK_OUT"
    serve ll --listen "[$LL%enp0s8]:8080"
    same_as_index "host reaches [$LL%25vboxnet0]:8080" "http://[$LL%25vboxnet0]:8080/"
    LL_HEALTH=$("${H[@]}" curl -sg --max-time 5 "http://[$LL%25vboxnet0]:8080/healthz")
    expect_contains "healthz over link-local names the local zone" '"interface":"enp0s8","zone":"enp0s8"' "$LL_HEALTH"
    expect_not_contains "the client's address carries no zone of ours" '%enp0s8","port"' "$LL_HEALTH"
    ;;
  tentative)
    "${LAB[@]}" fix
    "${G[@]}" ip addr add 2001:db8:21c::30/64 dev enp0s8
    STATUS=0
    ERR=$("${G[@]}" "$DUALHTTPD" --root "$SOURCE_DIR/www" --listen '[2001:db8:21c::30]:8080' 2>&1) || STATUS=$?
    expect_eq "tentative without waiting: exit status" "3" "$STATUS"
    expect_contains "says tentative" "still tentative" "$ERR"
    "${G[@]}" ip addr add 2001:db8:21c::31/64 dev enp0s8
    serve wait --bind-wait 5 --listen '[2001:db8:21c::31]:8080' || fail "--bind-wait did not start"
    expect_contains "logged the wait" "still tentative" "$(cat "$WORK/wait.log")"
    same_as_index "serves once DAD completes" 'http://[2001:db8:21c::31]:8080/'
    ;;
  dualstack)
    "${LAB[@]}" fix
    serve both --listen '[2001:db8:21c::24]:8080' --listen '198.51.100.24:8080'
    same_as_index "one server, IPv6 literal" 'http://[2001:db8:21c::24]:8080/'
    same_as_index "one server, IPv4 literal" 'http://198.51.100.24:8080/'
    serve bare --listen 8081
    same_as_index "bare port over IPv6" 'http://[2001:db8:21c::24]:8081/'
    same_as_index "bare port over IPv4" 'http://198.51.100.24:8081/'
    serve wild --listen '[::]:8082'
    same_as_index "[::] over IPv6" 'http://[2001:db8:21c::24]:8082/'
    V4=0
    "${H[@]}" curl -sg --max-time 3 -o /dev/null 'http://198.51.100.24:8082/' || V4=$?
    expect_eq "[::] alone refuses IPv4" "7" "$V4"
    serve mapped --ipv4-mapped --listen '[::]:8083'
    same_as_index "[::] with --ipv4-mapped over IPv4" 'http://198.51.100.24:8083/'
    ;;
  healthz)
    "${LAB[@]}" fix
    serve h --listen '[2001:db8:21c::24]:8080'
    H_JSON=$("${H[@]}" curl -sg --max-time 5 'http://[2001:db8:21c::24]:8080/healthz')
    expect_contains "client is the host's address" '"client":{"address":"2001:db8:21c::25"' "$H_JSON"
    expect_contains "local is the guest's address on enp0s8" '"local":{"address":"2001:db8:21c::24","port":8080,"interface":"enp0s8","zone":null}' "$H_JSON"
    expect_contains "family" '"family":"ipv6"' "$H_JSON"
    ;;
  probe)
    serve p --listen '[2001:db8:21c::24]:8080'
    probe_from_host 'http://[2001:db8:21c::24]:8080/'
    expect_eq "probe before fix fails" "1" "$STATUS"
    expect_contains "says there is no route" "no route to 2001:db8:21c::24" "$OUT"
    expect_contains "names the prefix" "no address in 2001:db8:21c::/64" "$OUT"
    expect_contains "says what to add" "ip -6 addr add 2001:db8:21c::25/64 dev IFACE" "$OUT"
    # With a default route on the LAN side, the packet would leave the wrong way: say so.
    "${H[@]}" ip -6 route add default via 2001:db8:26c::1 dev eno1
    probe_from_host --timeout 1 'http://[2001:db8:21c::24]:8080/'
    expect_eq "probe through the default route fails" "1" "$STATUS"
    expect_contains "names the way out" "would leave via eno1 from 2001:db8:26c::26, not on-link" "$OUT"
    expect_contains "asks the question" "is that the link to the server?" "$OUT"
    "${H[@]}" ip -6 route del default
    "${LAB[@]}" fix
    probe_from_host 'http://[2001:db8:21c::24]:8080/'
    expect_eq "probe after fix succeeds" "0" "$STATUS"
    expect_contains "on-link via vboxnet0" "would leave via vboxnet0 from 2001:db8:21c::25, on-link" "$OUT"
    expect_contains "fetched /healthz" "GET /healthz -> 200" "$OUT"
    expect_contains "the server saw the source address" "saw this client as 2001:db8:21c::25 (the source address above)" "$OUT"
    JSON=$("${H[@]}" "$DUALHTTPD" probe --json 'http://[2001:db8:21c::24]:8080/')
    expect_contains "--json" '"ok":true' "$JSON"
    # Link-local without this host's interface: why, and the URL to type, not a bare EINVAL.
    probe_from_host "http://[$LL]:8080/"
    expect_eq "link-local without a zone fails" "1" "$STATUS"
    expect_not_contains "no bare EINVAL" "cannot find a route" "$OUT"
    expect_contains "says what a zone is for" "which of this host's interfaces is on the server's link" "$OUT"
    expect_contains "offers this host's interface" "dualhttpd probe 'http://[$LL%25vboxnet0]:8080/'" "$OUT"
    probe_from_host "http://[$LL%25enp0s8]:8080/"
    expect_contains "the server's interface name: this host has none" "this host has no interface enp0s8" "$OUT"
    # The URL it offers works as written, once the server listens on its link-local address.
    OFFERED=$(grep -o "dualhttpd probe 'http://\[$LL%25vboxnet0\]:8080/'" <<<"$OUT" | head -n 1 | cut -d"'" -f2)
    serve ll --listen "[$LL%enp0s8]:8080"
    probe_from_host "$OFFERED"
    expect_eq "the offered URL probes the server" "0" "$STATUS"
    # Refused: the host answered, nothing listens on that port.
    probe_from_host 'http://[2001:db8:21c::24]:8099/'
    expect_eq "refused fails" "1" "$STATUS"
    expect_contains "refused: the host answered, nothing listens" "answered, but nothing listens there on port 8099" "$OUT"
    expect_contains "refused: where to look" "ss -ltn 'sport = :8099'" "$OUT"
    # Silent: the guest's firewall drops the port: no answer at all, and where to look.
    "${G[@]}" nft -f - <<'NFT'
table inet dualhttpd_test {
  chain input {
    type filter hook input priority 0;
    tcp dport 8080 drop
  }
}
NFT
    probe_from_host --timeout 2 'http://[2001:db8:21c::24]:8080/'
    "${G[@]}" nft delete table inet dualhttpd_test
    expect_eq "dropped fails" "1" "$STATUS"
    expect_contains "dropped: no answer at all" "no answer at all within 2 s" "$OUT"
    expect_contains "dropped: the firewall commands to look with" "nft list ruleset" "$OUT"
    HELP=$("$DUALHTTPD" probe --help)
    expect_contains "probe --help has its own exit statuses" "0 reachable, and the server answered below 400" "$HELP"
    expect_not_contains "and not the server's" "a listener cannot be opened here" "$HELP"
    ;;
  https)
    # The guest serves HTTPS on its global literals with --tls-self-signed; the host is given
    # the guest's ca.pem (the namespaces share the file system) and verifies on the first try.
    "${LAB[@]}" fix
    serve tls --listen '[2001:db8:21c::24]:8443 https' --listen '198.51.100.24:8443 https' \
      --tls-self-signed --state-dir "$WORK/state"
    CA=$WORK/state/ca.pem
    expect_contains "the guest's log: the line to run on the host" \
      "curl -g --cacert $CA 'https://[2001:db8:21c::24]:8443/'" "$(cat "$WORK/tls.log")"
    if "${H[@]}" curl -sg --max-time 5 --cacert "$CA" 'https://[2001:db8:21c::24]:8443/' -o "$WORK/got" &&
      cmp -s "$WORK/got" "$INDEX"; then
      pass "the host: curl --cacert 'https://[2001:db8:21c::24]:8443/' verifies and gets www/index.html"
    else
      fail "the host: curl --cacert over IPv6"
    fi
    expect_contains "the host, over IPv4 too" "dualhttpd works" \
      "$("${H[@]}" curl -sg --max-time 5 --cacert "$CA" 'https://198.51.100.24:8443/' 2>&1)"
    expect_contains "the host without the CA: curl's refusal" "unable to get local issuer certificate" \
      "$("${H[@]}" curl -sgS --max-time 5 'https://[2001:db8:21c::24]:8443/' 2>&1 || true)"
    probe_from_host --cacert "$CA" 'https://[2001:db8:21c::24]:8443/'
    expect_eq "probe https from the host: exit 0" "0" "$STATUS"
    expect_contains "probe: the certificate names the guest's literals" \
      "names IP:2001:db8:21c::24, IP:198.51.100.24" "$OUT"
    expect_contains "probe: it verifies for the literal" "verify: ok for 2001:db8:21c::24" "$OUT"
    expect_contains "probe: the server saw the host" "the server saw this client as 2001:db8:21c::25" "$OUT"
    kill "$SERVED"
    wait "$SERVED" 2>/dev/null || true
    # A certificate of the same CA, made for another address: the explained failure.
    issue_with_ca "$CA" "$WORK/state/ca.key" elsewhere IP:2001:db8:21c::99 "$WORK/other"
    serve other --listen '[2001:db8:21c::24]:8443 https' --tls-cert "$WORK/other.pem" \
      --tls-key "$WORK/other.key"
    expect_contains "the guest warns at start" "does not name 2001:db8:21c::24" "$(cat "$WORK/other.log")"
    expect_contains "the host's curl says what the warning said" \
      "no alternative certificate subject name matches target host name '2001:db8:21c::24'" \
      "$("${H[@]}" curl -sgS --max-time 5 --cacert "$CA" 'https://[2001:db8:21c::24]:8443/' 2>&1 || true)"
    probe_from_host --cacert "$CA" 'https://[2001:db8:21c::24]:8443/'
    expect_eq "probe: exit 1" "1" "$STATUS"
    expect_contains "probe explains it" \
      "the certificate does not name 2001:db8:21c::24 (it names IP:2001:db8:21c::99)" "$OUT"
    expect_contains "with the fix" "fix:   on the server, a certificate with IP:2001:db8:21c::24" "$OUT"
    ;;
  browser)
    if ! command -v chromium >/dev/null; then
      fail "chromium is missing: run packaging/install-deps --test"
      finish
    fi
    "${LAB[@]}" fix
    serve b --listen '[2001:db8:21c::24]:8080'
    mkdir -p "$WORK/chrome"
    DOM=$("${H[@]}" env HOME="$WORK/chrome" timeout 60 chromium --headless --no-sandbox --disable-gpu \
      --disable-quic --no-first-run --disable-background-networking --disable-component-update \
      --disable-sync --user-data-dir="$WORK/chrome" --virtual-time-budget=5000 \
      --dump-dom 'http://[2001:db8:21c::24]:8080/' 2>"$WORK/chrome.err") || true
    TEXT=$(sed -e 's/<[^>]*>//g' <<<"$DOM")
    expect_contains "the page says where the browser arrived" \
      "You reached dualhttpd at [2001:db8:21c::24]:8080 over IPv6 from 2001:db8:21c::25 via enp0s8" "$TEXT"
    expect_contains "and what the server saw" "The server saw your connection come from 2001:db8:21c::25" "$TEXT"
    ;;
  *)
    echo "unknown case $CASE"
    exit 2
    ;;
esac
finish
