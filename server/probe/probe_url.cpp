#include "dualhttpd/probe/probe_url.hpp"

#include <fmt/format.h>

#include "dualhttpd/address/listen_spec.hpp"

namespace dualhttpd {

namespace {

ProbeUrl failed(std::string why) {
  ProbeUrl u;
  u.error = std::move(why);
  return u;
}

// Splits "host[:port]" after the brackets have been handled; returns false on a bad port.
bool take_port(std::string_view rest, ProbeUrl& u) {
  if (rest.empty()) return true;
  if (rest.front() != ':' || rest.size() == 1) return false;
  const auto spec = parse_listen_spec(rest.substr(1));
  if (!spec.ok()) return false;
  u.port = spec.specs.front().port;
  return true;
}

// An IPv6 address written without brackets: the URL to type instead, built from this one,
// unless it cannot be told where the address ends (a last group of digits may be a port).
std::string unbracketed(std::string_view authority, std::string_view rest) {
  const auto last = authority.substr(authority.rfind(':') + 1);
  const bool port_like = !last.empty() && last.size() <= 5 &&
                         last.find_first_not_of("0123456789") == std::string_view::npos;
  const auto path = rest.empty() ? std::string_view("/") : rest;
  if (IpAddress::parse_v6(authority) && !port_like)
    return fmt::format("an IPv6 address in a URL needs brackets: http://[{}]{}", authority, path);
  if (port_like && IpAddress::parse_v6(authority.substr(0, authority.size() - last.size() - 1)))
    return fmt::format(
        "an IPv6 address in a URL needs brackets, and here it cannot be told whether :{} is the "
        "port or the address's last group: write http://[ADDRESS]:PORT{} (the port after the "
        "brackets)",
        last, path);
  return "an IPv6 address in a URL needs brackets, the port after them: http://[ADDRESS]:PORT/";
}

}  // namespace

std::string ProbeUrl::host_text() const {
  return format_endpoint(address, zone, port);
}

ProbeUrl parse_probe_url(std::string_view url) {
  const bool tls = url.starts_with("https://");
  if (!tls && !url.starts_with("http://"))
    return failed("the URL must start with http:// or https://");
  auto rest = url.substr(tls ? 8 : 7);
  const auto slash = rest.find_first_of("/?#");
  const auto authority = rest.substr(0, slash);
  ProbeUrl u;
  u.tls = tls;
  u.port = tls ? 443 : 80;
  if (slash != std::string_view::npos) {
    u.path = std::string(rest.substr(slash));
    if (u.path.front() != '/') u.path = "/" + u.path;
    u.path = u.path.substr(0, u.path.find('#'));
  }
  if (authority.starts_with('[')) {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return failed("'[' without a closing ']'");
    auto inside = authority.substr(1, close - 1);
    const auto pct = inside.find('%');
    if (pct != std::string_view::npos) {
      auto zone = inside.substr(pct + 1);
      if (zone.starts_with("25")) zone.remove_prefix(2);  // RFC 6874: '%' is written %25
      if (zone.empty()) return failed("an empty zone after '%25'");
      if (parse_zone_index(zone).bad)
        return failed(
            fmt::format("'%25{}' is no interface index: indexes run from 1 to 2147483647", zone));
      u.zone = std::string(zone);
      inside = inside.substr(0, pct);
    }
    const auto addr = IpAddress::parse_v6(inside);
    if (!addr) return failed(fmt::format("'{}' is not a numeric IPv6 address", inside));
    u.address = *addr;
    if (!u.zone.empty() && !u.address.is_link_local())
      return failed("only a link-local (fe80::/10) address takes a zone");
    if (!take_port(authority.substr(close + 1), u)) return failed("a bad port after ']'");
    return u;
  }
  const auto colon = authority.find(':');
  if (authority.find(':', colon + 1) != std::string_view::npos && colon != std::string_view::npos)
    return failed(unbracketed(authority, rest.substr(authority.size())));
  const auto addr = IpAddress::parse_v4(authority.substr(0, colon));
  if (!addr)
    return failed(fmt::format("'{}' is not a numeric address (names are not looked up)",
                              authority.substr(0, colon)));
  u.address = *addr;
  if (colon != std::string_view::npos && !take_port(authority.substr(colon), u))
    return failed("a bad port");
  return u;
}

}  // namespace dualhttpd
