#include "dualhttpd/probe/route_check.hpp"

#include <algorithm>
#include <cerrno>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "dualhttpd/address/listen_spec.hpp"
#include "dualhttpd/base/diagnostic.hpp"

namespace dualhttpd {

namespace {

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

// This host's interfaces that have a link-local IPv6 address, by name.
std::vector<std::string> link_local_interfaces(const MachineSnapshot& machine) {
  std::vector<std::string> names;
  for (const auto& a : machine.addresses)
    if (a.address.family == Family::ipv6 && a.address.is_link_local() &&
        std::find(names.begin(), names.end(), a.ifname) == names.end())
      names.push_back(a.ifname);
  return names;
}

std::string url_with_zone(const ProbeUrl& url, const std::string& zone) {
  return fmt::format("http://[{}%25{}]{}{}", url.address.to_string(), zone,
                     url.port == 80 ? std::string() : fmt::format(":{}", url.port), url.path);
}

}  // namespace

std::string link_local_zone_problem(const ProbeUrl& url, const MachineSnapshot& machine) {
  if (url.address.family != Family::ipv6 || !url.address.is_link_local()) return {};
  const auto index = parse_zone_index(url.zone);
  if (!url.zone.empty() &&
      (index.numeric ? machine.find_interface(index.value) : machine.find_interface(url.zone)))
    return {};
  const auto here = link_local_interfaces(machine);
  std::string cause =
      url.zone.empty()
          ? fmt::format(
                "{} is a link-local address: it exists once per link, so the URL must "
                "say which of this host's interfaces is on the server's link, as a zone "
                "(%25 and the interface's name); without one the kernel cannot choose "
                "({})",
                url.address.to_string(), errno_text(EINVAL))
          : fmt::format(
                "this host has no interface {} (interfaces: {}): the zone names *this* "
                "host's interface on the server's link, not the server's own",
                url.zone, machine.interface_names());
  if (here.empty())
    return cause +
           ". No interface here has a link-local address: bring up the one that faces the server "
           "(`ip link set IFACE up`)";
  std::string urls;
  for (std::size_t i = 0; i < here.size() && i < 4; ++i)
    urls += fmt::format("{}dualhttpd probe '{}'", i ? ", or " : "", url_with_zone(url, here[i]));
  return fmt::format("{}. Interfaces here with a link-local address: {}; try {}", cause,
                     fmt::join(here, ", "), urls);
}

std::string explain_connect_error(int error, const ProbeUrl& url, unsigned timeout_s) {
  const auto address = url.address.to_string();
  const bool v6 = url.address.family == Family::ipv6;
  switch (error) {
    case ECONNREFUSED:
      return fmt::format(
          "{} answered, but nothing listens there on port {} ({}): on the server, `dualhttpd "
          "--check` says what would listen, `ss -ltn 'sport = :{}'` what does; or a firewall "
          "there rejects the connection",
          address, url.port, errno_text(error), url.port);
    case ETIMEDOUT:
      return fmt::format(
          "no answer at all within {} s: a firewall on the server dropping it (look with "
          "`firewall-cmd --list-all`, `ufw status` or `nft list ruleset` there), a wrong link, or "
          "no host with that address (`ip {}neigh show {}` says FAILED or INCOMPLETE then)",
          timeout_s, v6 ? "-6 " : "", address);
    case EHOSTUNREACH:
      return fmt::format(
          "no host on the link answers for {} ({}): neighbour discovery failed; is the server up "
          "and does it hold that address (`ip {}addr` there)? `ip {}neigh show {}` here",
          address, errno_text(error), v6 ? "-6 " : "", v6 ? "-6 " : "", address);
    default:
      return errno_text(error);
  }
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
