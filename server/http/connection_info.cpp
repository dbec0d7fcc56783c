#include "dualhttpd/http/connection_info.hpp"

#include <net/if.h>

#include "dualhttpd/address/machine_snapshot.hpp"

namespace dualhttpd {

namespace {

namespace ip = boost::asio::ip;

// An IPv4-mapped IPv6 address as the IPv4 address it carries.
ip::address unmapped(const ip::address& a) {
  if (a.is_v6() && a.to_v6().is_v4_mapped()) return ip::make_address_v4(ip::v4_mapped, a.to_v6());
  return a;
}

std::string interface_of(const ip::address& local) {
  if (local.is_v6() && local.to_v6().scope_id() != 0) {
    char name[IF_NAMESIZE] = {};
    if (::if_indextoname(local.to_v6().scope_id(), name)) return name;
  }
  const auto parsed = IpAddress::parse(unmapped(local).to_string());
  if (!parsed) return {};
  const auto machine = read_machine_snapshot();  // holders() points into it
  const auto holders = machine.holders(*parsed);
  return holders.empty() ? std::string() : holders.front()->ifname;
}

}  // namespace

HealthView describe_connection(const ip::tcp::endpoint& local, const ip::tcp::endpoint& remote) {
  HealthView v;
  const auto client = remote.address();
  v.client_mapped = client.is_v6() && client.to_v6().is_v4_mapped();
  auto client_plain = unmapped(client);
  if (client_plain.is_v6()) {  // the zone is ours (the local interface), not the client's
    auto v6 = client_plain.to_v6();
    v6.scope_id(0);
    client_plain = v6;
  }
  v.client_address = client_plain.to_string();
  v.client_port = remote.port();
  const auto here = unmapped(local.address());
  if (here.is_v6()) {
    auto plain = here.to_v6();
    if (plain.scope_id() != 0) {
      char name[IF_NAMESIZE] = {};
      v.zone = ::if_indextoname(plain.scope_id(), name) ? name : std::to_string(plain.scope_id());
    }
    plain.scope_id(0);
    v.local_address = plain.to_string();
  } else {
    v.local_address = here.to_string();
  }
  v.local_port = local.port();
  v.interface = interface_of(local.address());
  v.family = here.is_v6() ? "ipv6" : "ipv4";
  return v;
}

}  // namespace dualhttpd
