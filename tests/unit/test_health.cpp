#include <doctest/doctest.h>

#include "dualhttpd/http/health.hpp"

using namespace dualhttpd;

namespace {

HealthView guest_view() {
  HealthView v;
  v.client_address = "2001:db8:21c::25";
  v.client_port = 51234;
  v.local_address = "2001:db8:21c::24";
  v.local_port = 8080;
  v.interface = "enp0s8";
  v.family = "ipv6";
  v.uptime_s = 12;
  return v;
}

http::request_header<> request(http::verb method, const char* accept = nullptr) {
  http::request_header<> r;
  r.method(method);
  r.target("/healthz");
  r.version(11);
  r.set(http::field::host, "x");
  if (accept) r.set(http::field::accept, accept);
  return r;
}

}  // namespace

TEST_CASE("health JSON names both ends, the interface and the family") {
  CHECK(health_json(guest_view()) ==
        "{\"status\":\"ok\",\"client\":{\"address\":\"2001:db8:21c::25\",\"port\":51234},"
        "\"local\":{\"address\":\"2001:db8:21c::24\",\"port\":8080,\"interface\":\"enp0s8\","
        "\"zone\":null},\"family\":\"ipv6\",\"version\":\"" DUALHTTPD_VERSION
        "\",\"uptime_s\":12}\n");
  auto ll = guest_view();
  ll.local_address = "fe80::a00:27ff:fe51:575";
  ll.zone = "enp0s8";
  CHECK(health_json(ll).find("\"zone\":\"enp0s8\"") != std::string::npos);
}

TEST_CASE("an IPv4-mapped client is reported in IPv4 form and said to be mapped") {
  HealthView v;
  v.client_address = "192.0.2.25";
  v.client_mapped = true;
  v.local_address = "192.0.2.24";
  v.family = "ipv4";
  CHECK(health_json(v).find("\"address\":\"192.0.2.25\",\"port\":0,\"mapped\":true") !=
        std::string::npos);
  CHECK(health_text(v).find("(IPv4-mapped)") != std::string::npos);
}

TEST_CASE("one readable line for Accept: text/plain") {
  CHECK(health_text(guest_view()) ==
        "ok: 2001:db8:21c::25 port 51234 reached [2001:db8:21c::24]:8080 on enp0s8 over IPv6 "
        "(dualhttpd " DUALHTTPD_VERSION ", up 12 s)\n");
}

TEST_CASE("the endpoint: path, methods, content types, HEAD, off") {
  const HealthEndpoint health("/healthz");
  CHECK(health.matches("/healthz"));
  CHECK(health.matches("/healthz?x=1"));
  CHECK_FALSE(health.matches("/healthz/"));
  CHECK_FALSE(health.matches("/healthz.html"));
  const auto json = health.answer(request(http::verb::get), guest_view());
  CHECK(json.status == http::status::ok);
  CHECK(json.field("Content-Type") == "application/json");
  const auto text = health.answer(request(http::verb::get, "text/plain"), guest_view());
  CHECK(text.field("Content-Type") == "text/plain; charset=UTF-8");
  const auto head = health.answer(request(http::verb::head), guest_view());
  CHECK(head.body_bytes() == 0);
  CHECK(head.content_length == json.body_bytes());
  const auto post = health.answer(request(http::verb::post), guest_view());
  CHECK(post.status == http::status::method_not_allowed);
  CHECK(post.field("Allow") == "GET, HEAD");
  CHECK_FALSE(HealthEndpoint("off").matches("/healthz"));
}
