#include "dualhttpd/listen/listener_hints.hpp"

#include <fmt/format.h>

#include "dualhttpd/address/ip_address.hpp"

namespace dualhttpd {

namespace {

struct Range {
  const char* prefix;
  unsigned length;
  const char* note;
  bool suspicious;
};

// Checked in order; the first match wins.
constexpr Range v6_ranges[] = {
    {"2001:db8::", 32,
     "the documentation prefix (RFC 3849): fine for a lab, never routed on the Internet", false},
    {"3fff::", 20,
     "the documentation prefix (RFC 9637): fine for a lab, never routed on the Internet", false},
    {"fc00::", 7,
     "a unique local address (ULA, RFC 4193): fine for a lab or a site, not routed on the Internet",
     false},
    // The blocks IANA has delegated to the regional registries and for special use.
    {"2001::", 16, "global unicast", false},
    {"2002::", 16, "6to4 (RFC 3056), deprecated", true},
    {"2003::", 18, "global unicast", false},
    {"2400::", 12, "global unicast", false},
    {"2600::", 12, "global unicast", false},
    {"2610::", 23, "global unicast", false},
    {"2620::", 23, "global unicast", false},
    {"2630::", 16, "global unicast", false},
    {"2800::", 12, "global unicast", false},
    {"2a00::", 12, "global unicast", false},
    {"2c00::", 12, "global unicast", false},
    {"2000::", 3,
     "in 2000::/3 but in no block IANA has delegated: it may belong to someone one day; for a lab "
     "use 2001:db8::/32 or a ULA (fd00::/8)",
     true},
};

constexpr Range v4_ranges[] = {
    {"192.0.2.0", 24, "a documentation prefix (RFC 5737, TEST-NET-1): fine for a lab", false},
    {"198.51.100.0", 24, "a documentation prefix (RFC 5737, TEST-NET-2): fine for a lab", false},
    {"203.0.113.0", 24, "a documentation prefix (RFC 5737, TEST-NET-3): fine for a lab", false},
    {"10.0.0.0", 8, "private (RFC 1918)", false},
    {"172.16.0.0", 12, "private (RFC 1918)", false},
    {"192.168.0.0", 16, "private (RFC 1918)", false},
    {"100.64.0.0", 10, "shared address space (RFC 6598, carrier-grade NAT)", true},
};

bool within(const IpAddress& a, const char* prefix, unsigned length) {
  const auto p = IpAddress::parse(prefix);
  return p && p->family == a.family && prefix_text(a, length) == prefix_text(*p, length);
}

std::string url_host(const Listener& l, const std::string& zone_text) {
  const auto& a = l.spec.address;
  if (a.family == Family::ipv4) return fmt::format("{}:{}", a.to_string(), l.spec.port);
  return fmt::format("[{}{}]:{}", a.to_string(), zone_text, l.spec.port);
}

// "curl -g 'http://HOST/'": https for a TLS listener, with the CA clients verify it by.
std::string curl(const Listener& l, const std::string& host, const std::string& cacert) {
  if (!l.spec.tls) return fmt::format("curl -g 'http://{}/'", host);
  if (cacert.empty()) return fmt::format("curl -g 'https://{}/'", host);
  return fmt::format("curl -g --cacert {} 'https://{}/'", cacert, host);
}

const AssignedAddress* first_global(const MachineSnapshot& m, Family family) {
  for (const auto& a : m.addresses)
    if (a.address.family == family && !a.address.is_link_local() && !a.address.is_loopback() &&
        a.usable())
      return &a;
  return nullptr;
}

std::string client_advice(const IpAddress& server, unsigned length) {
  const auto mine = server.neighbour().to_string();
  if (server.family == Family::ipv4)
    return fmt::format(
        "a client on that link needs an address in {}, e.g. `ip addr add {}/{} dev "
        "<iface>`",
        prefix_text(server, length), mine, length);
  return fmt::format(
      "a client on that link needs an address in {}, e.g. `ip -6 addr add {}/{} dev <iface>`, or "
      "on a VirtualBox host `VBoxManage hostonlyif ipconfig vboxnet0 --ipv6 {} "
      "--netmasklengthv6 {}`",
      prefix_text(server, length), mine, length, mine, length);
}

}  // namespace

std::string address_range_note(const IpAddress& a, bool& suspicious) {
  suspicious = false;
  if (a.is_loopback()) return "loopback: reachable from this machine only";
  if (a.is_link_local()) return "link-local";
  const Range* begin = a.family == Family::ipv6 ? std::begin(v6_ranges) : std::begin(v4_ranges);
  const Range* end = a.family == Family::ipv6 ? std::end(v6_ranges) : std::end(v4_ranges);
  for (const Range* r = begin; r != end; ++r)
    if (within(a, r->prefix, r->length)) {
      suspicious = r->suspicious;
      return r->note;
    }
  if (a.family == Family::ipv4) return "public";
  suspicious = true;
  return "outside 2000::/3, the global unicast range: is it a typo?";
}

std::vector<Hint> listener_hints(const Listener& l, const MachineSnapshot& machine,
                                 const std::string& cacert) {
  std::vector<Hint> out;
  const auto& a = l.spec.address;
  if (a.is_unspecified()) {
    if (a.family == Family::ipv6 && machine.ipv6_disabled_all) {
      out.push_back({true, fmt::format("IPv6 is disabled on this machine "
                                       "(net.ipv6.conf.all.disable_ipv6 = 1): this socket "
                                       "listens, but no IPv6 connection can arrive; enable IPv6 "
                                       "with `sysctl -w net.ipv6.conf.all.disable_ipv6=0`, or "
                                       "listen on 0.0.0.0:{} alone",
                                       l.spec.port)});
      return out;
    }
    if (const auto* g = first_global(machine, a.family)) {
      Listener example = l;
      example.spec.address = g->address;
      out.push_back({false, fmt::format("reach it at any address of this machine, e.g. {}",
                                        curl(l, url_host(example, ""), cacert))});
    }
    return out;
  }
  if (a.is_loopback()) {
    out.push_back({false, fmt::format("reach it from this machine only: {}",
                                      curl(l, url_host(l, ""), cacert))});
    return out;
  }
  if (a.is_link_local() && a.family == Family::ipv6) {
    out.push_back({false, fmt::format("reach it with: {} where <iface> is the *client's* "
                                      "interface on this link, not {}",
                                      curl(l, url_host(l, "%25<iface>"), cacert), l.ifname)});
    out.push_back({true,
                   "a link-local address is unique only on its link and changes with the "
                   "MAC; configure a global (or ULA) address for the service and use that"});
    return out;
  }
  out.push_back({false, fmt::format("reach it with: {}", curl(l, url_host(l, ""), cacert))});
  for (const auto* h : machine.holders(a))
    if (h->prefix_length > 0 && h->prefix_length < (a.family == Family::ipv4 ? 32u : 128u)) {
      out.push_back(
          {false, fmt::format("it lives in {} on {}; {}", prefix_text(a, h->prefix_length),
                              h->ifname, client_advice(a, h->prefix_length))});
      break;
    }
  bool suspicious = false;
  const auto note = address_range_note(a, suspicious);
  out.push_back({suspicious, fmt::format("{} is {}", a.to_string(), note)});
  return out;
}

}  // namespace dualhttpd
