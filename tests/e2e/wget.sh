#!/usr/bin/env bash
# GNU Wget, a client nobody here wrote, with a TLS stack that is not OpenSSL (GnuTLS): it
# mirrors an --autoindex tree of awkward names over an IPv6 literal and over HTTPS, resumes a
# download with a range (-c), skips an unchanged file with If-Modified-Since (-N), and says in
# its own words why a certificate is refused. The mirror must equal the docroot, file for file
# and byte for byte, less what the server keeps private (dot names, symlinks that leave).
source "$(dirname "$0")/lib.sh"
command -v wget >/dev/null || { echo "FAIL  wget is missing: run packaging/install-deps --test"; exit 1; }

# Names a listing must encode for a client to ask for them back: a space, '#' (a fragment),
# '?' (a query), ':' (a scheme), ';', '&', a quote, '+', '<>', a backslash, brackets, UTF-8,
# a leading dash; nested directories, one with a space, one empty. Two names are left out
# because wget itself rewrites them on disk whatever the server sends: '%' (it decodes the
# %25 of the link, then decodes again) and a tab (saved as "%09", --restrict-file-names).
ROOT=$WORK/root
mkdir -p "$ROOT/sub/deeper" "$ROOT/empty" "$ROOT/with space" "$ROOT/.git"
for name in 'a b.txt' 'hash#tag.txt' 'what?.txt' 'co:lon.txt' 'semi;colon.txt' 'amp&er.txt' \
  "quo'te.txt" 'plus+sign.txt' 'lt<gt>.html' 'back\slash.txt' '[brackets].txt' 'ünï.txt' \
  '-dash.txt' 'sub/deeper/x y.txt' 'with space/in.txt' 'sub/plain.txt'; do
  printf '%s\n' "$name" >"$ROOT/$name"
done
head -c 300000 /dev/urandom >"$ROOT/big.bin"
printf 'secret\n' >"$ROOT/.htaccess"
printf '[core]\n' >"$ROOT/.git/config"
printf 'outside\n' >"$WORK/outside.txt"
ln -s "$WORK/outside.txt" "$ROOT/link-outside.txt"
ln -s big.bin "$ROOT/link-inside.bin"
# What a mirror must hold: every file that is served, under its own name.
expected() { (cd "$ROOT" && find . -path '*/.*' -prune -o ! -name link-outside.txt \( -type f -o -type l \) -print | sort); }

PORT=$(free_port)
TLS=$(free_port)
STATE=$WORK/state
start_server "$WORK/err.log" --root "$ROOT" --autoindex --access-log "$WORK/access.log" \
  --listen "[::1]:$PORT" --listen "127.0.0.1:$PORT" --listen "[::1]:$TLS https" \
  --listen "127.0.0.1:$TLS https" --tls-self-signed --state-dir "$STATE" ||
  { cat "$WORK/err.log"; exit 1; }
CA=$STATE/ca.pem

# mirror DIR URL [WGET-OPTIONS...]: wget -r into DIR; then DIR must hold what expected()
# lists, each the same bytes, and beside them only the listings (saved as index.html).
mirror() {
  local dir=$WORK/$1 url=$2 got
  shift 2
  mkdir "$dir"
  if ! (cd "$dir" && wget -r -np -nH -nv -e robots=off "$@" "$url" >"$dir.log" 2>&1); then
    fail "wget -r $url: $(tail -3 "$dir.log")"
    return
  fi
  got=$(cd "$dir" && find . -type f ! -name index.html | sort)
  expect_eq "wget -r $url: every served file, no other" "$(expected)" "$got"
  local differ=0 file
  while IFS= read -r file; do
    cmp -s "$ROOT/$file" "$dir/$file" || differ=$((differ + 1))
  done < <(expected)
  expect_eq "wget -r $url: byte for byte" "0" "$differ"
}
mirror plain "http://[::1]:$PORT/"
mirror tls "https://[::1]:$TLS/" --ca-certificate="$CA"
expect_eq "the listings wget walked: one per directory, over both" "10" \
  "$(find "$WORK/plain" "$WORK/tls" -name index.html | wc -l)"
expect_not_contains "it asked for nothing the listings do not have" '" 404 ' "$(cat "$WORK/access.log")"

# GnuTLS verifies the local CA's certificate for an IPv4 literal too, and for localhost (named
# beside loopback listeners), and refuses it without the CA in its own words (a certificate
# for another address: tests/tls/certs.sh).
cd "$WORK"
expect_contains "GnuTLS over 127.0.0.1, with the CA" "[300000/300000]" \
  "$(wget -nv -O /dev/null --ca-certificate="$CA" "https://127.0.0.1:$TLS/big.bin" 2>&1)"
STATUS=0
OUT=$(wget -nv -O /dev/null "https://[::1]:$TLS/big.bin" 2>&1) || STATUS=$?
expect_eq "without the CA: wget's exit status for TLS (5)" "5" "$STATUS"
expect_contains "and its words" "The certificate of ‘::1’ doesn't have a known issuer." "$OUT"
expect_contains "GnuTLS for https://localhost, with the CA" "[300000/300000]" \
  "$(wget -nv -O /dev/null --ca-certificate="$CA" "https://localhost:$TLS/big.bin" 2>&1)"

# -c: a download cut at 100,000 bytes goes on with Range: bytes=100000-, over TLS.
head -c 100000 "$ROOT/big.bin" >"$WORK/big.bin"
OUT=$(wget -c -S --ca-certificate="$CA" "https://[::1]:$TLS/big.bin" 2>&1 || true)
expect_contains "wget -c: the server sends the rest" "Content-Range: bytes 100000-299999/300000" "$OUT"
if cmp -s "$ROOT/big.bin" "$WORK/big.bin"; then pass "wget -c: the whole file"; else fail "wget -c: differs"; fi

# -N: an unchanged file is not fetched again (304 to If-Modified-Since); one changed on the
# server is. Each change waits out the file cache's second (a changed file is served within
# one): the mirror above left every worker's entry fresh.
touch -d '-2 hours' "$ROOT/sub/plain.txt"
sleep 1.1
wget -q -N "http://127.0.0.1:$PORT/sub/plain.txt"
expect_contains "wget -N, unchanged: not fetched" "not modified on server. Omitting download." \
  "$(wget -N "http://127.0.0.1:$PORT/sub/plain.txt" 2>&1)"
expect_contains "and the server said 304" '"GET /sub/plain.txt HTTP/1.1" 304' \
  "$(text_when "$WORK/access.log" '"GET /sub/plain.txt HTTP/1.1" 304')"
printf 'changed\n' >"$ROOT/sub/plain.txt"
touch -d '-1 hour' "$ROOT/sub/plain.txt"
sleep 1.1
wget -q -N "http://127.0.0.1:$PORT/sub/plain.txt"
expect_eq "wget -N, changed: fetched" "changed" "$(cat "$WORK/plain.txt")"
expect_eq "with the server's time" "$(stat -c %Y "$ROOT/sub/plain.txt")" "$(stat -c %Y "$WORK/plain.txt")"

# --spider: a missing name is wget's "server issued an error response" (8).
STATUS=0
wget -q --spider "http://[::1]:$PORT/missing.txt" || STATUS=$?
expect_eq "wget --spider of a missing file: exit 8" "8" "$STATUS"

finish
