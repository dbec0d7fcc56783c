#include "dualhttpd/tls/certificate_names.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "dualhttpd/base/diagnostic.hpp"
#include "dualhttpd/base/escaping.hpp"

namespace dualhttpd {

namespace {

constexpr long warn_days = 14;

std::string names_text(const CertificateNames& names) {
  const auto all = names.entries();
  if (all.empty()) return "no subjectAltName at all (only " + names.subject + ")";
  return fmt::format("{}", fmt::join(all, ", "));
}

}  // namespace

std::optional<std::string> canonical_ip(const std::string& literal) {
  std::array<unsigned char, 16> bytes{};
  std::array<char, INET6_ADDRSTRLEN> text{};
  for (const int family : {AF_INET6, AF_INET})
    if (::inet_pton(family, literal.c_str(), bytes.data()) == 1 &&
        ::inet_ntop(family, bytes.data(), text.data(), text.size()))
      return std::string(text.data());
  return std::nullopt;
}

std::vector<std::string> CertificateNames::entries() const {
  std::vector<std::string> all;
  for (const auto& ip : ip_addresses) all.push_back("IP:" + ip);
  for (const auto& dns : dns_names) all.push_back("DNS:" + dns);
  return all;
}

bool CertificateNames::covers_ip(const std::string& literal) const {
  const auto wanted = canonical_ip(literal);
  return wanted && std::any_of(ip_addresses.begin(), ip_addresses.end(),
                               [&](const std::string& ip) { return canonical_ip(ip) == wanted; });
}

std::vector<std::string> certificate_warnings(const std::string& certificate_file,
                                              const CertificateNames& names,
                                              const std::vector<TlsEndpoint>& endpoints) {
  std::vector<std::string> out;
  if (names.days_left <= warn_days)
    out.push_back(format_diagnostic(
        {fmt::format("the TLS certificate {} expires on {}, in {} day{}", certificate_file,
                     names.not_after, names.days_left, names.days_left == 1 ? "" : "s"),
         "then every client refuses it", "renew it before then"},
        false));
  for (const auto& e : endpoints) {
    if (names.covers_ip(e.literal)) continue;
    const auto url = fmt::format("https://{}:{}/", url_host(e.literal), e.port);
    out.push_back(format_diagnostic(
        {fmt::format("the TLS certificate {} does not name {}", certificate_file, e.literal),
         fmt::format("it names {}; a client of {} refuses it (curl: \"no alternative "
                     "certificate subject name matches target host name '{}'\", Python: "
                     "\"IP address mismatch\")",
                     names_text(names), url, e.literal),
         fmt::format("a certificate with IP:{} in its subjectAltName, or let dualhttpd make "
                     "one: --tls-self-signed",
                     e.literal)},
        false));
  }
  return out;
}

}  // namespace dualhttpd
