// What a certificate names in its subjectAltName, and until when it is valid: read by the TLS
// module (tls/local_ca), compared and printed by the program (probe, the start-up hints).
// Plain data: no OpenSSL here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace dualhttpd {

struct CertificateNames {
  std::vector<std::string> ip_addresses;  // "2001:db8:21c::24", "192.0.2.24"
  std::vector<std::string> dns_names;
  std::string subject;     // "CN=dualhttpd local CA on guest"
  std::string not_before;  // "Dec 30 12:00:00 2026 GMT"
  std::string not_after;   // "Dec 30 12:00:00 2027 GMT"
  bool not_yet_valid = false;
  long days_left = 0;  // until not_after, whole days; negative once expired

  // Whether an iPAddress entry is this literal (IPv6 or IPv4, any spelling, no zone).
  bool covers_ip(const std::string& literal) const;
  // Every subjectAltName entry as OpenSSL writes it: "IP:2001:db8::24", "DNS:guest".
  std::vector<std::string> entries() const;
};

// A TLS listener's address as a client names it in the URL.
struct TlsEndpoint {
  std::string literal;  // "2001:db8:21c::24", no brackets, no zone
  std::uint16_t port = 443;
};

// Warnings about a valid certificate for `endpoints`: one that expires within 14 days, and
// each literal its subjectAltName does not hold, with what a client will say and the fix.
std::vector<std::string> certificate_warnings(const std::string& certificate_file,
                                              const CertificateNames& names,
                                              const std::vector<TlsEndpoint>& endpoints);

// An IP literal as an iPAddress entry takes it: "2001:db8::24" or "192.0.2.24", canonical;
// nothing for what is not one.
std::optional<std::string> canonical_ip(const std::string& literal);

}  // namespace dualhttpd
