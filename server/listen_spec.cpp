#include "dualhttpd/listen_spec.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <optional>

namespace dualhttpd {

namespace {

constexpr std::size_t max_zone_length = 15;  // IFNAMSIZ - 1

bool all_digits(std::string_view s) {
  return !s.empty() &&
         std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

bool valid_zone(std::string_view zone) {
  return !zone.empty() && zone.size() <= max_zone_length &&
         std::all_of(zone.begin(), zone.end(), [](unsigned char c) {
           return std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '@';
         });
}

// Returns the port, or an error in `why`.
std::optional<std::uint16_t> parse_port(std::string_view text, std::string& why) {
  if (text.empty()) {
    why = "the port is missing";
    return std::nullopt;
  }
  if (!all_digits(text)) {
    why = fmt::format("'{}' is not a port number", text);
    return std::nullopt;
  }
  const auto digits = text.substr(std::min(text.find_first_not_of('0'), text.size()));
  if (digits.size() > 5 || digits.empty() || std::stoul(std::string(digits)) > 65535) {
    why = fmt::format("port {} is out of range: use 1 to 65535", text);
    return std::nullopt;
  }
  return static_cast<std::uint16_t>(std::stoul(std::string(digits)));
}

ListenParse failure(std::string why) {
  ListenParse out;
  out.error = std::move(why);
  return out;
}

ListenParse single(std::string_view text, IpAddress address, std::string zone, std::uint16_t port) {
  ListenParse out;
  out.specs.push_back(ListenSpec{std::string(text), address, std::move(zone), port});
  return out;
}

}  // namespace

ZoneIndex parse_zone_index(std::string_view zone) {
  ZoneIndex out;
  if (!all_digits(zone)) return out;
  out.numeric = true;
  std::uint64_t value = 0;
  for (const char c : zone) {
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
    if (value > 2147483647) {
      out.bad = true;
      return out;
    }
  }
  out.bad = value == 0;
  out.value = static_cast<unsigned>(value);
  return out;
}

namespace {

ListenParse parse_bracketed(std::string_view text) {
  const auto close = text.find(']');
  if (close == std::string_view::npos) return failure("'[' without a closing ']'");
  const auto inside = text.substr(1, close - 1);
  const auto rest = text.substr(close + 1);
  const auto percent = inside.find('%');
  const auto addr_text = inside.substr(0, percent);
  std::string zone;
  if (percent != std::string_view::npos) {
    zone = std::string(inside.substr(percent + 1));
    if (parse_zone_index(zone).bad)
      return failure(fmt::format(
          "'%{}' is no interface index: indexes run from 1 to 2147483647 (`ip -6 addr` shows "
          "them before each name); a name is clearer: %enp0s8",
          zone));
    if (!valid_zone(zone))
      return failure(fmt::format("'{}' is not an interface name or index after '%'", zone));
  }
  const auto address = IpAddress::parse_v6(addr_text);
  if (!address) {
    if (IpAddress::parse_v4(addr_text))
      return failure(fmt::format("brackets are for IPv6 only: write {}{}", addr_text, rest));
    return failure(fmt::format("'{}' is not a numeric IPv6 address", addr_text));
  }
  if (rest.empty()) return failure("the port is missing after ']'");
  if (rest.front() != ':')
    return failure(fmt::format("unexpected '{}' after ']': expected ':PORT'", rest));
  std::string why;
  const auto port = parse_port(rest.substr(1), why);
  if (!port) return failure(why);
  return single(text, *address, std::move(zone), *port);
}

ListenParse parse_unbracketed(std::string_view text) {
  const auto colons = std::count(text.begin(), text.end(), ':');
  if (colons > 1) {
    const auto last = text.rfind(':');
    if (IpAddress::parse_v6(text.substr(0, last)) && all_digits(text.substr(last + 1)))
      return failure(fmt::format("an IPv6 address needs brackets: write [{}]:{}",
                                 text.substr(0, last), text.substr(last + 1)));
    return failure("an IPv6 address needs brackets, as in [2001:db8::24]:80");
  }
  if (colons == 0) {
    if (IpAddress::parse_v4(text))
      return failure(fmt::format("the port is missing: write {}:80", text));
    return failure(fmt::format("'{}' is neither a port nor an address", text));
  }
  const auto colon = text.find(':');
  const auto host = text.substr(0, colon);
  const auto address = IpAddress::parse_v4(host);
  if (!address)
    return failure(
        fmt::format("'{}' is not a numeric IPv4 address (host names are not looked up)", host));
  std::string why;
  const auto port = parse_port(text.substr(colon + 1), why);
  if (!port) return failure(why);
  return single(text, *address, {}, *port);
}

}  // namespace

std::string format_endpoint(const IpAddress& address, std::string_view zone, std::uint16_t port) {
  if (address.family == Family::ipv4) return fmt::format("{}:{}", address.to_string(), port);
  if (zone.empty()) return fmt::format("[{}]:{}", address.to_string(), port);
  return fmt::format("[{}%{}]:{}", address.to_string(), zone, port);
}

std::string ListenSpec::to_string() const {
  return format_endpoint(address, zone, port);
}

std::string_view listen_spec_forms() {
  return "[2001:db8::24]:80, 192.0.2.10:80, [fe80::a00:27ff:fe51:575%enp0s8]:80, [::]:80, "
         "0.0.0.0:80, or a bare port such as 80";
}

ListenParse parse_listen_spec(std::string_view text) {
  if (text.empty()) return failure("the listen address is empty");
  if (std::any_of(text.begin(), text.end(), [](unsigned char c) { return std::isspace(c); }))
    return failure("the listen address contains white space");
  if (all_digits(text)) {
    std::string why;
    const auto port = parse_port(text, why);
    if (!port) return failure(why);
    ListenParse out;
    out.specs.push_back(ListenSpec{std::string(text), IpAddress{Family::ipv6, {}}, {}, *port});
    out.specs.push_back(ListenSpec{std::string(text), IpAddress{Family::ipv4, {}}, {}, *port});
    return out;
  }
  if (text.front() == '[') return parse_bracketed(text);
  return parse_unbracketed(text);
}

}  // namespace dualhttpd
