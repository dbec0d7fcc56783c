#include <doctest/doctest.h>

#include "dualhttpd/listen/listener_plan.hpp"
#include "machine_fixture.hpp"

using namespace dualhttpd;
using namespace dualhttpd::testing;

namespace {

ListenerPlan plan(std::initializer_list<const char*> texts, const MachineSnapshot& m,
                  bool mapped = false) {
  std::vector<ListenSpec> specs;
  for (const auto* t : texts)
    for (auto& s : parse_listen_spec(t).specs) specs.push_back(s);
  return plan_listeners(specs, m, mapped);
}

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("link-local without a zone names the owning interface and the corrected form") {
  const auto p = plan({"[fe80::a00:27ff:fe51:575]:80"}, guest());
  REQUIRE(p.problems.size() == 1);
  CHECK(p.listeners.empty());
  const auto& problem = p.problems[0];
  CHECK(problem.listener == "[fe80::a00:27ff:fe51:575]:80");
  CHECK(has(problem.cause, "link-local"));
  CHECK(has(problem.cause, "EINVAL"));
  CHECK(has(problem.fix, "it is on enp0s8"));
  CHECK(has(problem.fix, "[fe80::a00:27ff:fe51:575%enp0s8]:80"));
  CHECK(problem.kind == ProblemKind::bind);
}

TEST_CASE("a link-local held by two interfaces offers both zones") {
  auto m = guest();
  m.addresses.push_back(assigned("fe80::a00:27ff:fe51:575", 2, "enp0s3", 64));
  const auto p = plan({"[fe80::a00:27ff:fe51:575]:80"}, m);
  REQUIRE(p.problems.size() == 1);
  CHECK(has(p.problems[0].fix, "enp0s8 and enp0s3"));
  CHECK(has(p.problems[0].fix,
            "[fe80::a00:27ff:fe51:575%enp0s8]:80 or "
            "[fe80::a00:27ff:fe51:575%enp0s3]:80"));
}

TEST_CASE("a link-local nobody holds lists the link-local addresses that exist") {
  const auto p = plan({"[fe80::99]:80"}, guest());
  REQUIRE(p.problems.size() == 1);
  CHECK(has(p.problems[0].fix, "no interface here holds fe80::99"));
  CHECK(has(p.problems[0].fix, "fe80::a00:27ff:fe51:575%enp0s8"));
  CHECK(has(p.problems[0].fix, "fe80::a00:27ff:fe12:3456%enp0s3"));
}

TEST_CASE("zones resolve by name and by index, to the interface index") {
  const auto by_name = plan({"[fe80::a00:27ff:fe51:575%enp0s8]:80"}, guest());
  REQUIRE(by_name.listeners.size() == 1);
  CHECK(by_name.listeners[0].scope_id == 3);
  CHECK(by_name.listeners[0].ifname == "enp0s8");
  const auto by_index = plan({"[fe80::a00:27ff:fe51:575%3]:80"}, guest());
  REQUIRE(by_index.listeners.size() == 1);
  CHECK(by_index.listeners[0].scope_id == 3);
  CHECK(by_index.listeners[0].ifname == "enp0s8");
  CHECK(by_index.listeners[0].describe() ==
        "[fe80::a00:27ff:fe51:575%3]:80 ipv6 interface=enp0s8 v6only=on");
}

TEST_CASE("an unknown zone names the interfaces that exist") {
  const auto p = plan({"[fe80::a00:27ff:fe51:575%eth9]:80"}, guest());
  REQUIRE(p.problems.size() == 1);
  CHECK(has(p.problems[0].cause, "no interface named 'eth9'"));
  CHECK(has(p.problems[0].cause, "lo, enp0s3, enp0s8"));
  CHECK(has(p.problems[0].fix, "[fe80::a00:27ff:fe51:575%enp0s8]:80"));
  const auto index = plan({"[fe80::1%42]:80"}, guest());
  REQUIRE(index.problems.size() == 1);
  CHECK(has(index.problems[0].cause, "no interface with index '42'"));
}

TEST_CASE("a zone on an address that is not link-local is refused, not ignored") {
  for (const auto* text : {"[2001:db8:21c::24%enp0s8]:80", "[::1%lo]:80", "[::%enp0s8]:80"}) {
    const std::string input = text;
    CAPTURE(input);
    const auto p = plan({text}, guest());
    REQUIRE(p.problems.size() == 1);
    CHECK(p.problems[0].kind == ProblemKind::config);
    CHECK(has(p.problems[0].cause, "only link-local"));
    CHECK(has(p.problems[0].fix, "drop the zone"));
  }
}

TEST_CASE("overlapping listeners are explained") {
  SUBCASE("the same spec twice") {
    const auto p = plan({"[::1]:80", "[::1]:80"}, guest());
    CHECK(p.listeners.size() == 1);
    REQUIRE(p.problems.size() == 1);
    CHECK(has(p.problems[0].cause, "listed twice"));
  }
  SUBCASE("the same address written two ways") {
    const auto p = plan({"[2001:db8:21c::24]:80", "[2001:db8:21c:0::0024]:80"}, guest());
    REQUIRE(p.problems.size() == 1);
    CHECK(has(p.problems[0].cause, "listed twice"));
  }
  SUBCASE("a wildcard and an address of the same family and port") {
    const auto p = plan({"[::]:80", "[2001:db8:21c::24]:80"}, guest());
    REQUIRE(p.problems.size() == 1);
    CHECK(has(p.problems[0].cause, "every IPv6 address on port 80"));
    CHECK(has(p.problems[0].cause, "EADDRINUSE"));
  }
  SUBCASE("[::] with IPv4-mapped and 0.0.0.0 on the same port") {
    const auto p = plan({"[::]:80", "0.0.0.0:80"}, guest(), true);
    REQUIRE(p.problems.size() == 1);
    CHECK(has(p.problems[0].cause, "--ipv4-mapped already accepts IPv4 clients"));
    CHECK(p.problems[0].kind == ProblemKind::config);
  }
  SUBCASE("[::] IPv6-only and 0.0.0.0 coexist") {
    const auto p = plan({"[::]:80", "0.0.0.0:80"}, guest());
    CHECK(p.problems.empty());
    CHECK(p.listeners.size() == 2);
    CHECK(p.listeners[0].v6only);
  }
  SUBCASE("a bare port stays IPv6-only even with --ipv4-mapped") {
    const auto p = plan({"8080"}, guest(), true);
    CHECK(p.problems.empty());
    REQUIRE(p.listeners.size() == 2);
    CHECK(p.listeners[0].v6only);
  }
  SUBCASE("different ports never overlap") {
    CHECK(plan({"[::]:80", "[::1]:81", "0.0.0.0:80", "127.0.0.1:81"}, guest()).problems.empty());
  }
}

TEST_CASE("--ipv4-mapped turns IPV6_V6ONLY off only on [::]") {
  const auto p = plan({"[::]:80", "[::1]:81"}, guest(), true);
  REQUIRE(p.listeners.size() == 2);
  CHECK_FALSE(p.listeners[0].v6only);
  CHECK(p.listeners[1].v6only);
  CHECK(p.listeners[0].describe() == "[::]:80 ipv6 interface=any v6only=off");
}

TEST_CASE("listeners report the interface that holds their address") {
  const auto p = plan({"[2001:db8:21c::24]:80", "127.0.0.1:80"}, guest());
  REQUIRE(p.listeners.size() == 2);
  CHECK(p.listeners[0].describe() == "[2001:db8:21c::24]:80 ipv6 interface=enp0s8 v6only=on");
  CHECK(p.listeners[1].describe() == "127.0.0.1:80 ipv4 interface=lo v6only=n/a");
}

TEST_CASE("a missing zone interface may appear later; a missing zone never does") {
  CHECK(plan({"[fe80::1%eth9]:80"}, guest()).problems.at(0).may_resolve);
  CHECK_FALSE(plan({"[fe80::a00:27ff:fe51:575]:80"}, guest()).problems.at(0).may_resolve);
  CHECK_FALSE(plan({"[::1]:80", "[::1]:80"}, guest()).problems.at(0).may_resolve);
}

TEST_CASE("--freebind warns for each address that is not usable yet") {
  const auto p = plan({"[2001:db8:21c::99]:80", "[2001:db8:21c::30]:81", "[2001:db8:21c::24]:82",
                       "[::]:83", "192.0.2.99:84"},
                      guest());
  REQUIRE(p.listeners.size() == 5);
  const auto warnings = freebind_warnings(p.listeners, guest());
  REQUIRE(warnings.size() == 3);
  CHECK(has(warnings[0], "2001:db8:21c::99 is not usable on this machine yet (on no interface)"));
  CHECK(has(warnings[1], "2001:db8:21c::30"));
  CHECK(has(warnings[1], "tentative"));
  CHECK(has(warnings[2], "192.0.2.99:84 listens anyway"));
}
