#!/usr/bin/env bash
# The configuration file as an operator uses it: keys for the options, the command line over
# them, and every mistake named by file, line and key before anything listens.
source "$(dirname "$0")/lib.sh"

ROOT=$(make_docroot)
P1=$(free_port)
P2=$(free_port)
CONF=$WORK/dualhttpd.toml
cat >"$CONF" <<EOF
# a global IPv6 literal and its IPv4 twin, as in httpd's Listen lines
listen = ["[::1]:$P1", "127.0.0.1:$P1"]
root = "$ROOT"
access_log = "$WORK/access.log"
health_path = "off"
threads = 2
autoindex = true
EOF

echo "--- the file's settings serve"
start_server "$WORK/server.log" --config "$CONF" || { cat "$WORK/server.log"; exit 1; }
LOG=$(cat "$WORK/server.log")
expect_contains "the log names the file" "configuration from $CONF" "$LOG"
expect_contains "listens on the file's IPv6 listener" "listening on [::1]:$P1" "$LOG"
expect_contains "listens on the file's IPv4 listener" "listening on 127.0.0.1:$P1" "$LOG"
expect_eq "GET over IPv6 from the file's root" "hello, world" \
  "$(curl -sS -g "http://[::1]:$P1/hello.txt")"
expect_eq "GET over IPv4" "hello, world" "$(curl -sS "http://127.0.0.1:$P1/hello.txt")"
expect_contains "autoindex = true lists a directory" "Index of /empty" \
  "$(curl -sS -g "http://[::1]:$P1/empty/")"
expect_eq "health_path = off" "404" \
  "$(curl -sS -o /dev/null -w '%{http_code}' -g "http://[::1]:$P1/healthz")"
expect_contains "access_log = FILE" '"GET /hello.txt HTTP/1.1" 200' \
  "$(text_when "$WORK/access.log" 'GET /hello.txt')"
stop_server "$SERVER_PID"
expect_eq "stops cleanly" "0" "$STOP_STATUS"

echo "--- the command line overrides the file"
start_server "$WORK/override.log" --config "$CONF" --listen "127.0.0.1:$P2" --autoindex=false ||
  { cat "$WORK/override.log"; exit 1; }
expect_eq "--listen replaces the file's listen" "hello, world" \
  "$(curl -sS "http://127.0.0.1:$P2/hello.txt")"
expect_eq "the file's listeners are not opened" "000" \
  "$(curl -s -o /dev/null -w '%{http_code}' -g "http://[::1]:$P1/" || true)"
expect_eq "--autoindex=false over autoindex = true" "403" \
  "$(curl -sS -o /dev/null -w '%{http_code}' "http://127.0.0.1:$P2/empty/")"
stop_server "$SERVER_PID"

echo "--- --check validates the file"
run_capture --config "$CONF" --check
expect_eq "--check with a good file exits 0" "0" "$STATUS"
expect_contains "--check names the file" "ok: configuration $CONF" "$OUT"
expect_contains "--check checks the file's listeners" "ok: [::1]:$P1" "$OUT"

# bad_config WHAT TEXT EXPECTED... : the file TEXT is refused with exit 2 and every EXPECTED.
bad_config() {
  local what=$1 text=$2
  shift 2
  printf '%s\n' "$text" >"$WORK/bad.toml"
  run_capture --config "$WORK/bad.toml" --check
  expect_eq "$what: exit 2" "2" "$STATUS"
  local part
  for part in "$@"; do expect_contains "$what" "$part" "$ERR"; done
  expect_eq "$what: nothing on stdout" "" "$OUT"
}
bad_config "unknown key" $'root = "/srv"\nbindwait = 30' \
  "$WORK/bad.toml:2: cannot use key 'bindwait'" "did you mean bind_wait?"
bad_config "wrong type" 'threads = "2"' \
  "$WORK/bad.toml:1: cannot use key 'threads'" "it is a string, and threads takes a whole number"
bad_config "value out of range (the option's own check)" $'\n\nthreads = 0' \
  "$WORK/bad.toml:3: cannot use key 'threads'" "not in range"
bad_config "value not among the choices" 'log_level = "loud"' \
  "$WORK/bad.toml:1: cannot use key 'log_level'" "loud"
bad_config "broken TOML" 'listen = ["[::1]:80"' "$WORK/bad.toml:1:" "this is not valid TOML"
bad_config "a section" $'[server]\nroot = "/srv"' "has no sections"
# An index name's fix is the file's whole line, and pasted into the file it works.
pasted_fix_works() {  # pasted_fix_works WHAT : the line after "write " in ERR, as the file
  local line=${ERR##*; write }
  printf '%s\n' "$line" >"$WORK/fixed.toml"
  run_capture --config "$WORK/fixed.toml" --root "$ROOT" --listen "[::1]:$P2" --check
  expect_eq "$1: the fix ($line), pasted, passes --check" "0" "$STATUS"
}
bad_config "an index that is a path" 'index = ["index.html", "/srv/index.htm"]' \
  "$WORK/bad.toml: index \"/srv/index.htm\": an index is a file name, looked up in the directory asked for: it has no '/'; write index = [\"index.html\", \"index.htm\"]"
pasted_fix_works "an index that is a path"
bad_config "a dotfile among the index names" 'index = [".index.html", "sub/default.htm"]' \
  "$WORK/bad.toml: index \".index.html\": a name starting with '.' is never served (dotfiles are hidden); write index = [\"default.htm\"]"
pasted_fix_works "a dotfile among the index names"
run_capture --index .index.html --check
expect_eq "a dotfile as --index: exit 2" "2" "$STATUS"
expect_contains "a dotfile as --index, and why not" \
  "dualhttpd: --index .index.html: a name starting with '.' is never served (dotfiles are hidden)" "$ERR"
run_capture --config "$WORK/missing.toml" --check
expect_eq "a missing file: exit 2" "2" "$STATUS"
expect_contains "a missing file is named" \
  "cannot read the configuration file $WORK/missing.toml" "$ERR"

echo "--- the file's listeners get the same diagnosis as --listen"
printf 'listen = ["[fe80::a00:27ff:fe51:575]:%s"]\nroot = "%s"\n' "$P1" "$ROOT" >"$WORK/ll.toml"
run_capture --config "$WORK/ll.toml" --check
expect_eq "link-local without zone from the file: exit 3" "3" "$STATUS"
expect_contains "link-local without zone from the file" "needs the interface as a zone" "$ERR$OUT"

echo "--- the packaged default file is valid (its listeners and paths replaced)"
run_capture --config "$(dirname "$0")/../../packaging/config/dualhttpd.toml" --check \
  --listen "127.0.0.1:$P2" --root "$ROOT" --access-log off
expect_eq "packaged dualhttpd.toml passes --check" "0" "$STATUS"
expect_contains "packaged dualhttpd.toml is read" "ok: configuration" "$OUT"

echo "--- --from-httpd-conf: httpd's lines taken over, with the link-local diagnosis"
if [ "$(id -u)" = 0 ]; then
  NS=dhconf$$
  make_netns "$NS"
  ip -n "$NS" link add enp0s8 type veth peer name enp0s8-peer
  ip -n "$NS" link set enp0s8-peer up
  ip -n "$NS" link set enp0s8 up
  ip -n "$NS" addr add fe80::a00:27ff:fe51:575/64 dev enp0s8 nodad
  mkdir -p "$WORK/httpd/conf" "$WORK/httpd/conf.d"
  cat >"$WORK/httpd/conf/httpd.conf" <<EOF2
ServerRoot "$WORK/httpd"
LoadModule dir_module modules/mod_dir.so
Listen [fe80::a00:27ff:fe51:575]:80
DocumentRoot "$ROOT"
<Directory "$ROOT">
    Options Indexes FollowSymLinks
</Directory>
<IfModule dir_module>
    DirectoryIndex index.html index.php
</IfModule>
IncludeOptional conf.d/*.conf
EOF2
  printf 'Listen [::1]:%s\n' "$P2" >"$WORK/httpd/conf.d/local.conf"
  STATUS=0
  ip netns exec "$NS" "$DUALHTTPD" --from-httpd-conf "$WORK/httpd/conf/httpd.conf" --check \
    >"$WORK/httpd.out" 2>"$WORK/httpd.err" || STATUS=$?
  OUT=$(cat "$WORK/httpd.out")
  ERR=$(cat "$WORK/httpd.err")
  expect_eq "httpd's link-local Listen: exit 3" "3" "$STATUS"
  expect_contains "reads the main file and its include" "(2 files read)" "$OUT"
  expect_contains "the Listen line, where it is" \
    "httpd.conf:3: Listen [fe80::a00:27ff:fe51:575]:80 -> --listen '[fe80::a00:27ff:fe51:575]:80'" "$OUT"
  expect_contains "the included Listen" "conf.d/local.conf:1: Listen [::1]:$P2" "$OUT"
  expect_contains "DocumentRoot" "DocumentRoot \"$ROOT\" -> --root $ROOT" "$OUT"
  expect_contains "DirectoryIndex without the script dualhttpd would send as its source" \
    "DirectoryIndex index.html index.php -> --index index.html (index.php is left out: dualhttpd sends a file as it is, so a script would show its source, not its output)" "$OUT"
  expect_contains "Options Indexes" "Options Indexes FollowSymLinks -> --autoindex" "$OUT"
  expect_contains "the included listener checks out" "ok: [::1]:$P2" "$OUT"
  expect_contains "the link-local diagnosis names the interface" \
    "it is on enp0s8: listen on [fe80::a00:27ff:fe51:575%enp0s8]:80" "$ERR"
  expect_contains "and httpd's file and line" \
    "cannot listen on [fe80::a00:27ff:fe51:575]:80 (Listen at $WORK/httpd/conf/httpd.conf:3)" "$ERR"
  expect_contains "the command line shows the spec that works, not the failing one" \
    "--listen '[fe80::a00:27ff:fe51:575%enp0s8]:80'" "$OUT"

  # Debian's own apache2 tree, as the apache2 package installs it: <IfModule ssl_module>
  # and <IfModule mod_gnutls.c> each hold a Listen 443 that must not count (neither module
  # is enabled), and the DocumentRoot is 000-default's <VirtualHost>.
  STATUS=0
  ip netns exec "$NS" "$DUALHTTPD" --from-httpd-conf /etc/apache2/apache2.conf --check \
    >"$WORK/debian.out" 2>"$WORK/debian.err" || STATUS=$?
  OUT=$(cat "$WORK/debian.out")
  expect_eq "Debian's stock apache2.conf: --check passes" "0" "$STATUS"
  expect_contains "Listen 80 from ports.conf" "/etc/apache2/ports.conf:5: Listen 80 -> --listen '80'" "$OUT"
  expect_not_contains "no Listen 443 from an <IfModule> that does not hold" "Listen 443" "$OUT"
  expect_contains "000-default's DocumentRoot, said to be a virtual host's" \
    "DocumentRoot \"/var/www/html\" -> --root /var/www/html (of <VirtualHost *:80>" "$OUT"
  expect_contains "Options of <Directory /var/www/>" "Options Indexes FollowSymLinks -> --autoindex" "$OUT"
  expect_contains "mod_dir's DirectoryIndex: the names that are files" \
    "/etc/apache2/mods-enabled/dir.conf:1: DirectoryIndex index.html index.cgi index.pl index.php index.xhtml index.htm -> --index index.html --index index.xhtml --index index.htm (index.cgi, index.pl and index.php are left out" "$OUT"
  expect_contains "the command line" \
    "as a dualhttpd command line: dualhttpd --root /var/www/html --listen '80' --index index.html --index index.xhtml --index index.htm --autoindex" "$OUT"
  # The same tree with mod_ssl and the default-ssl site enabled (a2enmod ssl; a2ensite
  # default-ssl): its Listen 443 is TLS, and the certificate is default-ssl's snakeoil one,
  # which only the ssl-cert package makes: said so, with the file.
  cp -a /etc/apache2 "$WORK/apache2"
  ln -s ../mods-available/ssl.load "$WORK/apache2/mods-enabled/ssl.load"
  ln -s ../sites-available/default-ssl.conf "$WORK/apache2/sites-enabled/default-ssl.conf"
  OUT=$(ip netns exec "$NS" "$DUALHTTPD" --from-httpd-conf "$WORK/apache2/apache2.conf" --check 2>&1) || true
  expect_contains "with mod_ssl, Listen 443 is TLS" \
    "ports.conf:8: Listen 443 -> --listen '443 https' (https is httpd's protocol for port 443)" "$OUT"
  expect_contains "default-ssl's certificate is taken" \
    "default-ssl.conf:31: SSLCertificateFile /etc/ssl/certs/ssl-cert-snakeoil.pem -> --tls-cert /etc/ssl/certs/ssl-cert-snakeoil.pem (of <VirtualHost *:443>" "$OUT"
  expect_contains "and its key" \
    "default-ssl.conf:32: SSLCertificateKeyFile /etc/ssl/private/ssl-cert-snakeoil.key -> --tls-key /etc/ssl/private/ssl-cert-snakeoil.key" "$OUT"
  if [ ! -e /etc/ssl/certs/ssl-cert-snakeoil.pem ]; then
    expect_contains "a certificate that is not there is named" \
      "cannot read the TLS certificate /etc/ssl/certs/ssl-cert-snakeoil.pem" "$OUT"
    expect_contains "with the package that makes it" "apt-get install ssl-cert" "$OUT"
  fi
  # A RHEL-style tree: conf.modules.d loads mod_ssl, conf.d/ssl.conf listens with https and
  # names its certificate and key.
  mkdir -p "$WORK/rhel/conf" "$WORK/rhel/conf.modules.d" "$WORK/rhel/conf.d" "$WORK/rhel/pki"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=localhost \
    -addext subjectAltName=IP:127.0.0.1 -days 30 -keyout "$WORK/rhel/pki/localhost.key" \
    -out "$WORK/rhel/pki/localhost.crt" 2>/dev/null
  chmod 600 "$WORK/rhel/pki/localhost.key"
  printf 'ServerRoot "%s"\nListen 127.0.0.1:%s\nInclude conf.modules.d/*.conf\nDocumentRoot "%s"\nIncludeOptional conf.d/*.conf\n' \
    "$WORK/rhel" "$P2" "$ROOT" >"$WORK/rhel/conf/httpd.conf"
  printf 'LoadModule ssl_module modules/mod_ssl.so\n' >"$WORK/rhel/conf.modules.d/00-ssl.conf"
  printf 'Listen 443 https\n<VirtualHost _default_:443>\nDocumentRoot "/var/www/secure"\nSSLCertificateFile pki/localhost.crt\nSSLCertificateKeyFile pki/localhost.key\n</VirtualHost>\n' \
    >"$WORK/rhel/conf.d/ssl.conf"
  STATUS=0
  ip netns exec "$NS" "$DUALHTTPD" --from-httpd-conf "$WORK/rhel/conf/httpd.conf" --check \
    >"$WORK/rhel.out" 2>"$WORK/rhel.err" || STATUS=$?
  OUT=$(cat "$WORK/rhel.out")
  expect_eq "RHEL-style tree: --check passes" "0" "$STATUS"
  expect_contains "Listen 443 https is TLS" "conf.d/ssl.conf:1: Listen 443 https -> --listen '443 https'" "$OUT"
  expect_contains "its certificate, relative to ServerRoot" \
    "conf.d/ssl.conf:4: SSLCertificateFile $WORK/rhel/pki/localhost.crt -> --tls-cert $WORK/rhel/pki/localhost.crt" "$OUT"
  expect_contains "the main DocumentRoot is taken" "DocumentRoot \"$ROOT\" -> --root $ROOT" "$OUT"
  expect_contains "the TLS vhost's is named, not taken" \
    "DocumentRoot \"/var/www/secure\" of <VirtualHost _default_:443> -> not taken" "$OUT"
  expect_contains "the plain listener" "ok: 127.0.0.1:$P2" "$OUT"
  expect_contains "and the TLS ones" "ok: 0.0.0.0:443 https" "$OUT"
  expect_contains "with the certificate" "ok: TLS certificate $WORK/rhel/pki/localhost.crt" "$OUT"
  expect_contains "the command line to use" \
    "--listen '443 https' --tls-cert $WORK/rhel/pki/localhost.crt --tls-key $WORK/rhel/pki/localhost.key" "$OUT"
  printf 'Include conf.missing/*.conf\n' >>"$WORK/httpd/conf/httpd.conf"
  run_capture --from-httpd-conf "$WORK/httpd/conf/httpd.conf" --check
  expect_eq "an Include that matches nothing: exit 2" "2" "$STATUS"
  expect_contains "an Include that matches nothing is named" "httpd.conf:12: Include" "$ERR"
  run_capture --from-httpd-conf "$WORK/httpd/missing.conf" --check
  expect_eq "a missing httpd.conf: exit 2" "2" "$STATUS"
  expect_contains "a missing httpd.conf is named" "cannot read the httpd configuration" "$ERR"
elif [ -n "${DUALHTTPD_NO_SKIP:-}" ]; then
  fail "--from-httpd-conf needs root for a network namespace, and DUALHTTPD_NO_SKIP forbids skipping"
else
  echo "skipped --from-httpd-conf: needs root for a network namespace"
fi

echo "--- --config none reads no file"
run_capture --config none --root "$ROOT" --check --listen "127.0.0.1:$P2"
expect_eq "--config none" "0" "$STATUS"
expect_contains "--config none: --check says none was read, and why" \
  "ok: configuration none (--config none)" "$OUT"
run_capture --root "$ROOT" --check --listen "127.0.0.1:$P2"
expect_contains "a build-tree binary reads no /etc file unless told, and says so" \
  "ok: configuration none (a build run from its build tree reads /etc/dualhttpd/dualhttpd.toml only when --config names it)" "$OUT"

echo "--- from_httpd_conf is a key too"
mkdir -p "$WORK/keyconf"
printf 'Listen 127.0.0.1:%s\nDocumentRoot "%s"\n' "$P2" "$ROOT" >"$WORK/keyconf/httpd.conf"
printf 'from_httpd_conf = "%s"\n' "$WORK/keyconf/httpd.conf" >"$WORK/keyconf/dualhttpd.toml"
run_capture --config "$WORK/keyconf/dualhttpd.toml" --check
expect_eq "from_httpd_conf in the file: accepted" "0" "$STATUS"
expect_contains "and httpd's Listen taken" "ok: 127.0.0.1:$P2" "$OUT"

echo "--- --check opens the access log as a start would, and a failed start leaves its reason in the error log"
run_capture --root "$ROOT" --check --listen "127.0.0.1:$P2" --access-log "$WORK/no-such-dir/access.log"
expect_eq "an access log that cannot be opened: --check exit 2" "2" "$STATUS"
expect_contains "names it, why, and what to do" "cannot open the access log $WORK/no-such-dir/access.log" "$ERR"
run_capture --root "$ROOT" --listen "127.0.0.1:$P2" --access-log "$WORK/no-such-dir/access.log"
expect_eq "and a start the same" "2" "$STATUS"
run_capture --root "$ROOT" --check --listen "127.0.0.1:$P2" --access-log "$WORK/check-access.log"
expect_contains "--check names the access log it opened" "ok: access log $WORK/check-access.log" "$OUT"
run_capture --root "$ROOT" --listen "[2001:db8:21c::77]:$P2" --error-log "$WORK/failed-start.log"
expect_eq "a start that fails" "3" "$STATUS"
expect_contains "writes its diagnosis to the error log too" "cannot listen on [2001:db8:21c::77]:$P2" "$(cat "$WORK/failed-start.log")"
expect_contains "with the summary" "nothing was started (exit status 3)" "$(cat "$WORK/failed-start.log")"
run_capture --root "$ROOT" --check --listen "127.0.0.1:$P2" --error-log /proc/no-such/error.log
expect_eq "an error log that cannot be opened: exit 2" "2" "$STATUS"
expect_contains "says so with the fix" "fix:   name a file in a directory this user may write" "$ERR"

echo "--- piped, the lines come in the order they were written"
ORDERED=$("$DUALHTTPD" --root "$ROOT" --check --listen "127.0.0.1:$P2" --listen "[2001:db8:21c::77]:$P2" 2>&1 | cat) || true
FIRST_OK=$(grep -n '^ok: 127.0.0.1' <<<"$ORDERED" | cut -d: -f1)
FIRST_PROBLEM=$(grep -n '^dualhttpd: cannot listen' <<<"$ORDERED" | cut -d: -f1)
SUMMARY=$(grep -n 'problem; the server would not start' <<<"$ORDERED" | cut -d: -f1)
if [ -n "$FIRST_OK" ] && [ -n "$SUMMARY" ] && [ "$FIRST_OK" -lt "$FIRST_PROBLEM" ] && [ "$FIRST_PROBLEM" -lt "$SUMMARY" ]; then
  pass "ok: lines, then the problem, then the summary"
else
  fail "order when piped:"$'\n'"$ORDERED"
fi
finish
