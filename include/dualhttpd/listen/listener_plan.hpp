// Turns parsed listen specs into concrete listeners for this machine: resolves zones to
// interface indexes (never trusting a library to do it silently), and refuses before any
// socket exists what the kernel would reject or quietly get wrong.
#pragma once

#include <string>
#include <vector>

#include "dualhttpd/address/listen_spec.hpp"
#include "dualhttpd/address/machine_snapshot.hpp"
#include "dualhttpd/base/diagnostic.hpp"

namespace dualhttpd {

struct Listener {
  ListenSpec spec;
  unsigned scope_id = 0;  // the zone's interface index, 0 without a zone
  std::string ifname;     // the zone, or the interface that holds the address; "any" for wildcards
  bool v6only = true;     // IPV6_V6ONLY for AF_INET6 sockets

  std::string describe() const;  // "[::1]:8080 ipv6 interface=lo v6only=on"
};

struct ListenerPlan {
  std::vector<Listener> listeners;  // those that passed every check
  std::vector<Problem> problems;
};

// `ipv4_mapped` lets [::]:PORT listeners accept IPv4 clients too (IPV6_V6ONLY off).
ListenerPlan plan_listeners(const std::vector<ListenSpec>& specs, const MachineSnapshot& machine,
                            bool ipv4_mapped);

// With --freebind: one warning per listener whose address is not (yet) usable here.
std::vector<std::string> freebind_warnings(const std::vector<Listener>& listeners,
                                           const MachineSnapshot& machine);

// The corrected text of a link-local spec, one per interface that holds the address (with
// " https" for a TLS listener: what --listen takes).
std::vector<std::string> zoned_alternatives(const ListenSpec& spec, const MachineSnapshot& machine);

}  // namespace dualhttpd
