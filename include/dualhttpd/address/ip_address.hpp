// A numeric IPv4 or IPv6 address, parsed strictly (never through DNS).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace dualhttpd {

enum class Family { ipv4, ipv6 };

std::string_view family_name(Family family);  // "ipv4" / "ipv6"

struct IpAddress {
  Family family = Family::ipv6;
  std::array<std::uint8_t, 16> bytes{};  // an IPv4 address uses the first four

  // Numeric text only: no zone, no brackets, no host names.
  static std::optional<IpAddress> parse(std::string_view text);
  static std::optional<IpAddress> parse_v4(std::string_view text);
  static std::optional<IpAddress> parse_v6(std::string_view text);

  std::string to_string() const;
  bool is_unspecified() const;
  bool is_loopback() const;
  bool is_link_local() const;  // fe80::/10; 169.254.0.0/16 for IPv4
  bool is_v4_mapped() const;   // ::ffff:0:0/96
  // The address one above (or, at the top, one below): a free-looking neighbour in the same
  // prefix, to suggest for the other end of a link (…::24 → …::25).
  IpAddress neighbour() const;
  bool operator==(const IpAddress&) const = default;
};

// The address with every bit past the prefix cleared.
IpAddress masked(IpAddress address, unsigned prefix_length);
// "2001:db8:21c::/64"
std::string prefix_text(const IpAddress& address, unsigned prefix_length);

}  // namespace dualhttpd
