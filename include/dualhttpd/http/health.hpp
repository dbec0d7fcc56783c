// GET /healthz: the smoke-test answer. Says who connected, to which local address,
// port and interface, over which family: what a person checking reachability needs.
#pragma once

#include <boost/beast/http/message.hpp>

#include <chrono>
#include <cstdint>
#include <string>

#include "dualhttpd/http/reply.hpp"

namespace dualhttpd {

struct HealthView {
  std::string client_address;  // IPv4 form for an IPv4-mapped client
  std::uint16_t client_port = 0;
  bool client_mapped = false;  // reached an IPv6 socket as ::ffff:a.b.c.d
  std::string local_address;
  std::uint16_t local_port = 0;
  std::string interface;  // "enp0s8"; empty when unknown
  std::string zone;       // the local scope (link-local only); empty otherwise
  std::string family;     // "ipv6" / "ipv4"
  std::uint64_t uptime_s = 0;
};

std::string health_json(const HealthView& view);
std::string health_text(const HealthView& view);  // one line, for Accept: text/plain

class HealthEndpoint {
 public:
  // `path` is "off" to disable it.
  explicit HealthEndpoint(std::string path);

  bool enabled() const { return !path_.empty(); }
  bool matches(std::string_view target) const;
  Reply answer(const http::request_header<>& request, const HealthView& view) const;
  std::uint64_t uptime_seconds() const;

 private:
  std::string path_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

}  // namespace dualhttpd
