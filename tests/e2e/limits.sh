#!/usr/bin/env bash
# Every limit, tripped: 414, 431 (one field, the whole head, too many fields), 413 on a GET
# body, 408 for a slow head, the keep-alive idle timeout, requests per connection, and the
# connection limit.
source "$(dirname "$0")/lib.sh"

ROOT=$(make_docroot)
PORT=$(free_port)
start_server "$WORK/a.log" --root "$ROOT" --access-log off --header-timeout 1 --keepalive-timeout 1 \
  --max-keepalive-requests 3 --listen "127.0.0.1:$PORT" || { cat "$WORK/a.log"; exit 1; }
URL="http://127.0.0.1:$PORT"
status() { curl -sg -o /dev/null -w '%{http_code}' "$@"; }
first_line() { raw_request 127.0.0.1 "$PORT" "$1" | head -n 1 | tr -d '\r'; }
repeat() { head -c "$2" /dev/zero | tr '\0' "$1"; }

echo "--- 414: the request target"
expect_eq "target of 8189 bytes is fine (404: no such file)" "404" "$(status "$URL/$(repeat a 8188)")"
expect_eq "target over 8190 bytes" "414" "$(status "$URL/$(repeat a 9000)")"
expect_eq "request line over the whole head limit" "HTTP/1.1 414 URI Too Long" \
  "$(first_line "GET /$(repeat a 40000) HTTP/1.1\r\nHost: a\r\n\r\n")"

echo "--- 431: header fields"
expect_eq "one field over 8190 bytes" "431" "$(status -H "X-Big: $(repeat v 9000)" "$URL/")"
HEADERS=()
for i in 1 2 3 4 5; do HEADERS+=(-H "X-Part-$i: $(repeat v 7000)"); done
expect_eq "the whole head over 32 KiB" "431" "$(status "${HEADERS[@]}" "$URL/")"
MANY=()
for i in $(seq 1 101); do MANY+=(-H "X-Field-$i: v"); done
expect_eq "more than 100 fields" "431" "$(status "${MANY[@]}" "$URL/")"

echo "--- 413: a large body on GET, and a small one drained"
BIG=$(raw_request 127.0.0.1 "$PORT" "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 102400\r\n\r\n$(repeat b 102400)" | tr -d '\r')
expect_contains "GET with 100 KiB body" "HTTP/1.1 413 Payload Too Large" "$BIG"
expect_eq "413 closes" "closed" \
  "$(closes_after 127.0.0.1 "$PORT" "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 102400\r\n\r\n$(repeat b 102400)")"
SMALL=$(raw_request 127.0.0.1 "$PORT" "GET /hello.txt HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n0123456789GET /hello.txt HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n" | tr -d '\r')
expect_eq "small body drained, the next request answered" "2" "$(grep -c '^HTTP/1.1 200 OK' <<<"$SMALL")"

echo "--- 408: a head that does not arrive in time"
start_clock
SLOW=$(raw_request 127.0.0.1 "$PORT" "GET / HTTP/1.1\r\nHost: a\r\n" | tr -d '\r')
stop_clock
expect_contains "partial head gets 408" "HTTP/1.1 408 Request Timeout" "$SLOW"
expect_contains "and says it closes" "Connection: close" "$SLOW"
expect_elapsed "after the 1 s header timeout" 900 2500
start_clock
SILENT=$(raw_request 127.0.0.1 "$PORT" "")
stop_clock
expect_eq "a connection that sends nothing is closed without a word" "" "$SILENT"
expect_elapsed "silent connection closed" 0 2500

echo "--- keep-alive idle timeout"
start_clock
IDLE=$(raw_request 127.0.0.1 "$PORT" "GET /hello.txt HTTP/1.1\r\nHost: a\r\n\r\n" | tr -d '\r')
stop_clock
expect_contains "answered" "HTTP/1.1 200 OK" "$IDLE"
expect_not_contains "idle close is silent" "408" "$IDLE"
expect_elapsed "idle connection closed after 1 s" 900 2500

echo "--- requests per connection"
FIVE=""
for _ in 1 2 3 4 5; do FIVE+="GET /hello.txt HTTP/1.1\r\nHost: a\r\n\r\n"; done
PIPE=$(raw_request 127.0.0.1 "$PORT" "$FIVE" | tr -d '\r')
expect_eq "3 answers on one connection" "3" "$(grep -c '^HTTP/1.1 200 OK' <<<"$PIPE")"
expect_eq "the third says close" "1" "$(grep -c '^Connection: close' <<<"$PIPE")"
stop_server "$SERVER_PID"

echo "--- the connection limit"
PORT=$(free_port)
start_server "$WORK/b.log" --root "$ROOT" --access-log off --max-connections 2 --header-timeout 10 \
  --listen "127.0.0.1:$PORT" || { cat "$WORK/b.log"; exit 1; }
exec {c1}<>"/dev/tcp/127.0.0.1/$PORT"
exec {c2}<>"/dev/tcp/127.0.0.1/$PORT"
sleep 0.2
start_clock
OVER=$(raw_request 127.0.0.1 "$PORT" "GET /hello.txt HTTP/1.1\r\nHost: a\r\n\r\n")
stop_clock
expect_eq "a third connection is closed at once, unanswered" "" "$OVER"
expect_elapsed "closed at once" 0 1000
exec {c1}>&-
sleep 0.2
expect_eq "below the limit again, served" "hello, world" "$(curl -sg "http://127.0.0.1:$PORT/hello.txt")"
exec {c2}>&-
kill -0 "$SERVER_PID" && pass "still running" || fail "server died"
stop_server "$SERVER_PID"
expect_eq "exit status" "0" "$STOP_STATUS"
finish
