// Certificates that name the address: a small certificate authority of this machine's own,
// and server certificates it signs whose subjectAltName holds every listener's IP literal
// (IPv6 and IPv4) and DNS names: the host name, and localhost beside a loopback literal. A client
// given the CA (curl --cacert ca.pem) then verifies https://[2001:db8:21c::24]/ on the first try.
// ECDSA P-256, with OpenSSL 3.
#pragma once

#include <string>
#include <vector>

#include "dualhttpd/base/diagnostic.hpp"
#include "dualhttpd/tls/certificate_names.hpp"

struct x509_st;  // OpenSSL's X509

namespace dualhttpd {

// A certificate and its private key, as PEM text.
struct PemPair {
  std::string certificate;
  std::string key;
};

// A certificate authority for this machine: self-signed, may sign server certificates only
// (pathlen 0), valid ten years. `host_name` goes into its name, so that a trust store that
// holds several tells them apart.
Result<PemPair> make_local_ca(const std::string& host_name);

// A server certificate signed by `ca` for `ip_literals` (IPv6 or IPv4 literals, without
// brackets or zones: an iPAddress entry has no room for a zone) and `dns_names` (the first
// is its common name), for TLS servers only, valid 397 days (what browsers accept of any CA).
Result<PemPair> issue_server_certificate(const PemPair& ca,
                                         const std::vector<std::string>& ip_literals,
                                         const std::vector<std::string>& dns_names);

// What the certificate in `pem` (the first one, if it holds a chain) names.
Result<CertificateNames> certificate_names(const std::string& pem);
CertificateNames certificate_names(const x509_st* certificate);

}  // namespace dualhttpd
