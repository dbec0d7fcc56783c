#include <doctest/doctest.h>

#include <cerrno>

#include "dualhttpd/listen/bind_diagnosis.hpp"
#include "machine_fixture.hpp"

using namespace dualhttpd;
using namespace dualhttpd::testing;

namespace {

Listener listener(const char* text, const MachineSnapshot& m) {
  auto plan = plan_listeners({spec(text)}, m, false);
  REQUIRE(plan.listeners.size() == 1);
  return plan.listeners[0];
}

Problem explain(const char* text, int error, const MachineSnapshot& m = guest(),
                std::optional<PortOwner> owner = {}) {
  return explain_bind_error(listener(text, m), "bind", error, m, owner);
}

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("errno names and texts") {
  CHECK(errno_text(EADDRINUSE) == "EADDRINUSE: Address already in use");
  CHECK(errno_text(EADDRNOTAVAIL) == "EADDRNOTAVAIL: Cannot assign requested address");
}

TEST_CASE("lists as a sentence says them") {
  CHECK(word_list({}, "and").empty());
  CHECK(word_list({"lo"}, "and") == "lo");
  CHECK(word_list({"lo", "eth0"}, "and") == "lo and eth0");
  CHECK(word_list({"a", "b", "c"}, "or") == "a, b or c");
}

TEST_CASE("an address on no interface lists the addresses this machine has") {
  const auto p = explain("[2001:db8:21c::99]:80", EADDRNOTAVAIL);
  CHECK(p.listener == "[2001:db8:21c::99]:80");
  CHECK(has(p.cause, "2001:db8:21c::99 is not assigned to any interface"));
  CHECK(has(p.cause, "Cannot assign requested address"));
  CHECK(has(p.fix, "ip addr add 2001:db8:21c::99/64 dev IFACE"));
  CHECK(has(p.fix, "2001:db8:21c::24"));
  CHECK(has(p.fix, "::1"));
  CHECK_FALSE(has(p.fix, "192.0.2.24"));  // only the listener's family
  const auto v4 = explain("192.0.2.99:80", EADDRNOTAVAIL);
  CHECK(has(v4.fix, "192.0.2.24"));
  CHECK(has(v4.fix, "127.0.0.1"));
}

TEST_CASE("a tentative address says DAD has not finished") {
  const auto p = explain("[2001:db8:21c::30]:80", EADDRNOTAVAIL);
  CHECK(has(p.cause, "on enp0s8 but still tentative"));
  CHECK(has(p.cause, "duplicate address detection"));
  CHECK(has(p.fix, "ip -6 addr show dev enp0s8"));
}

TEST_CASE("a dadfailed address says another host uses it") {
  const auto p = explain("[2001:db8:21c::40]:80", EADDRNOTAVAIL);
  CHECK(has(p.cause, "dadfailed"));
  CHECK(has(p.cause, "another host on the link already uses it"));
  CHECK(has(p.fix, "ip addr del 2001:db8:21c::40/64 dev enp0s8"));
}

TEST_CASE("a link-local on the wrong interface names the right one") {
  const auto p = explain("[fe80::a00:27ff:fe51:575%enp0s3]:80", EADDRNOTAVAIL);
  CHECK(has(p.cause, "is not on enp0s3; it is on enp0s8"));
  CHECK(has(p.fix, "[fe80::a00:27ff:fe51:575%enp0s8]:80"));
}

TEST_CASE("IPv6 disabled, for all or for one interface") {
  auto m = guest();
  m.ipv6_disabled_all = true;
  const auto all = explain("[::1]:80", EADDRNOTAVAIL, m);
  CHECK(has(all.cause, "IPv6 is disabled on this machine"));
  CHECK(has(all.cause, "net.ipv6.conf.all.disable_ipv6 = 1"));
  CHECK(has(all.fix, "sysctl -w net.ipv6.conf.all.disable_ipv6=0"));

  auto one = guest();
  one.interfaces[2].ipv6_disabled = true;
  const auto zoned = explain("[fe80::a00:27ff:fe51:575%enp0s8]:80", EADDRNOTAVAIL, one);
  CHECK(has(zoned.cause, "IPv6 is disabled on enp0s8"));
  CHECK(has(zoned.cause, "net.ipv6.conf.enp0s8.disable_ipv6"));
  const auto global = explain("[2001:db8:21c::99]:80", EADDRNOTAVAIL, one);
  CHECK(has(global.cause, "IPv6 is disabled on enp0s8"));

  const auto kernel = explain("[::1]:80", EAFNOSUPPORT);
  CHECK(has(kernel.cause, "this kernel runs without IPv6"));
  CHECK(has(kernel.fix, "ipv6.disable=1"));
}

TEST_CASE("a port in use names the process when it can") {
  const auto seen = explain("[::1]:8080", EADDRINUSE, guest(), PortOwner{4242, "nginx"});
  CHECK(has(seen.cause, "port 8080 is already in use on [::1]"));
  CHECK(has(seen.cause, "nginx (pid 4242) holds it"));
  CHECK(has(seen.fix, "ss -ltnp 'sport = :8080'"));
  const auto unseen = explain("[::1]:8080", EADDRINUSE);
  CHECK(has(unseen.cause, "cannot see which program"));
}

TEST_CASE("a privileged port without the capability") {
  const auto p = explain("[::1]:80", EACCES);
  CHECK(has(p.cause, "ports below 1024 are privileged"));
  CHECK(has(p.cause, "CAP_NET_BIND_SERVICE"));
  CHECK(has(p.fix, "setcap cap_net_bind_service=+ep"));
  CHECK(has(p.fix, "AmbientCapabilities=CAP_NET_BIND_SERVICE"));
  CHECK(has(p.fix, "net.ipv4.ip_unprivileged_port_start"));
  const auto high = explain("[::1]:8080", EACCES);
  CHECK_FALSE(has(high.cause, "privileged"));
}

TEST_CASE("anything else is reported with errno name, text and listener") {
  const auto p = explain("[::1]:80", ENOBUFS);
  CHECK(has(p.cause, "bind()"));
  CHECK(has(p.cause, "ENOBUFS"));
  CHECK(has(p.cause, "[::1]:80 ipv6 interface=lo"));
}

TEST_CASE("--bind-wait waits only for what time may cure") {
  CHECK(explain("[2001:db8:21c::99]:80", EADDRNOTAVAIL).may_resolve);        // not added yet
  CHECK(explain("[2001:db8:21c::30]:80", EADDRNOTAVAIL).may_resolve);        // tentative
  CHECK_FALSE(explain("[2001:db8:21c::40]:80", EADDRNOTAVAIL).may_resolve);  // dadfailed
  CHECK_FALSE(explain("[::1]:8080", EADDRINUSE).may_resolve);
  CHECK_FALSE(explain("[::1]:80", EACCES).may_resolve);
  auto off = guest();
  off.ipv6_disabled_all = true;
  CHECK_FALSE(explain("[::1]:80", EADDRNOTAVAIL, off).may_resolve);
  CHECK(has(explain("[2001:db8:21c::30]:80", EADDRNOTAVAIL).fix, "--bind-wait"));
}

TEST_CASE("every problem of a listener at once: what the kernel would say next is foreseen") {
  auto unprivileged = guest();
  unprivileged.can_bind_privileged = false;
  // A link-local address without its zone, on port 80, as a user without the capability:
  // the zone and the privileged port in one report.
  const auto plan = plan_listeners({spec("[fe80::a00:27ff:fe51:575]:80")}, unprivileged, false);
  REQUIRE(plan.problems.size() == 2);
  CHECK(has(plan.problems[0].cause, "link-local"));
  CHECK(has(plan.problems[1].cause, "ports below 1024 are privileged"));
  // With the capability, only the zone.
  CHECK(plan_listeners({spec("[fe80::a00:27ff:fe51:575]:80")}, guest(), false).problems.size() ==
        1);
  // EACCES first, for an address the machine does not have either: both.
  const auto l = listener("[2001:db8:21c::24]:80", unprivileged);
  auto missing = l;
  missing.spec = spec("[2001:db8:21c::99]:80");
  const auto next = foreseen_problems(missing, EACCES, unprivileged);
  REQUIRE(next.size() == 1);
  CHECK(has(next[0].cause, "not assigned to any interface"));
  CHECK(foreseen_problems(l, EACCES, unprivileged).empty());  // the address is there
  CHECK(foreseen_problems(l, EADDRINUSE, guest()).empty());
}

TEST_CASE("a waiting start that ran out does not suggest waiting again") {
  const auto tentative = explain("[2001:db8:21c::30]:80", EADDRNOTAVAIL);
  CHECK(has(tentative.fix, "--bind-wait"));
  CHECK_FALSE(has(tentative.fix_after_wait, "--bind-wait"));
  CHECK(has(tentative.fix_after_wait, "DAD did not finish"));
  const auto missing = explain("[2001:db8:21c::99]:80", EADDRNOTAVAIL);
  CHECK_FALSE(has(missing.fix_after_wait, "--bind-wait"));
  CHECK(has(missing.fix_after_wait, "it did not come in that time"));
}

TEST_CASE("a zone that names no interface, for an address no interface has: no dead end") {
  const auto plan = plan_listeners({spec("[fe80::1%eth9]:80")}, guest(), false);
  REQUIRE(plan.problems.size() == 1);
  const auto& fix = plan.problems[0].fix;
  CHECK(has(fix, "fe80::1 is on no interface here either"));
  CHECK(has(fix, "[fe80::a00:27ff:fe51:575%enp0s8]:80"));
  // What it offers is accepted on this machine.
  CHECK(plan_listeners({spec("[fe80::a00:27ff:fe51:575%enp0s8]:80")}, guest(), false)
            .problems.empty());
}

TEST_CASE("the wildcard in use is named as such, not as ':::'") {
  const auto p = explain("[::]:8080", EADDRINUSE, guest(), PortOwner{42, "dualhttpd"});
  CHECK(has(p.cause, "in use on every IPv6 address ([::]): dualhttpd (pid 42) holds it"));
}
