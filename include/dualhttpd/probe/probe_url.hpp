// The URLs `dualhttpd probe` takes: http:// with a numeric host, as curl -g wants them:
//   http://[2001:db8:21c::24]:8080/   http://[fe80::1%25vboxnet0]/   http://198.51.100.24/
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "dualhttpd/address/ip_address.hpp"

namespace dualhttpd {

struct ProbeUrl {
  IpAddress address;
  std::string zone;         // decoded from %25, the client's interface
  std::uint16_t port = 80;  // 443 for https://
  bool tls = false;         // https://
  std::string path = "/";
  std::string error;  // empty when the URL parsed

  bool ok() const { return error.empty(); }
  std::string host_text() const;  // "[2001:db8::24]:8080", for messages
};

ProbeUrl parse_probe_url(std::string_view url);

}  // namespace dualhttpd
