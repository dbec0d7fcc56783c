#include "dualhttpd/http/health.hpp"

#include <fmt/format.h>

#include "dualhttpd/base/escaping.hpp"

namespace dualhttpd {

namespace {

std::string json_or_null(std::string_view s) {
  return s.empty() ? "null" : json_quote(s);
}

}  // namespace

std::string health_json(const HealthView& v) {
  return fmt::format(
      "{{\"status\":\"ok\",\"client\":{{\"address\":{},\"port\":{}{}}},"
      "\"local\":{{\"address\":{},\"port\":{},\"interface\":{},\"zone\":{}}},"
      "\"family\":{},\"version\":{},\"uptime_s\":{}}}\n",
      json_quote(v.client_address), v.client_port, v.client_mapped ? ",\"mapped\":true" : "",
      json_quote(v.local_address), v.local_port, json_or_null(v.interface), json_or_null(v.zone),
      json_quote(v.family), json_quote(DUALHTTPD_VERSION), v.uptime_s);
}

std::string health_text(const HealthView& v) {
  const auto local_family = v.client_mapped ? std::string("ipv4") : v.family;
  return fmt::format("ok: {} port {}{} reached {}:{}{} over {} (dualhttpd {}, up {} s)\n",
                     v.client_address, v.client_port, v.client_mapped ? " (IPv4-mapped)" : "",
                     url_host(v.local_address), v.local_port,
                     v.interface.empty() ? "" : " on " + v.interface,
                     local_family == "ipv6" ? "IPv6" : "IPv4", DUALHTTPD_VERSION, v.uptime_s);
}

HealthEndpoint::HealthEndpoint(std::string path) : path_(path == "off" ? "" : std::move(path)) {}

bool HealthEndpoint::matches(std::string_view target) const {
  if (!enabled()) return false;
  const auto path = target.substr(0, target.find('?'));
  return path == path_;
}

std::uint64_t HealthEndpoint::uptime_seconds() const {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started_)
          .count());
}

Reply HealthEndpoint::answer(const http::request_header<>& request, const HealthView& view) const {
  const auto method = request.method();
  if (method != http::verb::get && method != http::verb::head) {
    auto refused = error_reply(http::status::method_not_allowed);
    refused.set("Allow", "GET, HEAD");
    return refused;
  }
  const auto accept = request[http::field::accept];
  const bool text = accept.find("text/plain") != std::string_view::npos &&
                    accept.find("application/json") == std::string_view::npos;
  auto reply = text_reply(http::status::ok, text ? "text/plain; charset=UTF-8" : "application/json",
                          text ? health_text(view) : health_json(view));
  reply.set("Cache-Control", "no-store");
  if (method == http::verb::head) strip_body_for_head(reply);
  return reply;
}

}  // namespace dualhttpd
