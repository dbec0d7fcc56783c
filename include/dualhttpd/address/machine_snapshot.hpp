// What this machine's network looks like right now: interfaces, their addresses and the
// flags the kernel keeps on IPv6 addresses (tentative, dadfailed). Read once, then passed
// by value to the pure diagnostics, so those can be tested from hand-built snapshots.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dualhttpd/address/ip_address.hpp"

namespace dualhttpd {

struct NetInterface {
  unsigned index = 0;
  std::string name;
  bool up = false;
  bool ipv6_disabled = false;  // net.ipv6.conf.NAME.disable_ipv6 = 1
};

// Flag bits as in <linux/if_addr.h> and /proc/net/if_inet6.
enum AddressFlag : std::uint32_t {
  addr_optimistic = 0x04,
  addr_dadfailed = 0x08,
  addr_deprecated = 0x20,
  addr_tentative = 0x40,
};

struct AssignedAddress {
  IpAddress address;
  unsigned prefix_length = 0;
  unsigned ifindex = 0;
  std::string ifname;
  std::uint32_t flags = 0;

  bool dad_failed() const { return flags & addr_dadfailed; }
  bool tentative() const { return (flags & addr_tentative) && !dad_failed(); }
  bool usable() const { return !(flags & (addr_tentative | addr_dadfailed)); }
};

struct MachineSnapshot {
  std::vector<NetInterface> interfaces;
  std::vector<AssignedAddress> addresses;
  bool ipv6_available = true;      // the kernel can make AF_INET6 sockets at all
  bool ipv6_disabled_all = false;  // net.ipv6.conf.all.disable_ipv6 = 1
  int unprivileged_port_start = 1024;
  bool can_bind_privileged = true;  // CAP_NET_BIND_SERVICE in this process's effective set

  const NetInterface* find_interface(std::string_view name) const;
  const NetInterface* find_interface(unsigned index) const;
  // Where `address` is assigned (several interfaces may hold the same link-local address).
  std::vector<const AssignedAddress*> holders(const IpAddress& address) const;
  std::vector<const AssignedAddress*> addresses_of(Family family, bool link_local) const;
  std::string interface_names() const;  // "lo, enp0s3, enp0s8"
};

// Parses the text of /proc/net/if_inet6 (one address per line, hex fields).
std::vector<AssignedAddress> parse_if_inet6(std::string_view text);

// Reads the live state of this machine (getifaddrs, /proc/net/if_inet6, /proc/sys).
MachineSnapshot read_machine_snapshot();

}  // namespace dualhttpd
