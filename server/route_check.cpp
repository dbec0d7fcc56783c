#include "dualhttpd/route_check.hpp"

#include <cerrno>

#include <fmt/format.h>

#include "dualhttpd/bind_error.hpp"

namespace dualhttpd {

namespace {

IpAddress masked(IpAddress a, unsigned prefix_length) {
  const unsigned bits = a.family == Family::ipv4 ? 32 : 128;
  for (unsigned i = 0; i < bits / 8; ++i) {
    const unsigned keep = prefix_length > i * 8 ? std::min(8u, prefix_length - i * 8) : 0;
    a.bytes[i] &= static_cast<std::uint8_t>(keep == 0 ? 0 : 0xff << (8 - keep));
  }
  return a;
}

// The interface address whose prefix holds `destination`, if any.
const AssignedAddress* connected_prefix(const IpAddress& destination,
                                        const MachineSnapshot& machine) {
  for (const auto& a : machine.addresses)
    if (a.address.family == destination.family && !a.address.is_link_local() &&
        a.prefix_length > 0 && a.prefix_length < 128 &&
        masked(a.address, a.prefix_length) == masked(destination, a.prefix_length))
      return &a;
  return nullptr;
}

std::string no_route(const IpAddress& destination) {
  const bool v6 = destination.family == Family::ipv6;
  const unsigned len = v6 ? 64 : 24;
  const auto prefix = prefix_text(destination, len);
  const auto mine = destination.neighbour().to_string();
  return fmt::format(
      "no route to {}: this host has no address in {} and no default route. Add one on the "
      "interface that faces the server (any free address in {}), e.g. `ip {}addr add {}/{} dev "
      "IFACE`{}",
      destination.to_string(), prefix, prefix, v6 ? "-6 " : "", mine, len,
      v6 ? fmt::format("; on a VirtualBox host: `VBoxManage hostonlyif ipconfig vboxnet0 --ipv6 "
                       "{} --netmasklengthv6 64`",
                       mine)
         : std::string());
}

}  // namespace

std::string prefix_text(const IpAddress& address, unsigned prefix_length) {
  return fmt::format("{}/{}", masked(address, prefix_length).to_string(), prefix_length);
}

RouteFinding judge_route(const IpAddress& destination, const std::string& zone, int connect_error,
                         const std::optional<IpAddress>& source, const MachineSnapshot& machine) {
  RouteFinding f;
  if (connect_error == ENETUNREACH || connect_error == EHOSTUNREACH) {
    f.message = no_route(destination);
    return f;
  }
  if (connect_error != 0 || !source) {
    f.message = fmt::format("cannot find a route to {}: {}", destination.to_string(),
                            errno_text(connect_error ? connect_error : EINVAL));
    return f;
  }
  f.reachable = true;
  f.source = source->to_string();
  const auto holders = machine.holders(*source);
  f.interface = !zone.empty() ? zone : holders.empty() ? std::string("?") : holders.front()->ifname;
  if (destination.is_link_local() || destination.is_loopback()) {
    f.on_link = true;
    f.message =
        fmt::format("would leave via {} from {} (on the link itself)", f.interface, f.source);
    return f;
  }
  if (const auto* connected = connected_prefix(destination, machine)) {
    f.on_link = true;
    f.prefix = prefix_text(connected->address, connected->prefix_length);
    f.interface = connected->ifname;
    f.message = fmt::format("would leave via {} from {}, on-link ({} is connected there)",
                            f.interface, f.source, f.prefix);
    return f;
  }
  f.message = fmt::format(
      "would leave via {} from {}, not on-link (through a router or the default route): is that "
      "the link to the server? If the server sits on a host-only network, give the interface "
      "that faces it an address in {}",
      f.interface, f.source,
      prefix_text(destination, destination.family == Family::ipv6 ? 64 : 24));
  return f;
}

}  // namespace dualhttpd
