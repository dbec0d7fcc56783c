#!/usr/bin/env bash
# Every bind failure, on real interfaces in network namespaces this test makes: a guest
# with enp0s8 (2001:db8:21c::24, link-local fe80::a00:27ff:fe51:575) and enp0s3, joined
# by veth pairs to a host. Each case asserts the exit status and the words a user reads,
# and that --check says the same as a real start.
source "$(dirname "$0")/lib.sh"
require_root

GUEST=dh-guest-$$
HOST=dh-host-$$
make_netns "$GUEST"
make_netns "$HOST"
ip link add enp0s8 netns "$GUEST" address 08:00:27:51:05:75 type veth peer name vboxnet0 netns "$HOST"
ip link add enp0s3 netns "$GUEST" address 08:00:27:12:34:56 type veth peer name eno1 netns "$HOST"
for dev in enp0s8 enp0s3; do ip -n "$GUEST" link set "$dev" up; done
for dev in vboxnet0 eno1; do ip -n "$HOST" link set "$dev" up; done
ip -n "$GUEST" addr add 2001:db8:21c::24/64 dev enp0s8 nodad
ip -n "$GUEST" addr add 192.0.2.24/24 dev enp0s8
ip -n "$HOST" addr add 192.0.2.25/24 dev vboxnet0
# Wait for the link-local addresses to finish DAD.
for _ in $(seq 1 60); do
  [ -z "$(ip -n "$GUEST" -6 addr show tentative)$(ip -n "$HOST" -6 addr show tentative)" ] && break
  sleep 0.1
done

ROOT=$(make_docroot)
LL=fe80::a00:27ff:fe51:575
G=(ip netns exec "$GUEST")

# in_guest ARGS... : runs dualhttpd in the guest; sets OUT, ERR, STATUS.
in_guest() {
  STATUS=0
  "${G[@]}" "$DUALHTTPD" --root "$ROOT" "$@" >"$WORK/run.out" 2>"$WORK/run.err" || STATUS=$?
  OUT=$(cat "$WORK/run.out")
  ERR=$(cat "$WORK/run.err")
}

# refused NAME STATUS ARGS... : both a start and --check fail with STATUS and the same words.
refused() {
  local name=$1 want=$2
  shift 2
  in_guest --check "$@"
  local check_status=$STATUS check_err=$ERR
  CHECK_OUT=$OUT
  in_guest "$@"
  expect_eq "$name: exit status" "$want" "$STATUS"
  expect_eq "$name: --check agrees" "$want" "$check_status"
  expect_eq "$name: --check prints the same problems" \
    "$(grep -v '^dualhttpd: [0-9]* problem' <<<"$ERR")" "$(grep -v '^dualhttpd: [0-9]* problem' <<<"$check_err")"
  expect_not_contains "$name: nothing listened" "listening on" "$ERR"
}

echo "--- 1. link-local without a zone"
refused "link-local" 3 --listen "[$LL]:8080"
expect_contains "names the address as link-local" "$LL is a link-local address" "$ERR"
expect_contains "says what the kernel would answer" "EINVAL (Invalid argument)" "$ERR"
expect_contains "names the owning interface" "it is on enp0s8" "$ERR"
expect_contains "prints the corrected form" "[$LL%enp0s8]:8080" "$ERR"
refused "unheld link-local" 3 --listen "[fe80::99]:8080"
expect_contains "says nobody holds it" "no interface here holds fe80::99" "$ERR"
expect_contains "lists the link-locals" "$LL%enp0s8" "$ERR"
expect_contains "lists the other link-local" "fe80::a00:27ff:fe12:3456%enp0s3" "$ERR"

echo "--- the corrected form serves, by name and by index"
"${G[@]}" "$DUALHTTPD" --root "$ROOT" --access-log off --listen "[$LL%enp0s8]:8080" 2>"$WORK/ll.log" &
PIDS+=($!)
LLPID=$!
wait_serving "$WORK/ll.log" 50 || true
expect_contains "start-up log names the interface" "[$LL%enp0s8]:8080 ipv6 interface=enp0s8 v6only=on" "$(cat "$WORK/ll.log")"
BODY=$(ip netns exec "$HOST" curl -sg --max-time 5 "http://[$LL%25vboxnet0]:8080/hello.txt" || true)
expect_eq "host reaches the link-local with %25vboxnet0" "hello, world" "$BODY"
kill "$LLPID"; wait "$LLPID" || true
IDX=$(ip -n "$GUEST" -o link show enp0s8 | cut -d: -f1)
in_guest --check --listen "[$LL%$IDX]:8080"
expect_eq "numeric zone passes --check" "0" "$STATUS"
expect_contains "numeric zone resolves to the interface" "interface=enp0s8" "$OUT"

echo "--- 2. zones"
refused "unknown zone" 3 --listen "[$LL%eth9]:8080"
expect_contains "unknown zone named" "no interface named 'eth9'" "$ERR"
expect_contains "lists the interfaces" "lo, enp0s8, enp0s3" "$ERR"
expect_contains "unknown zone offers the right one" "[$LL%enp0s8]:8080" "$ERR"
refused "unknown index" 3 --listen "[$LL%99]:8080"
expect_contains "unknown index" "no interface with index '99'" "$ERR"
refused "zone on a global address" 2 --listen "[2001:db8:21c::24%enp0s8]:8080"
expect_contains "zone on global refused" "only link-local (fe80::/10) addresses take a zone" "$ERR"
expect_contains "zone on global fix" "listen on [2001:db8:21c::24]:8080" "$ERR"
refused "link-local on the wrong interface" 3 --listen "[$LL%enp0s3]:8080"
expect_contains "wrong interface" "is not on enp0s3; it is on enp0s8" "$ERR"

echo "--- 3. address on no interface"
refused "absent IPv6" 3 --listen "[2001:db8:21c::99]:8080"
expect_contains "absent in plain words" "2001:db8:21c::99 is not assigned to any interface" "$ERR"
expect_contains "absent errno" "EADDRNOTAVAIL: Cannot assign requested address" "$ERR"
expect_contains "lists this machine's addresses" "2001:db8:21c::24" "$ERR"
refused "absent IPv4" 3 --listen "192.0.2.99:8080"
expect_contains "lists IPv4 addresses" "192.0.2.24" "$ERR"

echo "--- 4. tentative and dadfailed"
ip -n "$GUEST" addr add 2001:db8:21c::30/64 dev enp0s8
in_guest --listen "[2001:db8:21c::30]:8080"
expect_eq "tentative: exit status" "3" "$STATUS"
expect_contains "says tentative" "is on enp0s8 but still tentative" "$ERR"
expect_contains "explains DAD" "duplicate address detection (DAD) has not finished" "$ERR"
ip -n "$HOST" addr add 2001:db8:21c::40/64 dev vboxnet0 nodad
ip -n "$GUEST" addr add 2001:db8:21c::40/64 dev enp0s8
for _ in $(seq 1 50); do
  ip -n "$GUEST" -6 addr show dev enp0s8 dadfailed | grep -q 2001:db8:21c::40 && break
  sleep 0.1
done
refused "dadfailed" 3 --listen "[2001:db8:21c::40]:8080"
expect_contains "says dadfailed" "failed duplicate address detection (dadfailed)" "$ERR"
expect_contains "says another host has it" "another host on the link already uses it" "$ERR"

echo "--- 5. IPv6 disabled"
ip netns exec "$GUEST" sysctl -qw net.ipv6.conf.enp0s3.disable_ipv6=1
refused "IPv6 off on the zone's interface" 3 --listen "[fe80::a00:27ff:fe12:3456%enp0s3]:8080"
expect_contains "IPv6 disabled on interface" "IPv6 is disabled on enp0s3 (net.ipv6.conf.enp0s3.disable_ipv6 = 1)" "$ERR"
OFF=dh-v6off-$$
make_netns "$OFF"
ip netns exec "$OFF" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
STATUS=0
ip netns exec "$OFF" "$DUALHTTPD" --root "$ROOT" --listen '[::1]:8080' 2>"$WORK/off.err" || STATUS=$?
expect_eq "IPv6 off everywhere: exit status" "3" "$STATUS"
expect_contains "IPv6 disabled everywhere" "IPv6 is disabled on this machine (net.ipv6.conf.all.disable_ipv6 = 1)" "$(cat "$WORK/off.err")"
expect_contains "how to check" "sysctl net.ipv6.conf.all.disable_ipv6" "$(cat "$WORK/off.err")"
expect_contains "and the IPv4 listener instead" "or listen on 127.0.0.1:8080" "$(cat "$WORK/off.err")"
# No --listen: the IPv4 half of the default serves, and the IPv6 half is named.
ip netns exec "$OFF" ip link set lo up
ip netns exec "$OFF" "$DUALHTTPD" --root "$ROOT" --access-log off 2>"$WORK/default.err" &
DEFAULT=$!
PIDS+=("$DEFAULT")
wait_serving "$WORK/default.err" 60 || true
expect_contains "default listeners without IPv6: IPv4 serves" "listening on 127.0.0.1:8080" "$(cat "$WORK/default.err")"
expect_contains "and the IPv6 half is named, with why" "[::1]:8080 is left out of the default listeners: IPv6 is disabled" "$(cat "$WORK/default.err")"
expect_eq "it answers on 127.0.0.1:8080" "200" \
  "$(ip netns exec "$OFF" curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:8080/healthz)"
kill "$DEFAULT"
wait "$DEFAULT" || true
STATUS=0
WILD=$(ip netns exec "$OFF" "$DUALHTTPD" --root "$ROOT" --check --listen 8080 2>&1) || STATUS=$?
expect_eq "a bare port passes --check without IPv6" "0" "$STATUS"
expect_contains "but is warned about: no IPv6 connection can arrive" \
  "warning: IPv6 is disabled on this machine (net.ipv6.conf.all.disable_ipv6 = 1): this socket listens, but no IPv6 connection can arrive" "$WILD"

echo "--- 6. port in use"
"${G[@]}" "$DUALHTTPD" --root "$ROOT" --access-log off --listen '[2001:db8:21c::24]:8080' 2>"$WORK/first.log" &
FIRST=$!
PIDS+=("$FIRST")
wait_serving "$WORK/first.log" 50 || true
refused "port in use" 3 --listen '[2001:db8:21c::24]:8080'
expect_contains "in use in plain words" "port 8080 is already in use on [2001:db8:21c::24]" "$ERR"
expect_contains "names the process" "dualhttpd (pid $FIRST) holds it" "$ERR"
expect_contains "in use errno" "EADDRINUSE" "$ERR"
refused "nothing listens unless all can" 3 --listen '192.0.2.24:8080' --listen '[2001:db8:21c::24]:8080'
expect_contains "--check shows the good listener passed" "ok: 192.0.2.24:8080" "$CHECK_OUT"
kill "$FIRST"; wait "$FIRST" || true
# Seen from a client: while a start waits for a missing address, the listener that could be
# opened refuses connections (it was bound on trial and closed, never listened on).
"${G[@]}" "$DUALHTTPD" --root "$ROOT" --access-log off --bind-wait 3 --listen '192.0.2.24:8081' \
  --listen '[2001:db8:21c::99]:8081' 2>"$WORK/waiting.log" &
WAITING=$!
PIDS+=("$WAITING")
for _ in $(seq 1 50); do grep -q 'waiting up to' "$WORK/waiting.log" && break; sleep 0.05; done
CONNECT=0
"${G[@]}" curl -s --max-time 2 -o /dev/null http://192.0.2.24:8081/ || CONNECT=$?
expect_eq "while it waits, the good listener refuses connections (curl exit 7)" "7" "$CONNECT"
WAIT_STATUS=0
wait "$WAITING" || WAIT_STATUS=$?
expect_eq "and the start fails in the end (exit 3)" "3" "$WAIT_STATUS"

echo "--- every problem of one listener at once"
STATUS=0
"${G[@]}" setpriv --bounding-set -net_bind_service --inh-caps -net_bind_service \
  "$DUALHTTPD" --root "$ROOT" --check --listen "[$LL]:80" 2>"$WORK/both.err" || STATUS=$?
expect_contains "the zone" "$LL is a link-local address" "$(cat "$WORK/both.err")"
expect_contains "and the privileged port, in the same report" "ports below 1024 are privileged" "$(cat "$WORK/both.err")"
expect_contains "counted" "2 problems" "$(cat "$WORK/both.err")"

echo "--- 7. privileged port without the capability"
STATUS=0
"${G[@]}" setpriv --bounding-set -net_bind_service --inh-caps -net_bind_service \
  "$DUALHTTPD" --root "$ROOT" --listen '[2001:db8:21c::24]:80' 2>"$WORK/acces.err" || STATUS=$?
EACCES_ERR=$(cat "$WORK/acces.err")
expect_eq "privileged port: exit status" "3" "$STATUS"
expect_contains "names the capability" "lacks CAP_NET_BIND_SERVICE" "$EACCES_ERR"
expect_contains "names the sysctl" "net.ipv4.ip_unprivileged_port_start = 1024" "$EACCES_ERR"
expect_contains "says how to grant it" "AmbientCapabilities=CAP_NET_BIND_SERVICE" "$EACCES_ERR"
in_guest --check --listen '[2001:db8:21c::24]:80'
expect_eq "root with the capability passes" "0" "$STATUS"

echo "--- 8. overlapping listeners"
refused "bare port and an address" 2 --listen 8080 --listen '[2001:db8:21c::24]:8080'
expect_contains "wildcard covers address" "already accepts connections to every IPv6 address on port 8080" "$ERR"
refused "same spec twice" 2 --listen '192.0.2.24:8080' --listen '192.0.2.24:8080'
expect_contains "listed twice" "is listed twice" "$ERR"
refused "mapped and 0.0.0.0" 2 --listen '[::]:8080' --ipv4-mapped --listen '0.0.0.0:8080'
expect_contains "v4-mapped overlap" "already accepts IPv4 clients on port 8080" "$ERR"

echo "--- 9. malformed specs"
refused "no brackets, ambiguous" 2 --listen '2001:db8::24:80'
expect_contains "no brackets: it cannot be told where the address ends" \
  "cannot be told whether :80 is the port" "$ERR"
expect_not_contains "and no address is offered for it" "listen on [" "$ERR"
refused "no brackets" 2 --listen '2001:db8:21c:0:0:0:0:24:8080'
expect_contains "no brackets: the fix is the user's own address, bracketed" \
  "fix:   listen on [2001:db8:21c:0:0:0:0:24]:8080" "$ERR"
refused "brackets without a port" 2 --listen '[::1]'
expect_contains "CLI11 leaves the brackets alone; the missing port is named" \
  "the port is missing" "$ERR"
expect_contains "with the spec to write" "fix:   listen on [::1]:8080" "$ERR"
refused "a URL" 2 --listen 'http://[2001:db8:21c::24]:8080/'
expect_contains "a URL is taken apart" "fix:   listen on [2001:db8:21c::24]:8080" "$ERR"
refused "IPv4-mapped" 2 --listen '[::ffff:192.0.2.24]:8080'
expect_contains "IPv4-mapped: the IPv4 listener instead" "fix:   listen on 192.0.2.24:8080" "$ERR"
expect_not_contains "no internal fields in the words" "v6only" "$ERR"
refused "port 0" 2 --listen '0'
expect_contains "port 0" "port 0 is out of range" "$ERR"
refused "port 65536" 2 --listen '[::1]:65536'
expect_contains "port 65536" "port 65536 is out of range" "$ERR"
refused "stray text" 2 --listen '[::1]:80x'
expect_contains "stray text" "'80x' is not a port number" "$ERR"
expect_contains "names the forms, no made-up address" "[IPv6-ADDRESS]:PORT, IPv4-ADDRESS:PORT" "$ERR"

echo "--- all problems at once"
refused "several problems" 2 --listen '2001:db8::24:80' --listen "[$LL]:8080" --listen '[2001:db8:21c::99]:8080'
expect_contains "counts them" "3 problems" "$ERR"
expect_contains "reports the first" "cannot listen on 2001:db8::24:80" "$ERR"
expect_contains "reports the second" "cannot listen on [$LL]:8080" "$ERR"
expect_contains "reports the third" "cannot listen on [2001:db8:21c::99]:8080" "$ERR"

echo "--- --bind-wait: a tentative address starts as soon as DAD completes"
ip -n "$HOST" addr add 2001:db8:21c::25/64 dev vboxnet0 nodad
# wait_log FILE TEXT : until the server logged TEXT (up to 8 s)
wait_log() { for _ in $(seq 1 160); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.05; done; return 1; }
ip -n "$GUEST" addr add 2001:db8:21c::31/64 dev enp0s8
"${G[@]}" "$DUALHTTPD" --root "$ROOT" --access-log off --bind-wait 5 --listen '[2001:db8:21c::31]:8081' 2>"$WORK/wait.log" &
WAITER=$!
PIDS+=("$WAITER")
wait_serving "$WORK/wait.log" 160 && pass "started once the address was usable" || fail "did not start within the wait"
WAIT_LOG=$(cat "$WORK/wait.log")
expect_contains "logs what it waits for" "waiting up to 5 s for [2001:db8:21c::31]:8081" "$WAIT_LOG"
expect_contains "says it is tentative" "still tentative" "$WAIT_LOG"
expect_eq "serves after DAD" "hello, world" "$(ip netns exec "$HOST" curl -sg --max-time 5 'http://[2001:db8:21c::31]:8081/hello.txt' || true)"
kill "$WAITER"; wait "$WAITER" || true

echo "--- --bind-wait: an address added later"
"${G[@]}" "$DUALHTTPD" --root "$ROOT" --access-log off --bind-wait 5 --listen '[2001:db8:21c::61]:8082' 2>"$WORK/later.log" &
LATER=$!
PIDS+=("$LATER")
wait_log "$WORK/later.log" "waiting up to" || true
expect_contains "waits for the missing address" "2001:db8:21c::61 is not assigned to any interface" "$(cat "$WORK/later.log")"
ip -n "$GUEST" addr add 2001:db8:21c::61/64 dev enp0s8 nodad
wait_serving "$WORK/later.log" 160 && pass "started when the address appeared" || fail "did not start after the address appeared"
expect_eq "serves the late address" "hello, world" "$(ip netns exec "$HOST" curl -sg --max-time 5 'http://[2001:db8:21c::61]:8082/hello.txt' || true)"
kill "$LATER"; wait "$LATER" || true

echo "--- --bind-wait gives up after its time, and does not wait for what time cannot cure"
start_clock
in_guest --bind-wait 1 --listen '[2001:db8:21c::62]:8080'
stop_clock
expect_eq "gives up: exit status" "3" "$STATUS"
expect_contains "gives up with the reason" "2001:db8:21c::62 is not assigned to any interface" "$ERR"
expect_elapsed "waited about 1 s" 900 3000
expect_contains "the fix says the wait ran out" "(--bind-wait 1 ran out)" "$ERR"
expect_not_contains "and does not suggest waiting again" "use --bind-wait SECONDS" "$ERR"
start_clock
in_guest --bind-wait 5 --listen "[$LL]:8080"
stop_clock
expect_eq "no wait for a missing zone: exit status" "3" "$STATUS"
expect_elapsed "no wait for a missing zone" 0 1000

echo "--- --freebind accepts an address that is not there yet, loudly"
in_guest --check --freebind --listen '[2001:db8:21c::70]:8083'
expect_eq "--check with --freebind" "0" "$STATUS"
expect_contains "--check warns" "warning: --freebind: 2001:db8:21c::70 is not usable on this machine yet (on no interface)" "$OUT"
"${G[@]}" "$DUALHTTPD" --root "$ROOT" --access-log off --freebind --listen '[2001:db8:21c::70]:8083' 2>"$WORK/free.log" &
FREE=$!
PIDS+=("$FREE")
wait_serving "$WORK/free.log" 160 || fail "freebind did not start"
expect_contains "start-up warns" "[warning] --freebind: 2001:db8:21c::70 is not usable" "$(cat "$WORK/free.log")"
ip -n "$GUEST" addr add 2001:db8:21c::70/64 dev enp0s8 nodad
expect_eq "serves once the address is added" "hello, world" "$(ip netns exec "$HOST" curl -sg --max-time 5 'http://[2001:db8:21c::70]:8083/hello.txt' || true)"
kill "$FREE"; wait "$FREE" || true

echo "--- a good set passes --check and starts"
in_guest --check --listen '[2001:db8:21c::24]:8080' --listen '192.0.2.24:8080'
expect_eq "--check passes" "0" "$STATUS"
expect_contains "--check reports each listener" "ok: [2001:db8:21c::24]:8080 ipv6 interface=enp0s8 v6only=on" "$OUT"
expect_contains "--check reports IPv4" "ok: 192.0.2.24:8080 ipv4 interface=enp0s8" "$OUT"
finish
