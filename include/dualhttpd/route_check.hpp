// The host's half of the story: would this machine reach an address, from which source,
// through which interface, and is it on-link? Turned into plain words and a fix.
#pragma once

#include <optional>
#include <string>

#include "dualhttpd/interfaces.hpp"
#include "dualhttpd/ip_address.hpp"

namespace dualhttpd {

struct RouteFinding {
  bool reachable = false;
  std::string source;     // the source address the kernel picked
  std::string interface;  // the interface that holds it
  std::string prefix;     // the connected prefix that holds the destination, if any
  bool on_link = false;
  std::string message;  // plain words, with the fix when there is no route
};

// `connect_error` is the errno of connecting a UDP socket to the destination (0 on success),
// and `source` what getsockname() then said.
RouteFinding judge_route(const IpAddress& destination, const std::string& zone, int connect_error,
                         const std::optional<IpAddress>& source, const MachineSnapshot& machine);

// "2001:db8:21c::/64"
std::string prefix_text(const IpAddress& address, unsigned prefix_length);

}  // namespace dualhttpd
