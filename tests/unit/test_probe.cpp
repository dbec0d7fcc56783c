#include <doctest/doctest.h>

#include <cerrno>

#include "dualhttpd/probe/probe_url.hpp"
#include "dualhttpd/probe/route_check.hpp"
#include "machine_fixture.hpp"

using namespace dualhttpd;
using namespace dualhttpd::testing;

namespace {

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

MachineSnapshot host_before_fix() {
  MachineSnapshot m;
  m.interfaces = {{1, "lo", true, false}, {2, "vboxnet0", true, false}, {3, "eno1", true, false}};
  m.addresses = {assigned("::1", 1, "lo", 128), assigned("fe80::1", 2, "vboxnet0", 64),
                 assigned("2001:db8:26c::26", 3, "eno1", 64)};
  return m;
}

}  // namespace

TEST_CASE("probe URLs: brackets, %25 zones, IPv4, ports and paths") {
  auto u = parse_probe_url("http://[2001:db8:21c::24]:8080/");
  REQUIRE(u.ok());
  CHECK(u.address.to_string() == "2001:db8:21c::24");
  CHECK(u.port == 8080);
  CHECK(u.path == "/");
  u = parse_probe_url("http://[fe80::a00:27ff:fe51:575%25vboxnet0]/x?y");
  REQUIRE(u.ok());
  CHECK(u.zone == "vboxnet0");
  CHECK(u.port == 80);
  CHECK(u.path == "/x?y");
  CHECK(u.host_text() == "[fe80::a00:27ff:fe51:575%vboxnet0]:80");
  u = parse_probe_url("http://198.51.100.24:81");
  REQUIRE(u.ok());
  CHECK(u.port == 81);
  CHECK(u.path == "/");
  const auto https = parse_probe_url("https://[2001:db8:21c::24]/x");
  CHECK(https.ok());
  CHECK(https.tls);
  CHECK(https.port == 443);
  CHECK(https.path == "/x");
  CHECK(parse_probe_url("https://192.0.2.24:8443/").port == 8443);
  CHECK_FALSE(parse_probe_url("http://[::1]/").tls);
  CHECK(has(parse_probe_url("ftp://[::1]/").error, "must start with http:// or https://"));
  CHECK(has(parse_probe_url("ftp://[::1]/").error, "http://"));
  // Without brackets: the URL to type is built from the user's own, or none is offered when
  // it cannot be told where the address ends.
  CHECK(has(parse_probe_url("http://2001:db8::24:8080/").error, "cannot be told whether :8080"));
  CHECK_FALSE(has(parse_probe_url("http://2001:db8:21c::24:8080/").error, "[2001:db8::24]"));
  CHECK(has(parse_probe_url("http://2001:db8::ab/x").error, "http://[2001:db8::ab]/x"));
  CHECK(parse_probe_url("http://[2001:db8::ab]/x").ok());
  CHECK(has(parse_probe_url("http://example.com/").error, "names are not looked up"));
  CHECK(has(parse_probe_url("http://[2001:db8::1%25eth0]/").error, "only a link-local"));
  CHECK(has(parse_probe_url("http://[::1]:0/").error, "bad port"));
  CHECK(has(parse_probe_url("http://[::1/").error, "closing ']'"));
}

TEST_CASE("no route: the prefix to add an address in, and the command") {
  const auto dest = *IpAddress::parse("2001:db8:21c::24");
  const auto f = judge_route(dest, "", ENETUNREACH, std::nullopt, host_before_fix());
  CHECK_FALSE(f.reachable);
  CHECK(has(f.message, "no route to 2001:db8:21c::24"));
  CHECK(has(f.message, "no address in 2001:db8:21c::/64 and no default route"));
  CHECK(has(f.message, "ip -6 addr add 2001:db8:21c::25/64 dev IFACE"));
  CHECK(has(f.message, "VBoxManage hostonlyif ipconfig vboxnet0 --ipv6 2001:db8:21c::25"));
  const auto v4 = judge_route(*IpAddress::parse("198.51.100.24"), "", ENETUNREACH, std::nullopt,
                              host_before_fix());
  CHECK(has(v4.message, "ip addr add 198.51.100.25/24 dev IFACE"));
}

TEST_CASE("on-link after the fix; through the default route otherwise") {
  auto fixed = host_before_fix();
  fixed.addresses.push_back(assigned("2001:db8:21c::25", 2, "vboxnet0", 64));
  const auto dest = *IpAddress::parse("2001:db8:21c::24");
  const auto on = judge_route(dest, "", 0, IpAddress::parse("2001:db8:21c::25"), fixed);
  CHECK(on.reachable);
  CHECK(on.on_link);
  CHECK(on.interface == "vboxnet0");
  CHECK(on.prefix == "2001:db8:21c::/64");
  CHECK(has(on.message, "would leave via vboxnet0 from 2001:db8:21c::25, on-link"));
  const auto off =
      judge_route(dest, "", 0, IpAddress::parse("2001:db8:26c::26"), host_before_fix());
  CHECK(off.reachable);
  CHECK_FALSE(off.on_link);
  CHECK(has(off.message, "would leave via eno1 from 2001:db8:26c::26, not on-link"));
  CHECK(has(off.message, "is that the link to the server?"));
}

TEST_CASE("prefixes") {
  CHECK(prefix_text(*IpAddress::parse("2001:db8:21c::24"), 64) == "2001:db8:21c::/64");
  CHECK(prefix_text(*IpAddress::parse("198.51.100.24"), 24) == "198.51.100.0/24");
  CHECK(prefix_text(*IpAddress::parse("2001:db8:21c:ffff::1"), 50) == "2001:db8:21c:c000::/50");
}

TEST_CASE("a link-local URL without this host's interface: why, and the URLs to try") {
  const auto machine = host_before_fix();
  auto u = parse_probe_url("http://[fe80::a00:27ff:fe51:575]:8080/");
  REQUIRE(u.ok());
  auto why = link_local_zone_problem(u, machine);
  CHECK(has(why, "fe80::a00:27ff:fe51:575 is a link-local address"));
  CHECK(has(why, "Interfaces here with a link-local address: vboxnet0"));
  CHECK(has(why, "dualhttpd probe 'http://[fe80::a00:27ff:fe51:575%25vboxnet0]:8080/'"));
  CHECK_FALSE(has(why, "EINVAL: Invalid argument\n"));
  // The server's interface name: this host has none of that name.
  u = parse_probe_url("http://[fe80::a00:27ff:fe51:575%25enp0s8]/healthz");
  REQUIRE(u.ok());
  why = link_local_zone_problem(u, machine);
  CHECK(has(why, "this host has no interface enp0s8 (interfaces: lo, vboxnet0, eno1)"));
  CHECK(has(why, "not the server's own"));
  CHECK(has(why, "'http://[fe80::a00:27ff:fe51:575%25vboxnet0]/healthz'"));
  // The URL offered parses, and its zone is accepted.
  const auto offered = parse_probe_url("http://[fe80::a00:27ff:fe51:575%25vboxnet0]/healthz");
  REQUIRE(offered.ok());
  CHECK(link_local_zone_problem(offered, machine).empty());
  CHECK(link_local_zone_problem(parse_probe_url("http://[2001:db8:21c::24]/"), machine).empty());
}

TEST_CASE("refused and silent connections are told apart, with where to look") {
  const auto u = parse_probe_url("http://[2001:db8:21c::24]:8080/");
  const auto refused = explain_connect_error(ECONNREFUSED, u, 5);
  CHECK(has(refused, "answered, but nothing listens there on port 8080"));
  CHECK(has(refused, "ss -ltn 'sport = :8080'"));
  CHECK(has(refused, "dualhttpd --check"));
  const auto silent = explain_connect_error(ETIMEDOUT, u, 5);
  CHECK(has(silent, "no answer at all within 5 s"));
  CHECK(has(silent, "firewall-cmd --list-all"));
  CHECK(has(silent, "ufw status"));
  CHECK(has(silent, "nft list ruleset"));
  CHECK(has(silent, "ip -6 neigh show 2001:db8:21c::24"));
  CHECK(has(explain_connect_error(EHOSTUNREACH, u, 5), "neighbour discovery failed"));
}
