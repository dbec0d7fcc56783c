// Listen specifications in httpd's `Listen` syntax, parsed strictly and numerically:
//   [2001:db8::24]:80   192.0.2.10:80   [fe80::1%enp0s8]:80   [::]:80   0.0.0.0:80   80
// and, as httpd's, a protocol after one space: `[2001:db8::24]:443 https` speaks TLS.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "dualhttpd/address/ip_address.hpp"

namespace dualhttpd {

struct ListenSpec {
  std::string text;  // what the user wrote, for messages
  IpAddress address;
  std::string zone;  // interface name or index after '%', empty if none
  std::uint16_t port = 0;
  bool tls = false;  // "https" after the endpoint

  // "[addr%zone]:port" or "a.b.c.d:port"
  std::string to_string() const;
  // The same, with " https" for a TLS listener: the spec as --listen takes it.
  std::string to_spec() const;
  Family family() const { return address.family; }
};

// The canonical text of an address with an optional zone and a port.
std::string format_endpoint(const IpAddress& address, std::string_view zone, std::uint16_t port);

struct ListenParse {
  std::vector<ListenSpec> specs;  // a bare port yields two: [::]:PORT and 0.0.0.0:PORT
  std::string error;              // empty on success; otherwise the reason in plain words
  // On failure, the spec the user most likely meant, built from their own text and itself
  // accepted; empty when it cannot be told (then the fix names the forms, not an address).
  std::string suggestion;
  bool ok() const { return error.empty(); }
};

ListenParse parse_listen_spec(std::string_view text);

// A zone written as an interface index ("2"): the index, or nullopt for a name. Indexes
// the kernel cannot have (0, more than 2147483647) are a `bad` index.
struct ZoneIndex {
  bool numeric = false;
  bool bad = false;
  unsigned value = 0;
};
ZoneIndex parse_zone_index(std::string_view zone);

}  // namespace dualhttpd
