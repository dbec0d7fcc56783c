#include "dualhttpd/address/listen_spec.hpp"

#include <arpa/inet.h>

#include <boost/algorithm/string/predicate.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>

#include "dualhttpd/base/escaping.hpp"

namespace dualhttpd {

namespace {

using boost::algorithm::iequals;

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

ListenParse failure(std::string why, std::string suggestion = {}) {
  ListenParse out;
  out.error = std::move(why);
  out.suggestion = std::move(suggestion);
  return out;
}

// "127.1" and the other shortened IPv4 forms inet_aton() (and so ping and curl) take, in
// full; nullopt for anything else, and for parts with leading zeros (octal to inet_aton,
// decimal to a reader: which was meant cannot be told).
std::optional<IpAddress> spelled_out_v4(std::string_view text) {
  if (text.empty() || text.find_first_not_of("0123456789.") != std::string_view::npos)
    return std::nullopt;
  for (std::size_t i = 0; i + 1 < text.size(); ++i)
    if (text[i] == '0' && (i == 0 || text[i - 1] == '.') && text[i + 1] != '.') return std::nullopt;
  in_addr a{};
  if (::inet_aton(std::string(text).c_str(), &a) == 0) return std::nullopt;
  std::array<char, INET_ADDRSTRLEN> canonical{};
  ::inet_ntop(AF_INET, &a, canonical.data(), canonical.size());
  return IpAddress::parse_v4(canonical.data());
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
    if (IpAddress::parse_v4(addr_text)) {
      const auto fixed = fmt::format("{}{}", addr_text, rest);
      return failure(fmt::format("brackets are for IPv6 only: {} is an IPv4 address", addr_text),
                     parse_listen_spec(fixed).ok() ? fixed : std::string());
    }
    return failure(fmt::format("'{}' is not a numeric IPv6 address", addr_text));
  }
  const auto with_port = [&](std::string_view port) {
    return format_endpoint(*address, zone,
                           static_cast<std::uint16_t>(std::stoul(std::string(port))));
  };
  if (rest.empty())
    return failure("the port is missing: after ']' comes ':' and the port", with_port("8080"));
  if (rest.front() != ':')
    return failure(fmt::format("unexpected '{}' after ']': expected ':PORT'", rest));
  std::string why;
  const auto port = parse_port(rest.substr(1), why);
  if (!port) return failure(why);
  if (address->is_v4_mapped()) {
    const auto v4 = fmt::format("{}.{}.{}.{}:{}", address->bytes[12], address->bytes[13],
                                address->bytes[14], address->bytes[15], *port);
    return failure(fmt::format("{} is an IPv4-mapped address (::ffff:a.b.c.d): an IPv6 socket "
                               "cannot bind one, the kernel answers EINVAL; it names an IPv4 "
                               "address",
                               address->to_string()),
                   v4);
  }
  return single(text, *address, std::move(zone), *port);
}

// A URL pasted where a listen spec goes: the spec of its host and port.
ListenParse from_url(std::string_view text) {
  const auto rest = text.substr(text.find("://") + 3);
  const auto authority = rest.substr(0, rest.find_first_of("/?#"));
  const bool https = text.starts_with("https://");
  auto spec = std::string(authority);
  if (spec.starts_with('[') && spec.find("]:") == std::string::npos) spec += https ? ":443" : ":80";
  if (!spec.starts_with('[') && spec.find(':') == std::string::npos) spec += https ? ":443" : ":80";
  const auto parsed = parse_listen_spec(spec);
  if (https) spec += " https";
  return failure(https ? "this is a URL; --listen takes an address and a port, then https for TLS"
                       : "this is a URL; --listen takes an address and a port",
                 parsed.ok() ? spec : std::string());
}

ListenParse parse_unbracketed(std::string_view text) {
  const auto colons = std::count(text.begin(), text.end(), ':');
  if (colons > 1) {
    const auto last = text.rfind(':');
    if (IpAddress::parse_v6(text) && !IpAddress::parse_v6(text.substr(0, last)))
      return failure("an IPv6 address needs brackets, and the port after them");
    if (IpAddress::parse_v6(text.substr(0, last)) && all_digits(text.substr(last + 1))) {
      if (IpAddress::parse_v6(text))  // "2001:db8::24:8080" is an address by itself as well
        return failure(
            fmt::format("an IPv6 address needs brackets; here it cannot be told "
                        "whether :{} is the port or the address's last group",
                        text.substr(last + 1)));
      const auto fixed =
          fmt::format("{}:{}", url_host(text.substr(0, last)), text.substr(last + 1));
      return failure("an IPv6 address needs brackets", fixed);
    }
    return failure("an IPv6 address needs brackets, and the port after them");
  }
  if (colons == 0) {
    if (const auto v4 = spelled_out_v4(text))
      return failure("the port is missing: after the address comes ':' and the port",
                     v4->to_string() + ":8080");
    return failure(fmt::format("'{}' is neither a port nor an address", text));
  }
  const auto colon = text.find(':');
  const auto host = text.substr(0, colon);
  std::string why;
  const auto port = parse_port(text.substr(colon + 1), why);
  const auto port_text = port ? std::to_string(*port) : std::string("8080");
  const auto address = IpAddress::parse_v4(host);
  if (!address) {
    if (host == "*" || host.empty())
      return failure(fmt::format("{}: a bare port means every address of both families",
                                 host.empty() ? "no address before ':'"
                                              : "'*' is httpd's word for every address; here"),
                     port_text);
    if (const auto v4 = spelled_out_v4(host))
      return failure(fmt::format("{} is a shortened IPv4 address (ping and curl read it as {}); "
                                 "write all four parts",
                                 host, v4->to_string()),
                     fmt::format("{}:{}", v4->to_string(), port_text));
    if (host.find_first_not_of("0123456789.") == std::string_view::npos)
      return failure(
          fmt::format("'{}' is not an IPv4 address: four parts from 0 to 255, without "
                      "leading zeros",
                      host));
    if (host == "localhost")
      return failure(
          "host names are not looked up: localhost is [::1] and 127.0.0.1 (two "
          "listeners)",
          fmt::format("127.0.0.1:{}", port_text));
    return failure(
        fmt::format("'{}' is not a numeric address: host names are not looked up "
                    "(`getent ahosts {}` shows its addresses)",
                    host, host));
  }
  if (!port) return failure(why);
  return single(text, *address, {}, *port);
}

}  // namespace

std::string format_endpoint(const IpAddress& address, std::string_view zone, std::uint16_t port) {
  const auto literal =
      zone.empty() ? address.to_string() : address.to_string() + "%" + std::string(zone);
  return fmt::format("{}:{}", url_host(literal), port);
}

std::string ListenSpec::to_string() const {
  return format_endpoint(address, zone, port);
}

std::string ListenSpec::to_spec() const {
  return tls ? to_string() + " https" : to_string();
}

ListenParse parse_listen_spec(std::string_view text) {
  if (text.empty()) return failure("the listen address is empty");
  // httpd's protocol word after one space: "[::1]:443 https" (TLS) or "... http" (plain).
  if (const auto space = text.find(' ');
      space != std::string_view::npos && space > 0 && text.find(' ', space + 1) == text.npos) {
    const auto endpoint = text.substr(0, space);
    const auto protocol = text.substr(space + 1);
    const bool https = iequals(protocol, "https");
    if (https || iequals(protocol, "http")) {
      auto parsed = parse_listen_spec(endpoint);
      for (auto& spec : parsed.specs) {
        spec.text = std::string(text);
        spec.tls = https;
      }
      if (!parsed.ok() && !parsed.suggestion.empty()) parsed.suggestion += https ? " https" : "";
      return parsed;
    }
  }
  if (std::any_of(text.begin(), text.end(), [](unsigned char c) { return std::isspace(c); }))
    return failure(
        "the listen address contains white space (only a protocol may follow it, after one "
        "space: https or http)");
  if (all_digits(text)) {
    std::string why;
    const auto port = parse_port(text, why);
    if (!port) return failure(why);
    ListenParse out;
    out.specs.push_back(ListenSpec{std::string(text), IpAddress{Family::ipv6, {}}, {}, *port});
    out.specs.push_back(ListenSpec{std::string(text), IpAddress{Family::ipv4, {}}, {}, *port});
    return out;
  }
  if (text.find("://") != std::string_view::npos) return from_url(text);
  if (text.front() == '[') return parse_bracketed(text);
  return parse_unbracketed(text);
}

}  // namespace dualhttpd
