#!/usr/bin/env bash
# Headless Chromium over HTTPS to an IPv6 literal, given the local CA of --tls-self-signed the
# way the start-up log says to give it to a browser (certutil into the NSS database of the
# user). Without the CA it refuses the certificate; with a certificate for another address it
# says so: Chromium's own words, net::ERR_CERT_*.
source "$(dirname "$0")/../e2e/lib.sh"

command -v chromium >/dev/null || { fail "chromium is missing: run packaging/install-deps --test"; finish; }
command -v certutil >/dev/null || { fail "certutil is missing: run packaging/install-deps --test"; finish; }
PORT=$(free_port)
STATE=$WORK/state
start_server "$WORK/err.log" --listen "[::1]:$PORT https" --tls-self-signed --state-dir "$STATE" \
  --access-log off || { cat "$WORK/err.log"; exit 1; }
# The line the log gives for a browser, run as it says (HOME is the browser user's).
LINE=$(grep -o "certutil -d [^;)]*" "$WORK/err.log" | head -1)
expect_contains "the log says how to give the CA to Chromium" "certutil -d sql:\$HOME/.pki/nssdb -A -t C,, -n" "$LINE"

# browse HOME URL : the page's text as headless Chromium renders it, with a fresh profile (no
# cached page, no session) and the NSS database of HOME; its errors in $WORK/chrome.err.
browse() {
  mkdir -p "$1"
  PROFILE=$(mktemp -d "$WORK/profile.XXXXXX")
  env HOME="$1" timeout 60 chromium --headless --no-sandbox --disable-gpu --disable-quic \
    --no-first-run --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$PROFILE" --virtual-time-budget=5000 --dump-dom "$2" 2>"$WORK/chrome.err" |
    sed -e 's/<[^>]*>//g' || true
}

mkdir -p "$WORK/trusting/.pki/nssdb"
certutil -d "sql:$WORK/trusting/.pki/nssdb" -N --empty-password
(cd "$STATE" && HOME=$WORK/trusting eval "$LINE")
TEXT=$(browse "$WORK/trusting" "https://[::1]:$PORT/")
expect_contains "Chromium with the local CA: the page" "You reached dualhttpd at [::1]:$PORT over IPv6" "$TEXT"

TEXT=$(browse "$WORK/plain" "https://[::1]:$PORT/")
expect_not_contains "Chromium without the CA: no page" "You reached dualhttpd" "$TEXT"
expect_contains "and why" "ERR_CERT_AUTHORITY_INVALID" "$(cat "$WORK/chrome.err")"
stop_server "$SERVER_PID"

# A certificate from the same CA for another address only: what Chromium says of it.
issue_with_ca "$STATE/ca.pem" "$STATE/ca.key" other IP:2001:db8:21c::99 "$WORK/other"
start_server "$WORK/err2.log" --listen "[::1]:$PORT https" --tls-cert "$WORK/other.pem" \
  --tls-key "$WORK/other.key" --access-log off || { cat "$WORK/err2.log"; exit 1; }
expect_contains "the server warned of it" "does not name ::1" "$(cat "$WORK/err2.log")"
TEXT=$(browse "$WORK/trusting" "https://[::1]:$PORT/")
expect_not_contains "Chromium, a certificate for another address: no page" "You reached dualhttpd" "$TEXT"
# net_error -200 is ERR_CERT_COMMON_NAME_INVALID (net/base/net_error_list.h).
expect_contains "and why" "net_error -200" "$(cat "$WORK/chrome.err")"
stop_server "$SERVER_PID"
finish
