#!/usr/bin/env bash
# Static files over both families, asserted with curl as a user would run it.
source "$(dirname "$0")/lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)

ROOT=$(make_docroot)
PORT=$(free_port)
V6="http://[::1]:$PORT"
V4="http://127.0.0.1:$PORT"
start_server "$WORK/err.log" --root "$ROOT" --threads 2 --access-log "$WORK/access.log" \
  --listen "[::1]:$PORT" --listen "127.0.0.1:$PORT" || { cat "$WORK/err.log"; exit 1; }

status() { curl -sg -o /dev/null -w '%{http_code}' "$@"; }
header() {  # header NAME ARGS...
  local name=$1
  shift
  curl -sg -D - -o /dev/null "$@" | tr -d '\r' | awk -v n="$name" 'tolower($0) ~ "^" tolower(n) ":" { sub(/^[^:]*: /, ""); print }'
}

# The start-up log names each listener with family, interface and v6only.
LOG=$(cat "$WORK/err.log")
expect_contains "log: IPv6 listener" "listening on [::1]:$PORT ipv6 interface=lo v6only=on" "$LOG"
expect_contains "log: IPv4 listener" "listening on 127.0.0.1:$PORT ipv4 interface=lo v6only=n/a" "$LOG"
# The accept queue holds a burst of 1,000 connections (hostile_tls_half_open_handshakes): a
# connection that finds it full loses its SYN and waits a second. Send-Q is its length.
SOMAXCONN=$(cat /proc/sys/net/core/somaxconn)
expect_eq "accept queue of SOMAXCONN (4096), capped by net.core.somaxconn" \
  "$((SOMAXCONN < 4096 ? SOMAXCONN : 4096))" "$(ss -Hltn "sport = :$PORT" | awk 'NR == 1 { print $3 }')"

for base in "$V6" "$V4"; do
  curl -sg "$base/" -o "$WORK/got.html"
  if cmp -s "$WORK/got.html" "$ROOT/index.html"; then pass "GET / byte for byte on $base"; else fail "GET / body on $base"; fi
  expect_eq "Content-Type of / on $base" "text/html; charset=UTF-8" "$(header Content-Type "$base/")"
  expect_eq "Content-Length of / on $base" "$(stat -c %s "$ROOT/index.html")" "$(header Content-Length "$base/")"
done

expect_contains "Server header" "dualhttpd/" "$(header Server "$V6/")"
expect_contains "Date header" "GMT" "$(header Date "$V6/")"
expect_eq "Last-Modified" "$(TZ=GMT date -r "$ROOT/hello.txt" '+%a, %d %b %Y %H:%M:%S GMT')" "$(header Last-Modified "$V6/hello.txt")"

# HEAD: the headers of GET, no body.
HEAD_OUT=$(curl -sg -I "$V6/hello.txt" | tr -d '\r')
expect_contains "HEAD status" "HTTP/1.1 200 OK" "$HEAD_OUT"
expect_contains "HEAD Content-Length" "Content-Length: 13" "$HEAD_OUT"
# On one connection, HEAD then GET: right after HEAD's head comes GET's answer, no body
# between (curl -I would never read one).
PAIR=$(raw_request ::1 "$PORT" 'HEAD /hello.txt HTTP/1.1\r\nHost: a\r\n\r\nGET /style.css HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n' | tr -d '\r')
expect_eq "HEAD has no body: the next answer follows its head" "HTTP/1.1 200 OK" \
  "$(awk 'BEGIN { RS = "" } NR == 2 { print $1, $2, $3; exit }' <<<"$PAIR")"
expect_contains "and that answer is GET's" "body { color: red }" "$PAIR"

# Content types, case-insensitive extensions, charset on text.
expect_eq "text/plain charset" "text/plain; charset=UTF-8" "$(header Content-Type "$V4/hello.txt")"
expect_eq "text/css" "text/css" "$(header Content-Type "$V4/style.css")"
expect_eq "application/json" "application/json" "$(header Content-Type "$V4/data.json")"
expect_eq "upper-case extension" "text/html; charset=UTF-8" "$(header Content-Type "$V4/UPPER.HTML")"
expect_eq "unknown extension" "application/octet-stream" "$(header Content-Type "$V4/random.bin")"
curl -sg "$V6/random.bin" -o "$WORK/random.got"
if cmp -s "$WORK/random.got" "$ROOT/random.bin"; then pass "100 kB binary byte for byte"; else fail "binary body differs"; fi

# Directories: 301 with a path-only Location, index.html, 403 without an index.
expect_eq "directory without slash" "301" "$(status "$V6/docs")"
expect_eq "Location is path only" "/docs/" "$(header Location "$V6/docs")"
expect_eq "Location keeps the query" "/docs/?x=1" "$(header Location "$V6/docs?x=1")"
expect_eq "directory index" "docs index" "$(curl -sg "$V6/docs/")"
expect_eq "directory without index" "403" "$(status "$V6/empty/")"
expect_eq "missing file" "404" "$(status "$V6/nope.txt")"
expect_eq "file with trailing slash" "404" "$(status "$V6/hello.txt/")"

# Names: dots in the middle, encoded space, UTF-8.
expect_eq "a..b.txt is served" "200" "$(status "$V4/a..b.txt")"
expect_eq "encoded space" "space" "$(curl -sg "$V4/with%20space.txt")"
expect_eq "UTF-8 name" "café" "$(curl -sg "$V4/caf%C3%A9.txt")"

# Dotfiles are refused, .well-known is not.
expect_eq ".htaccess" "403" "$(status "$V4/.htaccess")"
expect_eq ".git/config" "403" "$(status "$V4/.git/config")"
expect_eq "encoded dotfile" "403" "$(status "$V4/%2ehtaccess")"
expect_eq ".well-known" "200" "$(status "$V4/.well-known/security.txt")"

# Traversal in every shape curl can send; nothing outside the docroot is ever served.
expect_eq "../ above the root" "400" "$(status --path-as-is "$V4/../outside.txt")"
expect_eq "encoded ../" "400" "$(status --path-as-is "$V4/%2e%2e/outside.txt")"
expect_eq "encoded slash" "404" "$(status --path-as-is "$V4/..%2foutside.txt")"
expect_eq "double-encoded" "404" "$(status --path-as-is "$V4/%252e%252e/outside.txt")"
expect_eq "backslashes" "403" "$(status --path-as-is "$V4/..\\outside.txt")"
expect_eq "NUL (no file name holds one)" "404" "$(status "$V4/hello.txt%00.html")"
expect_eq "symlink inside the docroot" "hello, world" "$(curl -sg "$V4/link-inside.txt")"
expect_eq "absolute symlink outside" "403" "$(status "$V4/link-outside.txt")"
expect_eq "relative symlink outside" "403" "$(status "$V4/link-up.txt")"
expect_eq "'#' in the target" "400" "$(status --request-target '/hello.txt#x' "$V4/")"
expect_eq "absolute-form target" "200" "$(status --request-target "http://example.com/hello.txt" "$V4/")"

# Conditionals.
ETAG=$(header ETag "$V6/hello.txt")
LM=$(header Last-Modified "$V6/hello.txt")
expect_eq "If-None-Match" "304" "$(status -H "If-None-Match: $ETAG" "$V6/hello.txt")"
expect_eq "If-Modified-Since" "304" "$(status -H "If-Modified-Since: $LM" "$V6/hello.txt")"
expect_eq "If-None-Match other" "200" "$(status -H 'If-None-Match: "x"' -H "If-Modified-Since: $LM" "$V6/hello.txt")"
expect_eq "If-Match other" "412" "$(status -H 'If-Match: "x"' "$V6/hello.txt")"
expect_eq "304 keeps the ETag" "$ETAG" "$(header ETag -H "If-None-Match: $ETAG" "$V6/hello.txt")"
expect_eq "304 without Content-Length (httpd, nginx, lighttpd)" "" "$(header Content-Length -H "If-None-Match: $ETAG" "$V6/hello.txt")"
expect_eq "HEAD 304 without Content-Length" "" "$(header Content-Length -I -H "If-None-Match: $ETAG" "$V6/hello.txt")"

# Ranges.
expect_eq "range status" "206" "$(status -r 0-9 "$V6/random.bin")"
expect_eq "Content-Range" "bytes 0-9/100000" "$(header Content-Range -r 0-9 "$V6/random.bin")"
curl -sg -r 99990- "$V6/random.bin" -o "$WORK/tail.got"
if cmp -s "$WORK/tail.got" <(tail -c 10 "$ROOT/random.bin"); then pass "range body"; else fail "range body"; fi
expect_eq "unsatisfiable" "416" "$(status -r 100000- "$V6/random.bin")"
expect_eq "416 Content-Range" "bytes */100000" "$(header Content-Range -r 100000- "$V6/random.bin")"
# Several ranges: multipart/byteranges, each part with its headers and the file's bytes.
TYPE=$(header Content-Type -r 0-49999,60000- "$V6/random.bin")
expect_contains "multipart type" "multipart/byteranges; boundary=" "$TYPE"
B=${TYPE#*boundary=}
{
  printf '\r\n--%s\r\nContent-Type: application/octet-stream\r\nContent-Range: bytes 0-49999/100000\r\n\r\n' "$B"
  head -c 50000 "$ROOT/random.bin"
  printf '\r\n--%s\r\nContent-Type: application/octet-stream\r\nContent-Range: bytes 60000-99999/100000\r\n\r\n' "$B"
  tail -c 40000 "$ROOT/random.bin"
  printf '\r\n--%s--\r\n' "$B"
} >"$WORK/multi.want"
curl -sg -r 0-49999,60000- "$V6/random.bin" -o "$WORK/multi.got"
if cmp -s "$WORK/multi.got" "$WORK/multi.want"; then pass "multipart body"; else fail "multipart body"; fi
expect_eq "multipart Content-Length" "$(stat -c %s "$WORK/multi.want")" \
  "$(header Content-Length -r 0-49999,60000- "$V6/random.bin")"
expect_eq "overlapping ranges join into one" "bytes 0-19/100000" "$(header Content-Range -r 0-9,5-19 "$V6/random.bin")"
expect_eq "If-Range mismatch gives 200" "200" "$(status -r 0-9 -H 'If-Range: "old"' "$V6/random.bin")"
expect_eq "If-Range match gives 206" "206" "$(status -r 0-9 -H "If-Range: $(header ETag "$V6/random.bin")" "$V6/random.bin")"

# Methods.
expect_eq "POST" "405" "$(status -X POST "$V4/")"
expect_eq "405 Allow" "GET, HEAD, OPTIONS" "$(header Allow -X DELETE "$V4/")"
expect_eq "unknown method" "501" "$(status -X BREW "$V4/")"
expect_eq "OPTIONS *" "200" "$(status -X OPTIONS --request-target '*' "$V4/")"

# Malformed requests.
expect_eq "HTTP/1.1 without Host" "400" "$(status -H 'Host:' "$V4/")"
expect_eq "HTTP/1.0 without Host" "200" "$(status -0 -H 'Host:' "$V4/")"
first_line() { raw_request "$@" | head -n 1 | tr -d '\r'; }
expect_eq "duplicate Host" "HTTP/1.1 400 Bad Request" "$(first_line ::1 "$PORT" 'GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n')"
expect_eq "header without colon" "HTTP/1.1 400 Bad Request" "$(first_line 127.0.0.1 "$PORT" 'GET / HTTP/1.1\r\nHost: a\r\nNoColon\r\n\r\n')"
expect_eq "bad request line" "HTTP/1.1 400 Bad Request" "$(first_line 127.0.0.1 "$PORT" 'GET /\r\n\r\n')"
expect_eq "Content-Length with chunked" "HTTP/1.1 400 Bad Request" "$(first_line 127.0.0.1 "$PORT" 'GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n')"
expect_eq "400 closes the connection" "closed" \
  "$(closes_after 127.0.0.1 "$PORT" 'GET / HTTP/1.1\r\nHost: a\r\nNoColon\r\n\r\n')"
expect_eq "while a 200 keeps it open" "open" \
  "$(closes_after 127.0.0.1 "$PORT" 'GET /hello.txt HTTP/1.1\r\nHost: a\r\n\r\n')"

# /healthz: who connected, to which address and interface, over which family.
H6=$(curl -sg "$V6/healthz")
expect_contains "healthz status" '"status":"ok"' "$H6"
expect_contains "healthz client" '"client":{"address":"::1","port":' "$H6"
expect_contains "healthz local" "\"local\":{\"address\":\"::1\",\"port\":$PORT,\"interface\":\"lo\",\"zone\":null}" "$H6"
expect_contains "healthz family" '"family":"ipv6"' "$H6"
expect_eq "healthz JSON type" "application/json" "$(header Content-Type "$V4/healthz")"
expect_contains "healthz over IPv4" '"family":"ipv4"' "$(curl -sg "$V4/healthz")"
expect_contains "healthz as text" "reached 127.0.0.1:$PORT on lo over IPv4" "$(curl -sg -H 'Accept: text/plain' "$V4/healthz")"
expect_eq "healthz HEAD" "200" "$(status -I "$V4/healthz")"

# Keep-alive: curl reuses one connection for two URLs.
REUSE=$(curl -sg -v "$V6/hello.txt" "$V6/style.css" 2>&1 >/dev/null)
expect_contains "keep-alive reuse" "Re-using existing connection" "$REUSE"

# Small files are served from memory; an edited file is served anew within a second, on
# every thread (two here), with new validators.
printf 'version one\n' >"$ROOT/edited.txt"
for _ in 1 2 3 4; do curl -sg "$V6/edited.txt" -o /dev/null; done
OLD_ETAG=$(header ETag "$V6/edited.txt")
printf 'version two\n' >"$ROOT/edited.txt"
sleep 1.1
for i in 1 2 3 4; do
  expect_eq "edited file, fetch $i a second later" "version two" "$(curl -sg "$V4/edited.txt")"
done
expect_not_contains "edited file has a new ETag" "$OLD_ETAG" "$(header ETag "$V6/edited.txt")"
rm "$ROOT/edited.txt"
sleep 1.1
expect_eq "deleted file: 404 a second later" "404" "$(status "$V6/edited.txt")"
# So is a directory's index.html, which GET /dir/ takes from memory too: asked for on one
# keep-alive connection (one thread) before and a second after each change.
mkdir "$ROOT/page"
printf 'page one\n' >"$ROOT/page/index.html"
PAGE=$ROOT/page/index.html
GOT=$(python3 "$HERE/one_connection.py" ::1 "$PORT" get /page/ get /page/ \
  write "$PAGE" "page two" wait get /page/ rm "$PAGE" wait get /page/)
expect_eq "GET /page/: cached, edited, then its index.html deleted (403)" \
  "200 page one, 200 page one, 200 page two, 403" "$GOT"

# The access log: combined format, IPv6 clients without brackets.
sleep 0.2
ACCESS=$(cat "$WORK/access.log")
expect_contains "access log IPv6" '::1 - - [' "$ACCESS"
expect_contains "access log IPv4" '127.0.0.1 - - [' "$ACCESS"
expect_contains "access log line" '"GET /hello.txt HTTP/1.1" 200 13 "-" "curl/' "$ACCESS"

stop_server "$SERVER_PID"
expect_eq "SIGTERM exits 0" "0" "$STOP_STATUS"

# --index, httpd's DirectoryIndex, from the configuration file: the first name that exists.
# On one keep-alive connection, as the cache answers it: index.htm deleted, the next name
# comes a second later; made again, it comes first again.
mkdir -p "$ROOT/old" "$ROOT/plain"
printf 'old style\n' >"$ROOT/old/index.htm"
printf 'new style\n' >"$ROOT/old/index.html"
printf 'plain\n' >"$ROOT/plain/index.html"
printf 'index = ["index.htm", "index.html"]\n' >"$WORK/index.toml"
start_server "$WORK/index.log" --config "$WORK/index.toml" --root "$ROOT" --access-log off \
  --listen "[::1]:$PORT" --listen "127.0.0.1:$PORT" || { cat "$WORK/index.log"; exit 1; }
expect_eq "--index index.htm first" "old style" "$(curl -sS "$V4/old/")"
expect_eq "--index index.html where there is no index.htm" "plain" "$(curl -sS -g "$V6/plain/")"
expect_eq "no index of either name: 403" "403" "$(status "$V4/empty/")"
OLD=$ROOT/old/index.htm
GOT=$(python3 "$HERE/one_connection.py" 127.0.0.1 "$PORT" get /old/ get /old/ \
  rm "$OLD" wait get /old/ write "$OLD" "old again" wait get /old/)
expect_eq "GET /old/ on one connection: index.htm, deleted, made again" \
  "200 old style, 200 old style, 200 new style, 200 old again" "$GOT"
stop_server "$SERVER_PID"
finish
