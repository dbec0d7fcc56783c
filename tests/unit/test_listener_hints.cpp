#include <doctest/doctest.h>

#include "dualhttpd/listen/listener_hints.hpp"
#include "machine_fixture.hpp"

using namespace dualhttpd;
using namespace dualhttpd::testing;

namespace {

std::vector<Hint> hints(const char* text, const MachineSnapshot& m = guest()) {
  auto plan = plan_listeners(parse_listen_spec(text).specs, m, false);
  REQUIRE(plan.listeners.size() >= 1);
  return listener_hints(plan.listeners[0], m);
}

std::string all(const std::vector<Hint>& hs) {
  std::string out;
  for (const auto& h : hs) out += (h.warning ? "warning: " : "") + h.text + "\n";
  return out;
}

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::string note(const char* address, bool& suspicious) {
  return address_range_note(*IpAddress::parse(address), suspicious);
}

}  // namespace

TEST_CASE("a global listener: the curl line, the prefix, and what the client needs") {
  const auto text = all(hints("[2001:db8:21c::24]:8080"));
  CHECK(has(text, "curl -g 'http://[2001:db8:21c::24]:8080/'"));
  CHECK(has(text, "it lives in 2001:db8:21c::/64 on enp0s8"));
  CHECK(has(text, "ip -6 addr add 2001:db8:21c::25/64 dev <iface>"));
  CHECK(has(text,
            "VBoxManage hostonlyif ipconfig vboxnet0 --ipv6 2001:db8:21c::25 "
            "--netmasklengthv6 64"));
  CHECK(has(text, "documentation prefix (RFC 3849)"));
  CHECK_FALSE(has(text, "warning:"));
}

TEST_CASE("a link-local listener: %25 and the client's interface, with a warning") {
  const auto hs = hints("[fe80::a00:27ff:fe51:575%enp0s8]:8080");
  const auto text = all(hs);
  CHECK(has(text, "curl -g 'http://[fe80::a00:27ff:fe51:575%25<iface>]:8080/'"));
  CHECK(has(text, "the *client's* interface on this link, not enp0s8"));
  CHECK(has(text, "warning: a link-local address"));
}

TEST_CASE("IPv4, loopback and wildcard listeners") {
  CHECK(has(all(hints("192.0.2.24:80")), "ip addr add 192.0.2.25/24 dev <iface>"));
  CHECK(has(all(hints("[::1]:80")), "from this machine only"));
  CHECK(has(all(hints("[::]:80")), "e.g. curl -g 'http://[2001:db8:21c::24]:80/'"));
}

TEST_CASE("address ranges: which are fine for a lab, which are suspicious") {
  bool suspicious = true;
  CHECK(has(note("2001:db8::1", suspicious), "documentation"));
  CHECK_FALSE(suspicious);
  CHECK(has(note("3fff::1", suspicious), "documentation prefix (RFC 9637)"));
  CHECK_FALSE(suspicious);
  CHECK(has(note("fd00::24", suspicious), "unique local"));
  CHECK_FALSE(suspicious);
  CHECK(has(note("3ffe::1", suspicious), "no block IANA has delegated"));
  CHECK(suspicious);
  CHECK(has(note("4000::1", suspicious), "outside 2000::/3"));
  CHECK(suspicious);
  CHECK(has(note("198.51.100.24", suspicious), "TEST-NET-2"));
  CHECK_FALSE(suspicious);
  CHECK(has(note("100.64.0.1", suspicious), "shared address space"));
  CHECK(suspicious);
}

TEST_CASE("a suspicious global address is a warning") {
  auto m = guest();
  m.addresses.push_back(assigned("3ffe:21c::24", 3, "enp0s8", 64));
  const auto text = all(hints("[3ffe:21c::24]:80", m));
  CHECK(has(text, "warning: 3ffe:21c::24 is in 2000::/3 but in no block IANA has delegated"));
}
