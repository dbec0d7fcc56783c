// A hand-built machine like the guest of the seed scenario.
#pragma once

#include "dualhttpd/address/listen_spec.hpp"
#include "dualhttpd/address/machine_snapshot.hpp"

namespace dualhttpd::testing {

inline AssignedAddress assigned(const char* text, unsigned ifindex, const char* ifname,
                                unsigned prefix, std::uint32_t flags = 0) {
  return AssignedAddress{*IpAddress::parse(text), prefix, ifindex, ifname, flags};
}

inline MachineSnapshot guest() {
  MachineSnapshot m;
  m.interfaces = {{1, "lo", true, false}, {2, "enp0s3", true, false}, {3, "enp0s8", true, false}};
  m.addresses = {
      assigned("127.0.0.1", 1, "lo", 8),
      assigned("192.0.2.24", 3, "enp0s8", 24),
      assigned("::1", 1, "lo", 128),
      assigned("fe80::a00:27ff:fe12:3456", 2, "enp0s3", 64),
      assigned("fe80::a00:27ff:fe51:575", 3, "enp0s8", 64),
      assigned("2001:db8:21c::24", 3, "enp0s8", 64),
      assigned("2001:db8:21c::30", 3, "enp0s8", 64, addr_tentative),
      assigned("2001:db8:21c::40", 3, "enp0s8", 64, addr_tentative | addr_dadfailed),
  };
  return m;
}

inline ListenSpec spec(const char* text) {
  return parse_listen_spec(text).specs.at(0);
}

}  // namespace dualhttpd::testing
