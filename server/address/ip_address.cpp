#include "dualhttpd/address/ip_address.hpp"

#include <arpa/inet.h>

#include <algorithm>

#include <fmt/format.h>

namespace dualhttpd {

std::string_view family_name(Family family) {
  return family == Family::ipv4 ? "ipv4" : "ipv6";
}

namespace {

std::optional<IpAddress> parse_as(int af, std::string_view text) {
  // inet_pton wants a NUL-terminated string; cap the length so junk cannot grow it.
  if (text.empty() || text.size() > INET6_ADDRSTRLEN) return std::nullopt;
  std::string copy(text);
  IpAddress out;
  out.family = af == AF_INET ? Family::ipv4 : Family::ipv6;
  if (::inet_pton(af, copy.c_str(), out.bytes.data()) != 1) return std::nullopt;
  return out;
}

}  // namespace

std::optional<IpAddress> IpAddress::parse_v4(std::string_view text) {
  return parse_as(AF_INET, text);
}

std::optional<IpAddress> IpAddress::parse_v6(std::string_view text) {
  return parse_as(AF_INET6, text);
}

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  if (text.find(':') != std::string_view::npos) return parse_v6(text);
  return parse_v4(text);
}

std::string IpAddress::to_string() const {
  char buf[INET6_ADDRSTRLEN] = {};
  ::inet_ntop(family == Family::ipv4 ? AF_INET : AF_INET6, bytes.data(), buf, sizeof buf);
  return buf;
}

bool IpAddress::is_unspecified() const {
  const auto end = bytes.begin() + (family == Family::ipv4 ? 4 : 16);
  return std::all_of(bytes.begin(), end, [](std::uint8_t b) { return b == 0; });
}

bool IpAddress::is_loopback() const {
  if (family == Family::ipv4) return bytes[0] == 127;
  IpAddress one;
  one.bytes[15] = 1;
  return *this == one;
}

bool IpAddress::is_link_local() const {
  if (family == Family::ipv4) return bytes[0] == 169 && bytes[1] == 254;
  return bytes[0] == 0xfe && (bytes[1] & 0xc0) == 0x80;
}

bool IpAddress::is_v4_mapped() const {
  if (family == Family::ipv4) return false;
  return std::all_of(bytes.begin(), bytes.begin() + 10, [](std::uint8_t b) { return b == 0; }) &&
         bytes[10] == 0xff && bytes[11] == 0xff;
}

IpAddress IpAddress::neighbour() const {
  IpAddress out = *this;
  auto& last = out.bytes[family == Family::ipv4 ? 3 : 15];
  last = static_cast<std::uint8_t>(last >= 0xfe ? last - 1 : last + 1);
  return out;
}

IpAddress masked(IpAddress a, unsigned prefix_length) {
  const unsigned bits = a.family == Family::ipv4 ? 32 : 128;
  for (unsigned i = 0; i < bits / 8; ++i) {
    const unsigned keep = prefix_length > i * 8 ? std::min(8u, prefix_length - i * 8) : 0;
    a.bytes[i] &= static_cast<std::uint8_t>(keep == 0 ? 0 : 0xff << (8 - keep));
  }
  return a;
}

std::string prefix_text(const IpAddress& address, unsigned prefix_length) {
  return fmt::format("{}/{}", masked(address, prefix_length).to_string(), prefix_length);
}

}  // namespace dualhttpd
