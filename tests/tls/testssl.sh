#!/usr/bin/env bash
# testssl.sh (Debian's package) against a TLS listener on loopback, given the local CA so
# that the chain is judged as a client that trusts it would: only TLS 1.2 and 1.3 offered, and
# no finding of severity HIGH or CRITICAL but one, which belongs to the certificate and not to
# the server: a local CA publishes no revocation (no CRL, no OCSP), and testssl.sh rates every
# certificate without them HIGH, whoever serves it.
#
# The scan runs over 127.0.0.1: testssl.sh 3.0 matches a certificate's IPv6 iPAddress entries
# by text, and OpenSSL prints [::1]'s as 0:0:0:0:0:0:0:1, so over [::1] it calls a matching
# certificate a mismatch. curl, Python and OpenSSL's verifier check the IPv6 case
# (e2e_tls, tls_certs).
source "$(dirname "$0")/../e2e/lib.sh"

command -v testssl >/dev/null || { fail "testssl is missing: run packaging/install-deps --test"; finish; }
PORT=$(free_port)
start_server "$WORK/err.log" --listen "127.0.0.1:$PORT https" --tls-self-signed \
  --state-dir "$WORK/state" --access-log off || { cat "$WORK/err.log"; exit 1; }
# The protocols, the cipher categories, forward secrecy, the server's preferences, its defaults
# (the certificate) and every vulnerability check. Not the HTTP headers (HSTS is a site's
# choice, not a TLS finding) nor the client simulation (a minute more, and no finding of its
# own): the scan takes about 80 s instead of 150.
timeout 600 testssl -p -s -f -P -S -U --quiet --color 0 --warnings off --add-ca "$WORK/state/ca.pem" \
  --jsonfile "$WORK/scan.json" "127.0.0.1:$PORT" >"$WORK/scan.out" 2>&1 || true
[ -s "$WORK/scan.json" ] || { fail "testssl wrote no findings: $(tail -5 "$WORK/scan.out")"; finish; }

finding() {  # finding ID : its text
  python3 -c 'import json, sys
for f in json.load(open(sys.argv[1])):
    if f["id"] == sys.argv[2]: print(f["finding"])' "$WORK/scan.json" "$1"
}
for old in SSLv2 SSLv3 TLS1 TLS1_1; do expect_eq "$old" "not offered" "$(finding "$old")"; done
expect_eq "TLS 1.2" "offered" "$(finding TLS1_2)"
expect_contains "TLS 1.3" "offered" "$(finding TLS1_3)"
expect_eq "the chain, given the local CA" "passed." "$(finding cert_chain_of_trust)"
expect_eq "the server orders the ciphers" "server" "$(finding cipher_order)"
SEVERE=$(python3 -c 'import json, sys
for f in json.load(open(sys.argv[1])):
    if f["severity"] in ("HIGH", "CRITICAL") and f["id"] != "cert_revocation":
        print(f["severity"], f["id"], f["finding"])' "$WORK/scan.json")
expect_eq "no finding HIGH or CRITICAL (but the local CA's revocation)" "" "$SEVERE"
python3 -c 'import json, sys
for f in json.load(open(sys.argv[1])):
    if f["severity"] not in ("OK", "INFO"):
        print("      " + f["severity"], f["id"], f["finding"])' "$WORK/scan.json"
stop_server "$SERVER_PID"
finish
