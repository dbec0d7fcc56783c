#!/usr/bin/env bash
# dualhttpd side by side with lighttpd and nginx (Debian's), on [::1] only.
#
#   tests/bench/bench.sh DUALHTTPD [--smoke | --large-files | --tls] [--rounds N] [--seconds S] [--only REGEX]
#                        [--congestion-control cubic|bbr]
#
# Each server gets one worker (dualhttpd --threads 1) pinned to CPU 0; wrk -t1 runs pinned to
# CPU 1. Every row is measured in interleaved rounds (dualhttpd, lighttpd, nginx, dualhttpd,
# ...), and the table shows medians: requests/s, MiB/s, p99 latency, the server's CPU share,
# its CPU per request (or MiB per CPU-second for files of 1 MiB and more), the client's core
# (how busy CPU 1 was), the same cost counted on both cores' busy time (server and client
# together: the machine's cost), the server's RSS, and dualhttpd's ratios. A ratio compares
# rates, unless the client's core was above 90 % in either run: then wrk, not the server, may
# have set the rate, and the ratio compares the servers' CPU cost instead (marked "cpu").
# --smoke: one short round of two rows, checking only that every server answered without
# errors (CTest runs this, so the script cannot rot). --only: just the rows whose label
# matches REGEX (e.g. --only '1 KiB, 64'). --large-files: the check CTest runs as
# bench_large_files (see large_files below). --tls: the HTTPS rows instead, dualhttpd beside
# nginx with the same ECDSA P-256 certificate, TLS 1.2 and 1.3 and the same ciphers, neither
# with session tickets (each resumes from its session cache). Full handshakes come from
# openssl s_time -new, four clients at once; wrk with Connection: close resumes its session on
# every new connection (nginx logs $ssl_session_reused "r" for all but the first), so that row
# is a resumed handshake (PSK with a new X25519 exchange). Starts and stops its own processes
# only.
set -euo pipefail

DUALHTTPD=$(realpath "$1")
shift
ARGS=("$@")
ROUNDS=3
SECONDS_PER_RUN=8
SMOKE=0
LARGE=0
TLS=0
ONLY=
CONGESTION=cubic
while [ $# -gt 0 ]; do
  case $1 in
    --smoke) SMOKE=1 ROUNDS=1 SECONDS_PER_RUN=1 ;;
    --large-files) LARGE=1 SMOKE=1 ROUNDS=7 SECONDS_PER_RUN=2 ;;
    --tls) TLS=1 ;;
    --rounds) ROUNDS=$2 && shift ;;
    --seconds) SECONDS_PER_RUN=$2 && shift ;;
    --only) ONLY=$2 && shift ;;
    --congestion-control) CONGESTION=$2 && shift ;;
    *) echo "unknown argument: $1" >&2 && exit 2 ;;
  esac
  shift
done
for tool in wrk lighttpd nginx taskset; do
  command -v "$tool" >/dev/null || { echo "FAIL  $tool is missing: run packaging/install-deps --test"; exit 1; }
done

# What a connection to [::1] gets, as the servers' accepted sockets report it.
loopback_congestion_control() {
  python3 -c '
import socket
with socket.socket(socket.AF_INET6) as s:
    s.bind(("::1", 0)); s.listen()
    with socket.create_connection(s.getsockname()[:2]) as c, s.accept()[0] as a:
        print(a.getsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, 16).rstrip(b"\0").decode())'
}

# As root, the run goes on in a network namespace of its own: its loopback has the kernel's
# default TCP settings and the congestion control asked for (cubic, the kernel's default),
# whatever this host is tuned to. On loopback BBR's pacing arms a timer for each burst a
# sender queues ahead of its pace, and in a VM each timer costs an exit: on a host set to bbr
# the 1 MiB rows measured those timers more than the servers (tests/bench/README.md, "BBR on
# loopback").
if [ -z "${DUALHTTPD_BENCH_NETNS:-}" ] && [ "$(id -u)" = 0 ]; then
  NS=dualhttpd-bench-$$
  trap 'ip netns del "$NS" 2>/dev/null || true' EXIT
  ip netns add "$NS"
  ip -n "$NS" link set lo up
  # A namespace may set as its default only what net.ipv4.tcp_allowed_congestion_control
  # allows (EPERM otherwise: a host image set to bbr allows "reno bbr", not cubic). The route
  # to [::1] carries the algorithm instead (congctl), which has no such rule, and the default
  # is set too where it is allowed.
  ip netns exec "$NS" sysctl -qw net.ipv4.tcp_congestion_control="$CONGESTION" 2>/dev/null || true
  ip -n "$NS" -6 route del local ::1 table local
  ip -n "$NS" -6 route add local ::1 dev lo table local congctl "$CONGESTION" ||
    { echo "FAIL  no TCP congestion control \"$CONGESTION\" here (net.ipv4.tcp_available_congestion_control: $(sysctl -n net.ipv4.tcp_available_congestion_control))"; exit 1; }
  STATUS=0
  DUALHTTPD_BENCH_NETNS=$NS DUALHTTPD_BENCH_HOST_CC=$(sysctl -n net.ipv4.tcp_congestion_control) \
    ip netns exec "$NS" bash "$0" "$DUALHTTPD" "${ARGS[@]}" || STATUS=$?
  exit "$STATUS"
fi
if [ -n "${DUALHTTPD_BENCH_NETNS:-}" ]; then
  GOT_CC=$(loopback_congestion_control)
  [ "$GOT_CC" = "$CONGESTION" ] ||
    { echo "FAIL  a connection to [::1] uses $GOT_CC, not the $CONGESTION asked for"; exit 1; }
  echo "network: loopback of the namespace $DUALHTTPD_BENCH_NETNS, TCP congestion control $GOT_CC, the kernel's defaults (this host: ${DUALHTTPD_BENCH_HOST_CC:-?})"
else
  echo "network: this host's loopback and settings, TCP congestion control $(loopback_congestion_control) (run as root for a namespace with the kernel's defaults)"
fi

WORK=$(mktemp -d /tmp/dualhttpd-bench.XXXXXX)
PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
ulimit -n 16384
SERVER_CPU=0
CLIENT_CPU=1
[ "$(nproc)" -ge 2 ] || CLIENT_CPU=0

ROOT=$WORK/www
mkdir -p "$ROOT"
head -c 1024 /dev/urandom >"$ROOT/1k.bin"
head -c 16384 /dev/urandom >"$ROOT/16k.bin"
head -c $((1 << 20)) /dev/urandom >"$ROOT/1m.bin"
# The page a smoke test asks for: GET / of a 2.9 KiB index.html.
{ echo '<!DOCTYPE html><title>bench</title><pre>'; head -c 2100 /dev/urandom | base64; } >"$ROOT/index.html"
[ "$SMOKE" = 1 ] || head -c $((64 << 20)) /dev/urandom >"$ROOT/64m.bin"
chmod -R a+rX "$WORK"
# One certificate for both TLS servers, for the address they listen on.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=bench \
  -addext subjectAltName=IP:::1 -days 30 -keyout "$WORK/tls.key" -out "$WORK/tls.pem" 2>/dev/null
chmod 600 "$WORK/tls.key"
# Mozilla's intermediate ECDHE AEAD ciphers: what dualhttpd offers (tls/server_context.cpp).
TLS12_CIPHERS=ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305

free_port() {
  python3 -c 'import socket; s = socket.socket(socket.AF_INET6); s.bind(("::1", 0)); print(s.getsockname()[1])'
}

# start NAME WORKERS : starts a server pinned to the server CPU(s); sets PORT_<NAME> and PID_<NAME>.
start() {
  local name=$1 workers=$2 port cpus=$SERVER_CPU pid
  port=$(free_port)
  [ "$workers" -gt 1 ] && cpus="0-$((workers - 1))"
  local scheme=http
  case $name in
    dualhttpd | dualhttpd_log)
      local log=off
      [ "$name" = dualhttpd_log ] && log=$WORK/access.log
      taskset -c "$cpus" "$DUALHTTPD" --root "$ROOT" --listen "[::1]:$port" --threads "$workers" \
        --access-log "$log" --max-keepalive-requests 1000 --log-level warn >/dev/null 2>"$WORK/$name.err" &
      ;;
    dualhttpd_tls)
      scheme=https
      taskset -c "$cpus" "$DUALHTTPD" --root "$ROOT" --listen "[::1]:$port https" --threads "$workers" \
        --tls-cert "$WORK/tls.pem" --tls-key "$WORK/tls.key" --access-log off \
        --max-keepalive-requests 1000 --log-level warn >/dev/null 2>"$WORK/$name.err" &
      ;;
    lighttpd)
      cat >"$WORK/lighttpd.conf" <<EOF
server.document-root = "$ROOT"
server.bind = "[::1]"
server.port = $port
server.max-worker = 0
server.network-backend = "sendfile"
server.max-keep-alive-requests = 1000
server.pid-file = "$WORK/lighttpd.pid"
server.errorlog = "$WORK/lighttpd.err"
mimetype.assign = (".bin" => "application/octet-stream", ".html" => "text/html")
index-file.names = ("index.html")
EOF
      taskset -c "$cpus" lighttpd -D -f "$WORK/lighttpd.conf" &
      ;;
    nginx | nginx_tls)
      local listen="listen [::1]:$port;"
      if [ "$name" = nginx_tls ]; then
        scheme=https
        listen="listen [::1]:$port ssl; ssl_certificate $WORK/tls.pem; ssl_certificate_key $WORK/tls.key;
    ssl_protocols TLSv1.2 TLSv1.3; ssl_ciphers $TLS12_CIPHERS; ssl_prefer_server_ciphers off;
    ssl_ecdh_curve X25519:prime256v1:secp384r1; ssl_session_cache shared:SSL:10m;
    ssl_session_timeout 1d; ssl_session_tickets off;"
      fi
      mkdir -p "$WORK/nginx"
      cat >"$WORK/$name.conf" <<EOF
daemon off;
master_process on;
worker_processes $workers;
pid $WORK/$name.pid;
error_log $WORK/$name.err;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  open_file_cache max=1000 inactive=20s;
  open_file_cache_valid 1s;
  keepalive_requests 1000;
  default_type application/octet-stream;
  client_body_temp_path $WORK/nginx;
  proxy_temp_path $WORK/nginx;
  fastcgi_temp_path $WORK/nginx;
  uwsgi_temp_path $WORK/nginx;
  scgi_temp_path $WORK/nginx;
  server { $listen root $ROOT; }
}
EOF
      taskset -c "$cpus" nginx -e "$WORK/$name.err" -c "$WORK/$name.conf" &
      ;;
  esac
  pid=$!
  PIDS+=("$pid")
  printf -v "PORT_$name" '%s' "$port"
  printf -v "PID_$name" '%s' "$pid"
  printf -v "SCHEME_$name" '%s' "$scheme"
  for _ in $(seq 1 100); do
    curl -sgk -o /dev/null "$scheme://[::1]:$port/1k.bin" && return 0
    sleep 0.05
  done
  echo "FAIL  $name did not start" && cat "$WORK"/*.err && exit 1
}

# user_rss : the idle RSS (KiB) of dualhttpd started as nobody rather than as root: one process,
# no helper to keep root's rights, no name-service lookup for the user to become.
user_rss() {
  local port pid rss
  port=$(free_port)
  setpriv --reuid=65534 --regid=65534 --clear-groups "$DUALHTTPD" --root "$ROOT" --listen "[::1]:$port" \
    --threads 1 --access-log off --log-level warn >/dev/null 2>"$WORK/user.err" &
  pid=$!
  for _ in $(seq 1 100); do
    curl -sg -o /dev/null "http://[::1]:$port/1k.bin" && break
    sleep 0.05
  done
  rss=$(rss_kib "$pid")
  kill "$pid"
  wait "$pid" || true
  echo "$rss"
}

stop_all() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  PIDS=()
}

# The process and its children (nginx's workers): CPU ticks and RSS (KiB) summed.
tree() { echo "$1" $(pgrep -P "$1" || true); }
cpu_ticks() { local p t=0; for p in $(tree "$1"); do t=$((t + $(awk '{ print $14 + $15 }' "/proc/$p/stat"))); done; echo "$t"; }
rss_kib() { local p r=0; for p in $(tree "$1"); do r=$((r + $(awk '/^VmRSS/ { print $2 }' "/proc/$p/status"))); done; echo "$r"; }

# Two CPUs' busy and total jiffies, from one read of /proc/stat ("busy total busy total").
core_jiffies() {
  awk -v a="cpu$1" -v b="cpu$2" '
    { v[$1] = ($2 + $3 + $4 + $7 + $8) " " ($2 + $3 + $4 + $5 + $6 + $7 + $8) }
    END { print v[a], v[b] }' /proc/stat
}

# full_handshakes PORT PATH CLIENTS : CLIENTS openssl s_time -new side by side, each a new
# session per connection (a full TLS 1.3 handshake: wrk resumes its sessions), HTTP/1.0 GETs
# of PATH; prints wrk's lines that measure() reads ("N requests in", "Requests/sec:").
full_handshakes() {
  local i count
  for i in $(seq 1 "$3"); do
    taskset -c "$CLIENT_CPU" openssl s_time -connect "[::1]:$1" -new -www "$2" \
      -time "$SECONDS_PER_RUN" >"$WORK/s_time.$i" 2>&1 &
  done
  wait
  count=$(awk '/connections in .* real seconds/ { n += $1 } END { print n + 0 }' "$WORK"/s_time.*)
  grep -hE "^[0-9A-F]+:error" "$WORK"/s_time.* | sort -u | head -3 | sed 's/^/Socket errors: /'
  echo "  $count requests in ${SECONDS_PER_RUN}s"
  awk -v n="$count" -v s="$SECONDS_PER_RUN" 'BEGIN { printf "Requests/sec: %.0f\n", n / s }'
  rm -f "$WORK"/s_time.*
}

# measure NAME PATH CONNS [wrk args... | --full-handshakes] : one wrk run (or CONNS
# openssl s_time clients); appends "req/s MiB/s p99ms cpu% reqs rss client-core% both-cores%"
# to a file. Both cores: how busy the server's and the client's CPUs were together (0-200 %).
# On loopback the sender's system call often carries the receiver's TCP path too (softirq,
# charged to whichever process sent), so a server's own CPU can rise while the machine's falls.
measure() {
  local name=$1 path=$2 conns=$3
  shift 3
  local port_var="PORT_$name" pid_var="PID_$name" scheme_var="SCHEME_$name"
  local port=${!port_var} pid=${!pid_var} scheme=${!scheme_var} before after out core_before core_after
  before=$(cpu_ticks "$pid")
  core_before=$(core_jiffies "$CLIENT_CPU" "$SERVER_CPU")
  if [ "${1:-}" = --full-handshakes ]; then
    out=$(full_handshakes "$port" "$path" "$conns")
  else
    out=$(taskset -c "$CLIENT_CPU" wrk -t1 -c"$conns" -d"${SECONDS_PER_RUN}s" --timeout 10s --latency "$@" \
      "$scheme://[::1]:$port$path")
  fi
  core_after=$(core_jiffies "$CLIENT_CPU" "$SERVER_CPU")
  after=$(cpu_ticks "$pid")
  if grep -qE "Socket errors|Non-2xx" <<<"$out" || ! grep -qE "^ +[1-9][0-9]* requests in" <<<"$out"; then
    echo "FAIL  $name $path c$conns: $(grep -E 'Socket errors|Non-2xx' <<<"$out" || echo no requests)" >&2
    ERRORS=$((ERRORS + 1))
  fi
  awk -v ticks=$((after - before)) -v secs="$SECONDS_PER_RUN" -v hz="$(getconf CLK_TCK)" -v rss="$(rss_kib "$pid")" \
    -v core="$core_before $core_after" -v one_cpu=$([ "$SERVER_CPU" = "$CLIENT_CPU" ] && echo 1 || echo 0) '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    function mib(v) { if (v ~ /GB$/) return v * 1024; if (v ~ /MB$/) return v + 0; if (v ~ /KB$/) return v / 1024; return v / 1048576 }
    /^ +99%/ { p99 = ms($2) }
    / requests in / { reqs = $1 }
    /^Requests\/sec:/ { rps = $2 }
    /^Transfer\/sec:/ { mbs = mib($2) }
    END {
      # before: client busy, total, server busy, total; then the same after
      split(core, j, " ")
      client = j[6] > j[2] ? 100 * (j[5] - j[1]) / (j[6] - j[2]) : 0
      server = j[8] > j[4] ? 100 * (j[7] - j[3]) / (j[8] - j[4]) : 0
      if (one_cpu) server = 0  # the client and the server on one CPU: counted once
      printf "%.0f %.1f %.2f %.0f %d %d %.0f %.0f\n", rps, mbs, p99, 100 * ticks / hz / secs, reqs, rss, client, client + server
    }
  ' <<<"$out" >>"$WORK/$ROW.$name"
}

# syscalls NAME : system calls per request while wrk fetches /1k.bin over 64 connections for
# 3 s, counted with strace -c on the server's processes (strace slows the server; the ratio
# of calls to requests is what counts).
syscalls() {
  local pid_var="PID_$1" port_var="PORT_$1" p args=() tracer reqs calls
  for p in $(tree "${!pid_var}"); do args+=(-p "$p"); done
  strace -c -f -o "$WORK/strace.$1" "${args[@]}" 2>/dev/null &
  tracer=$!
  sleep 0.5
  reqs=$(taskset -c "$CLIENT_CPU" wrk -t1 -c64 -d3s "http://[::1]:${!port_var}/1k.bin" |
    awk '/ requests in / { print $1 }')
  kill -INT "$tracer"
  wait "$tracer" || true
  calls=$(awk '$NF == "total" { print $4 }' "$WORK/strace.$1")
  printf '| %s | %s | %s | %s |\n' "$1" "$reqs" "$calls" \
    "$(awk -v c="$calls" -v r="$reqs" 'BEGIN { printf "%.2f", (r > 0 ? c / r : 0) }')"
}

# heap_calls SECONDS : calls to allocation functions of a dualhttpd run under heaptrack that
# serves wrk for SECONDS (none for 0) and is then stopped; prints "calls requests".
heap_calls() {
  local port tracer reqs=0
  port=$(free_port)
  heaptrack -o "$WORK/heap.$1" "$DUALHTTPD" --root "$ROOT" --listen "[::1]:$port" --threads 1 \
    --access-log off --max-keepalive-requests 1000 --log-level warn >/dev/null 2>&1 &
  tracer=$!
  for _ in $(seq 1 100); do curl -sg -o /dev/null "http://[::1]:$port/1k.bin" && break; sleep 0.1; done
  [ "$1" = 0 ] || reqs=$(taskset -c "$CLIENT_CPU" wrk -t1 -c64 -d"$1"s "http://[::1]:$port/1k.bin" |
    awk '/ requests in / { print $1 }')
  kill -INT "$(pgrep -P "$tracer" -x dualhttpd)"
  wait "$tracer" || true
  echo "$(heaptrack_print "$WORK"/heap."$1".* 2>/dev/null | awk '/^calls to allocation functions:/ { print $5 }') $reqs"
}

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
col() { awk -v c="$2" '{ print $c }' "$WORK/$ROW.$1" | median; }

# row LABEL PATH CONNS SERVERS [wrk args...] : interleaved rounds, then one table line per server.
row() {
  [[ "$1" =~ $ONLY ]] || return 0
  ROW=$(echo "$1" | tr -c 'a-zA-Z0-9\n' '_')
  local label=$1 path=$2 conns=$3 servers=$4 round name big=0
  shift 4
  case $path in /1m.bin | /64m.bin) big=1 ;; esac
  for round in $(seq 1 "$ROUNDS"); do
    for name in $servers; do measure "$name" "$path" "$conns" "$@"; done
  done
  # Per server: rate (req/s, or MiB/s for big files), CPU cost (us/req, or MiB per CPU-second),
  # and the client's core; dualhttpd's are the reference of every ratio.
  local ref ref_client rps mbs cpu cost client p99 both both_cost
  for name in $servers; do
    rps=$(col "$name" 1)
    mbs=$(col "$name" 2)
    cpu=$(col "$name" 4)
    client=$(col "$name" 7)
    both=$(col "$name" 8)
    cost=$(unit_cost "$big" "$rps" "$mbs" "$cpu")
    both_cost=$(unit_cost "$big" "$rps" "$mbs" "$both")
    if [ "$name" = dualhttpd ] || [ "$name" = dualhttpd_tls ]; then
      ref=$name ref_client=$client
    fi
    p99=$(col "$name" 3)
    [ "$p99" = 0.00 ] && p99="–" || p99="$p99 ms"  # s_time measures no latency
    printf '| %s | %s | %s | %s | %s | %s %% | %s | %s %% | %s | %s MiB | %s |\n' "$label" "$name" "$rps" "$mbs" \
      "$p99" "$cpu" "$cost" "$client" "$both_cost" \
      "$(awk -v k="$(col "$name" 6)" 'BEGIN { printf "%.1f", k / 1024 }')" \
      "$(ratio "$ref" "$name" "$ref_client" "$client" "$big")"
  done
}

# unit_cost BIG RPS MIBS CPU% : CPU% as a cost, "N us/req", or for big files "N MiB/CPU-s".
unit_cost() {
  if [ "$1" = 1 ]; then
    awk -v m="$3" -v c="$4" 'BEGIN { printf "%.0f MiB/CPU-s", (c > 0 ? m / (c / 100) : 0) }'
  else
    awk -v r="$2" -v c="$4" 'BEGIN { printf "%.1f us/req", (r > 0 ? 1e6 * (c / 100) / r : 0) }'
  fi
}

# ratio REF NAME CLIENT PEER_CLIENT BIG : dualhttpd (REF) ÷ the peer NAME, by rate; by CPU cost
# ("cpu") when the client's core was above 90 % in either run. The median of the rounds' own
# ratios: the two ran back to back in each round, and the VM's speed drifts between rounds.
ratio() {
  local by_cpu
  by_cpu=$(awk -v a="$3" -v b="$4" 'BEGIN { print (a > 90 || b > 90) ? 1 : 0 }')
  paste -d ' ' "$WORK/$ROW.$1" "$WORK/$ROW.$2" | awk -v cpu="$by_cpu" -v big="$5" '{
    # a round: "rps mbs p99 cpu reqs rss client both" of REF ($1-$8), then of NAME ($9-$16)
    if (cpu && big) r = ($4 > 0 && $10 > 0) ? ($2 / $4) / ($10 / $12) : 0
    else if (cpu) r = ($1 > 0 && $9 > 0) ? ($12 / $9) / ($4 / $1) : 0
    else r = big ? ($10 > 0 ? $2 / $10 : 0) : ($9 > 0 ? $1 / $9 : 0)
    print r
  }' | median | awk -v cpu="$by_cpu" '{ printf "%.2f%s", $1, cpu ? " cpu" : "" }'
}

# large_files : how a 1 MiB file goes out, and what it costs beside lighttpd. First the system
# calls of one response (strace): the cork holds the head and the first sendfile turn only,
# and the body takes at most 3 sendfile calls. Corked throughout in 256 KiB turns, the client
# (on another core) slept between turns and each wake-up cost the server an interrupt to it.
# Then 1 MiB over 8 connections, the server on its own core (where the server, not wrk, is the
# limit): per round, dualhttpd's CPU per MiB over lighttpd's; the median must stay under 1.3
# (it was 1.4-2.3 corked throughout, about 1.0 now).
large_files() {
  local pid=$PID_dualhttpd port=$PORT_dualhttpd tracer
  strace -f -e trace=setsockopt,sendfile -o "$WORK/strace.large" -p "$pid" 2>/dev/null &
  tracer=$!
  sleep 0.5
  curl -sg -o "$WORK/1m.out" "http://[::1]:$port/1m.bin"
  sleep 0.2
  kill -INT "$tracer"
  wait "$tracer" || true
  cmp -s "$WORK/1m.out" "$ROOT/1m.bin" || { echo "FAIL  the 1 MiB body came back different"; exit 1; }
  local calls
  calls=$(awk '/TCP_CORK, \[1\]/ { on = 1; n = 0 } /sendfile\(/ { total++; if (on) n++ }
               /TCP_CORK, \[0\]/ { if (on) corked = n; on = 0 }
               END { printf "%d %d", corked, total }' "$WORK/strace.large")
  read -r corked total <<<"$calls"
  echo "one 1 MiB response: $total sendfile call(s), $corked of them corked"
  if [ "$corked" -ne 1 ] || [ "$total" -gt 3 ]; then
    echo "FAIL  expected the cork around the first sendfile turn only, and at most 3 calls:"
    grep -E 'sendfile|TCP_CORK' "$WORK/strace.large"
    exit 1
  fi
  ROW=large
  local round
  for round in $(seq 1 "$ROUNDS"); do
    measure dualhttpd /1m.bin 8
    measure lighttpd /1m.bin 8
  done
  local ratio
  ratio=$(paste -d' ' "$WORK/large.dualhttpd" "$WORK/large.lighttpd" | awk '
    { d = $4 > 0 ? $2 / $4 : 0; l = $12 > 0 ? $10 / $12 : 0; if (d > 0) print l / d }' | median)
  printf "1 MiB, 8 connections, %s rounds of %s s: dualhttpd spends %.2f× lighttpd's CPU per MiB (median of the rounds)\n" "$ROUNDS" "$SECONDS_PER_RUN" "$ratio"
  for name in dualhttpd lighttpd; do printf "  %-9s" "$name"; awk '{ printf "  %s MiB/s at %s %%", $2, $4 }' "$WORK/large.$name"; echo; done
  awk -v r="$ratio" 'BEGIN { exit !(r > 0 && r < 1.3) }' || { echo "FAIL  dualhttpd spends 1.3× lighttpd's CPU per MiB or more"; exit 1; }
  echo "ok    large files go out at lighttpd's cost"
  exit 0
}

ERRORS=0
header() {
  echo "| row | server | req/s | MiB/s | p99 | server CPU | CPU cost | client core | both cores' cost | RSS | dualhttpd ÷ this |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|"
}

# tls_rows : HTTPS, dualhttpd beside nginx.
tls_rows() {
  start dualhttpd_tls 1
  start nginx_tls 1
  local both="dualhttpd_tls nginx_tls"
  echo "idle RSS with a TLS listener: dualhttpd $(rss_kib "$PID_dualhttpd_tls") KiB, nginx $(rss_kib "$PID_nginx_tls") KiB (master and worker)"
  echo "wrk -t1, ${SECONDS_PER_RUN} s per run, $ROUNDS interleaved round(s), medians; servers on CPU $SERVER_CPU, wrk on CPU $CLIENT_CPU"
  echo
  header
  row "TLS 1.3 full handshake per request (openssl s_time -new), 4 clients" /1k.bin 4 "$both" --full-handshakes
  row "TLS 1.3 resumed handshake per request (Connection: close), 64 conns" /1k.bin 64 "$both" -H "Connection: close"
  if [ "$SMOKE" = 0 ]; then
    row "TLS 1 KiB keep-alive, 64 conns" /1k.bin 64 "$both"
    row "TLS 1 MiB, 8 conns" /1m.bin 8 "$both"
    row "TLS 1 MiB, 64 conns" /1m.bin 64 "$both"
  fi
  echo "under load: RSS dualhttpd $(rss_kib "$PID_dualhttpd_tls") KiB, nginx $(rss_kib "$PID_nginx_tls") KiB"
  stop_all
}

if [ "$TLS" = 1 ]; then
  tls_rows
  if [ "$ERRORS" -gt 0 ]; then
    echo "FAIL  $ERRORS run(s) with errors"
    exit 1
  fi
  echo "ok    every server answered every request without errors"
  exit 0
fi

start dualhttpd 1
start lighttpd 1
[ "$LARGE" = 1 ] && large_files
start nginx 1
ALL="dualhttpd lighttpd nginx"
echo "idle RSS: dualhttpd $(rss_kib "$PID_dualhttpd") KiB, lighttpd $(rss_kib "$PID_lighttpd") KiB, nginx $(rss_kib "$PID_nginx") KiB"
[ "$(id -u)" = 0 ] && echo "idle RSS of dualhttpd started as a user, as its systemd unit runs it: $(user_rss) KiB"
echo "wrk -t1, ${SECONDS_PER_RUN} s per run, $ROUNDS interleaved round(s), medians; servers on CPU $SERVER_CPU, wrk on CPU $CLIENT_CPU"
echo
header
if [ "$SMOKE" = 1 ]; then
  row "1 KiB, 64 conns" /1k.bin 64 "$ALL"
  row "1 MiB, 64 conns" /1m.bin 64 "$ALL"
else
  row "1 KiB, 64 conns" /1k.bin 64 "$ALL"
  row "16 KiB, 64 conns" /16k.bin 64 "$ALL"
  row "1 MiB, 64 conns" /1m.bin 64 "$ALL"
  row "1 MiB, 8 conns" /1m.bin 8 "$ALL"
  row "64 MiB, 8 conns" /64m.bin 8 "$ALL"
  row "1 KiB, Connection: close" /1k.bin 64 "$ALL" -H "Connection: close"
  row "GET / (its index.html), 64 conns" / 64 "$ALL"
  row "1 KiB, 1 conn" /1k.bin 1 "$ALL"
  row "1 KiB, 1000 conns" /1k.bin 1000 "$ALL"
  echo "under 1000 connections: RSS dualhttpd $(rss_kib "$PID_dualhttpd") KiB"
  if [[ "syscalls" =~ $ONLY ]] && command -v strace >/dev/null; then
    echo
    echo "system calls per cached 1 KiB request (strace -c, 3 s):"
    echo
    echo "| server | requests | system calls | per request |"
    echo "|---|---|---|---|"
    for name in $ALL; do syscalls "$name"; done
  fi
  if [[ "allocations" =~ $ONLY ]] && command -v heaptrack >/dev/null; then
    read -r idle_calls _ < <(heap_calls 0)
    read -r busy_calls busy_reqs < <(heap_calls 3)
    echo
    echo "heap allocations per cached 1 KiB request (heaptrack): $(awk -v a="$busy_calls" -v b="$idle_calls" \
      -v r="$busy_reqs" 'BEGIN { printf "%.2f", (r > 0 ? (a - b) / r : 0) }') ($((busy_calls - idle_calls)) calls for $busy_reqs requests)"
  fi
  if [[ "1 KiB, 64 conns, access log" =~ $ONLY ]]; then
    echo
    echo "the cost of the access log (dualhttpd_log writes one; its ratio is throughput without ÷ with):"
    echo
    header
    start dualhttpd_log 1
    row "1 KiB, 64 conns, access log" /1k.bin 64 "dualhttpd dualhttpd_log"
    echo "access log lines written: $(wc -l <"$WORK/access.log")"
  fi
  stop_all
  if ! [[ "1 KiB, 64 conns, 2 workers" =~ $ONLY || "1 MiB, 64 conns, 2 workers" =~ $ONLY ]]; then
    echo "ok    every server answered every request without errors"
    exit 0
  fi
  start dualhttpd 2
  start nginx 2
  echo
  echo "two workers on CPUs 0-1 (wrk shares CPU $CLIENT_CPU):"
  echo
  header
  row "1 KiB, 64 conns, 2 workers" /1k.bin 64 "dualhttpd nginx"
  row "1 MiB, 64 conns, 2 workers" /1m.bin 64 "dualhttpd nginx"
fi
stop_all
if [ "$ERRORS" -gt 0 ]; then
  echo "FAIL  $ERRORS run(s) with errors"
  exit 1
fi
echo "ok    every server answered every request without errors"
