#include "dualhttpd/address/machine_snapshot.hpp"

#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "dualhttpd/base/file_text.hpp"

namespace dualhttpd {

const NetInterface* MachineSnapshot::find_interface(std::string_view name) const {
  for (const auto& i : interfaces)
    if (i.name == name) return &i;
  return nullptr;
}

const NetInterface* MachineSnapshot::find_interface(unsigned index) const {
  for (const auto& i : interfaces)
    if (i.index == index) return &i;
  return nullptr;
}

std::vector<const AssignedAddress*> MachineSnapshot::holders(const IpAddress& address) const {
  std::vector<const AssignedAddress*> out;
  for (const auto& a : addresses)
    if (a.address == address) out.push_back(&a);
  return out;
}

std::vector<const AssignedAddress*> MachineSnapshot::addresses_of(Family family,
                                                                  bool link_local) const {
  std::vector<const AssignedAddress*> out;
  for (const auto& a : addresses)
    if (a.address.family == family && a.address.is_link_local() == link_local) out.push_back(&a);
  return out;
}

std::string MachineSnapshot::interface_names() const {
  std::vector<std::string> names;
  names.reserve(interfaces.size());
  for (const auto& i : interfaces) names.push_back(i.name);
  return names.empty() ? "(none)" : fmt::format("{}", fmt::join(names, ", "));
}

std::vector<AssignedAddress> parse_if_inet6(std::string_view text) {
  std::vector<AssignedAddress> out;
  std::istringstream in{std::string(text)};
  std::string hex, name;
  unsigned index = 0, prefix = 0, scope = 0, flags = 0;
  while (in >> hex >> std::hex >> index >> prefix >> scope >> flags >> std::dec >> name) {
    if (hex.size() != 32) continue;
    AssignedAddress a;
    a.address.family = Family::ipv6;
    for (std::size_t i = 0; i < 16; ++i)
      a.address.bytes[i] = static_cast<std::uint8_t>(std::stoul(hex.substr(2 * i, 2), nullptr, 16));
    a.prefix_length = prefix;
    a.ifindex = index;
    a.ifname = name;
    a.flags = flags;
    out.push_back(std::move(a));
  }
  return out;
}

namespace {

std::string read_text(const std::string& path) {
  return read_file_text(path).value_or("");
}

std::optional<int> read_int(const std::string& path) {
  std::ifstream in(path);
  int value = 0;
  if (in >> value) return value;
  return std::nullopt;
}

unsigned prefix_of(const sockaddr_in* mask) {
  return static_cast<unsigned>(__builtin_popcount(mask ? mask->sin_addr.s_addr : 0));
}

void read_interfaces(MachineSnapshot& snap) {
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0) return;
  for (auto* ifa = list; ifa; ifa = ifa->ifa_next) {
    const unsigned index = ::if_nametoindex(ifa->ifa_name);
    if (!snap.find_interface(ifa->ifa_name)) {
      const auto v6off =
          read_int(std::string("/proc/sys/net/ipv6/conf/") + ifa->ifa_name + "/disable_ipv6");
      snap.interfaces.push_back(NetInterface{index, ifa->ifa_name, (ifa->ifa_flags & IFF_UP) != 0,
                                             v6off.value_or(0) == 1});
    }
    if (!ifa->ifa_addr || ifa->ifa_addr->sa_family != AF_INET) continue;
    AssignedAddress a;
    a.address.family = Family::ipv4;
    const auto* sin = reinterpret_cast<const sockaddr_in*>(ifa->ifa_addr);
    std::memcpy(a.address.bytes.data(), &sin->sin_addr, 4);
    a.prefix_length = prefix_of(reinterpret_cast<const sockaddr_in*>(ifa->ifa_netmask));
    a.ifindex = index;
    a.ifname = ifa->ifa_name;
    snap.addresses.push_back(std::move(a));
  }
  ::freeifaddrs(list);
}

// CAP_NET_BIND_SERVICE (bit 10) in CapEff of /proc/self/status.
bool has_net_bind_service() {
  const auto status = read_text("/proc/self/status");
  const auto at = status.find("CapEff:");
  if (at == std::string::npos) return true;  // cannot tell: do not foresee a refusal
  const auto value = std::strtoull(status.c_str() + at + 7, nullptr, 16);
  return (value >> 10) & 1;
}

bool kernel_has_ipv6() {
  const int fd = ::socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  ::close(fd);
  return true;
}

}  // namespace

MachineSnapshot read_machine_snapshot() {
  MachineSnapshot snap;
  read_interfaces(snap);
  for (auto& a : parse_if_inet6(read_text("/proc/net/if_inet6"))) snap.addresses.push_back(a);
  snap.ipv6_available = kernel_has_ipv6();
  snap.ipv6_disabled_all = read_int("/proc/sys/net/ipv6/conf/all/disable_ipv6").value_or(0) == 1;
  snap.unprivileged_port_start =
      read_int("/proc/sys/net/ipv4/ip_unprivileged_port_start").value_or(1024);
  snap.can_bind_privileged = has_net_bind_service();
  return snap;
}

}  // namespace dualhttpd
