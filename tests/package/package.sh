#!/usr/bin/env bash
# The packages as a user gets them: builds the .deb and the .rpm with CPack from this build,
# checks what they hold and depend on, installs the .deb with dpkg, checks the installed
# configuration and serves the packaged page on loopback, then removes the package (only the
# conffiles stay) and purges it (nothing stays). The .rpm is installed into and erased from a
# scratch root (rpm --root). Needs root; purges the package at exit whatever happens.
source "$(dirname "$0")/../e2e/lib.sh"
SOURCE_DIR=$(cd "$(dirname "$0")/../.." && pwd)
: "${BUILD_DIR:?set BUILD_DIR to the build directory}"
require_root
if [ "${DUALHTTPD_SANITIZED:-0}" = 1 ]; then
  echo "skipped: packages are built from the release build only"
  exit "$SKIP_CODE"
fi
if dpkg-query -W -f='${Status}' dualhttpd 2>/dev/null | grep -q installed; then
  echo "dualhttpd is installed on this machine already; this test installs and purges its own"
  exit 1
fi
purge_package() { dpkg -P dualhttpd >/dev/null 2>&1 || true; }
trap 'purge_package; cleanup' EXIT

echo "--- building the packages"
(cd "$WORK" && cpack --config "$BUILD_DIR/CPackConfig.cmake" -G "DEB;RPM" -B "$WORK/pkg") \
  >"$WORK/cpack.log" 2>&1 || { cat "$WORK/cpack.log"; exit 1; }
DEB=$(ls "$WORK"/pkg/dualhttpd_*_amd64.deb)
RPM=$(ls "$WORK"/pkg/dualhttpd-*.x86_64.rpm)
pass "cpack made $(basename "$DEB") and $(basename "$RPM")"

echo "--- what the .deb holds"
CONTENTS=$(dpkg-deb -c "$DEB" | awk '{print $6}')
for path in ./usr/sbin/dualhttpd ./usr/lib/dualhttpd/tls.so ./usr/sbin/dualhttpd-lab \
  ./usr/lib/systemd/system/dualhttpd.service \
  ./usr/lib/systemd/system/dualhttpd.socket ./usr/lib/systemd/system/dualhttpd-tls.socket \
  ./etc/dualhttpd/dualhttpd.toml \
  ./etc/logrotate.d/dualhttpd ./usr/share/man/man8/dualhttpd.8.gz \
  ./usr/share/man/man8/dualhttpd-lab.8.gz ./usr/share/dualhttpd/www/index.html \
  ./usr/share/doc/dualhttpd/README.md ./usr/share/doc/dualhttpd/copyright \
  ./usr/share/doc/dualhttpd/changelog.gz ./var/log/dualhttpd/; do
  expect_contains ".deb holds $path" "$path" "$CONTENTS"
done
expect_eq ".deb conffiles" $'/etc/dualhttpd/dualhttpd.toml\n/etc/logrotate.d/dualhttpd' \
  "$(dpkg-deb -I "$DEB" conffiles)"
# OpenSSL from Debian (libssl3), so its security updates reach the server; nothing else. The
# program maps it only through its TLS module, which dpkg-shlibdeps reads as well.
expect_eq ".deb depends on the C library and Debian's OpenSSL" "libc6 (>= 2.36), libssl3 (>= 3.0.0)" \
  "$(dpkg-deb -f "$DEB" Depends)"
expect_contains ".deb recommends libsystemd0 (readiness, socket activation)" "libsystemd0" \
  "$(dpkg-deb -f "$DEB" Recommends)"

echo "--- what Debian's and RPM's linters say"
# Policy as a Debian maintainer and an RPM packager would check it: no error, no warning.
# rpmlint's findings that are not defects are filtered in packaging/rpmlint.toml, each with
# its reason.
LINTIAN=$(lintian --tag-display-limit 0 "$DEB" 2>&1 | grep -v 'running with root privileges' || true)
expect_eq "lintian: no error, no warning" "" "$(grep -E '^(E|W): ' <<<"$LINTIAN" || true)"
RPMLINT=$(rpmlint -c "$SOURCE_DIR/packaging/rpmlint.toml" "$RPM" 2>&1 || true)
expect_contains "rpmlint: no error, no warning" "0 errors, 0 warnings" "$RPMLINT"
[ -z "$(grep -E '^(E|W): ' <<<"$LINTIAN")" ] || echo "$LINTIAN"
grep -q "0 errors, 0 warnings" <<<"$RPMLINT" || echo "$RPMLINT"

echo "--- what the .rpm holds"
RPM_FILES=$(rpm -qpl "$RPM" 2>/dev/null)
for path in /usr/sbin/dualhttpd /usr/lib/dualhttpd/tls.so /usr/lib/systemd/system/dualhttpd.service \
  /etc/dualhttpd/dualhttpd.toml /usr/share/man/man8/dualhttpd.8.gz \
  /usr/share/man/man8/dualhttpd-lab.8.gz /usr/share/dualhttpd/www/index.html; do
  expect_contains ".rpm holds $path" "$path" "$RPM_FILES"
done
expect_contains ".rpm marks the configuration %config" "/etc/dualhttpd/dualhttpd.toml" \
  "$(rpm -qpc "$RPM" 2>/dev/null)"
expect_contains ".rpm requires libc" "libc.so.6" "$(rpm -qpR "$RPM" 2>/dev/null)"
expect_contains ".rpm requires OpenSSL's libssl" "libssl.so.3" "$(rpm -qpR "$RPM" 2>/dev/null)"
RPM_ROOT=$WORK/rpmroot
mkdir -p "$RPM_ROOT"
rpm --root "$RPM_ROOT" --initdb
STATUS=0
rpm --root "$RPM_ROOT" -i --nodeps --noscripts "$RPM" 2>"$WORK/rpm.log" || STATUS=$?
expect_eq ".rpm installs into a scratch root" "0" "$STATUS"
expect_eq ".rpm's dualhttpd runs" "dualhttpd 0" \
  "$("$RPM_ROOT/usr/sbin/dualhttpd" --version | cut -c1-11)"
# --check of a TLS listener loads the module and the certificate it would make.
STATUS=0
"$RPM_ROOT/usr/sbin/dualhttpd" --check --config none --root "$SOURCE_DIR/www" \
  --listen "[::1]:$(free_port) https" --tls-self-signed --state-dir "$WORK/rpm-state" \
  >"$WORK/rpm-check.out" 2>&1 || STATUS=$?
expect_eq ".rpm's dualhttpd finds its TLS module" "0" "$STATUS"
[ "$STATUS" = 0 ] || cat "$WORK/rpm-check.out"
rpm --root "$RPM_ROOT" -e --noscripts dualhttpd 2>>"$WORK/rpm.log" || true
expect_eq ".rpm erases cleanly" "" "$(find "$RPM_ROOT" -name 'dualhttpd*' -not -path '*/var/lib/rpm*')"

echo "--- dpkg -i"
STATUS=0
dpkg -i "$DEB" >"$WORK/dpkg.log" 2>&1 || STATUS=$?
expect_eq "dpkg -i exits 0" "0" "$STATUS"
[ "$STATUS" = 0 ] || cat "$WORK/dpkg.log"
expect_eq "installed" "install ok installed" "$(dpkg-query -W -f='${Status}' dualhttpd)"
expect_contains "man dualhttpd finds the page" "/usr/share/man/man8/dualhttpd.8.gz" \
  "$(man -w dualhttpd 2>&1)"

echo "--- the installed configuration"
if [ -z "$(ss -Hltn 'sport = :80')" ]; then
  run_capture_bin() { STATUS=0; /usr/sbin/dualhttpd "$@" >"$WORK/run.out" 2>"$WORK/run.err" || STATUS=$?; OUT=$(cat "$WORK/run.out"); ERR=$(cat "$WORK/run.err"); }
  run_capture_bin --check
  expect_eq "dualhttpd --check with the installed configuration" "0" "$STATUS"
  expect_contains "reads /etc/dualhttpd/dualhttpd.toml by default" \
    "ok: configuration /etc/dualhttpd/dualhttpd.toml" "$OUT"
  expect_contains "its listeners" "ok: [::1]:80 ipv6 interface=lo v6only=on" "$OUT"
  expect_contains "its docroot" "ok: docroot /usr/share/dualhttpd/www" "$OUT"
  [ "$STATUS" = 0 ] || echo "$ERR"
else
  fail "port 80 is in use here, so the installed configuration cannot be checked as it is"
fi

echo "--- the installed server on a loopback port"
P=$(free_port)
DUALHTTPD=/usr/sbin/dualhttpd start_server "$WORK/installed.log" --listen "[::1]:$P" \
  --listen "127.0.0.1:$P" --access-log "$WORK/access.log" ||
  { cat "$WORK/installed.log"; exit 1; }
expect_contains "serves from the installed configuration's docroot" "serving /usr/share/dualhttpd/www" \
  "$(cat "$WORK/installed.log")"
expect_eq "GET / over IPv6 is the packaged page" "$(cat "$SOURCE_DIR/www/index.html")" \
  "$(curl -sS -g "http://[::1]:$P/")"
expect_eq "GET / over IPv4" "200" "$(curl -sS -o /dev/null -w '%{http_code}' "http://127.0.0.1:$P/")"
stop_server "$SERVER_PID"
expect_eq "stops cleanly" "0" "$STOP_STATUS"

echo "--- the installed server over HTTPS, with its TLS module"
T=$(free_port)
DUALHTTPD=/usr/sbin/dualhttpd start_server "$WORK/installed-tls.log" --listen "[::1]:$T https" \
  --tls-self-signed --state-dir "$WORK/state" --access-log off ||
  { cat "$WORK/installed-tls.log"; exit 1; }
expect_eq "GET / over HTTPS verifies with the local CA" "200" \
  "$(curl -sS -g --cacert "$WORK/state/ca.pem" -o /dev/null -w '%{http_code}' "https://[::1]:$T/")"
expect_contains "the server mapped /usr/lib/dualhttpd/tls.so" "/usr/lib/dualhttpd/tls.so" \
  "$(cat "/proc/$SERVER_PID/maps")"
stop_server "$SERVER_PID"

echo "--- dpkg -r leaves only the conffiles"
dpkg -r dualhttpd >"$WORK/dpkg.log" 2>&1 || { cat "$WORK/dpkg.log"; fail "dpkg -r"; }
expect_eq "after remove: config-files state" "deinstall ok config-files" \
  "$(dpkg-query -W -f='${Status}' dualhttpd)"
LEFT=$(find /usr/sbin /usr/lib /usr/share/man/man8 /usr/share/doc /usr/share /etc \
  -name 'dualhttpd*' 2>/dev/null | sort | tr '\n' ' ')
expect_eq "after remove: only the conffiles" \
  "/etc/dualhttpd /etc/dualhttpd/dualhttpd.toml /etc/logrotate.d/dualhttpd " "$LEFT"

echo "--- dpkg -P leaves nothing"
dpkg -P dualhttpd >"$WORK/dpkg.log" 2>&1 || { cat "$WORK/dpkg.log"; fail "dpkg -P"; }
expect_eq "after purge: unknown to dpkg" "" "$(dpkg-query -W -f='${Status}' dualhttpd 2>/dev/null)"
LEFT=$(find /usr/sbin /usr/lib /usr/share/man/man8 /usr/share/doc /usr/share /etc /var/log \
  -name 'dualhttpd*' 2>/dev/null | sort | tr '\n' ' ')
expect_eq "after purge: no files" "" "$LEFT"

finish
