// The host's half of the story: would this machine reach an address, from which source,
// through which interface, and is it on-link? Turned into plain words and a fix.
#pragma once

#include <optional>
#include <string>

#include "dualhttpd/address/ip_address.hpp"
#include "dualhttpd/address/machine_snapshot.hpp"
#include "dualhttpd/probe/probe_url.hpp"

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

// A link-local URL must name the link by *this* host's interface on it (the zone, %25IFACE).
// Without a zone, or with one this host does not have (often the server's own interface
// name), the reason in words and the URLs to try instead, built from the user's own URL;
// "" when the zone is one of this host's interfaces (or the address is not link-local).
std::string link_local_zone_problem(const ProbeUrl& url, const MachineSnapshot& machine);

// What a failed TCP connect means from the client's side, with what to look at on which side.
std::string explain_connect_error(int error, const ProbeUrl& url, unsigned timeout_s);

}  // namespace dualhttpd
