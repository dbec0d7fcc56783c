#include <doctest/doctest.h>

#include "dualhttpd/address/listen_spec.hpp"

using namespace dualhttpd;

namespace {

struct Good {
  const char* text;
  const char* canonical;  // of the first spec
  const char* zone;
  unsigned port;
  std::size_t count;
};

struct Bad {
  const char* text;
  const char* reason_contains;
  const char* suggestion;  // the spec the fix line offers ("" for none)
};

}  // namespace

TEST_CASE("listen specs that parse") {
  const Good cases[] = {
      {"[2001:db8::24]:80", "[2001:db8::24]:80", "", 80, 1},
      {"[2001:db8:21c::24]:8080", "[2001:db8:21c::24]:8080", "", 8080, 1},
      {"[2001:0db8:0000::0024]:80", "[2001:db8::24]:80", "", 80, 1},
      {"[2001:DB8::ABCD]:443", "[2001:db8::abcd]:443", "", 443, 1},
      {"[::1]:8080", "[::1]:8080", "", 8080, 1},
      {"[::]:8080", "[::]:8080", "", 8080, 1},
      {"[::]:1", "[::]:1", "", 1, 1},
      {"[::]:65535", "[::]:65535", "", 65535, 1},
      {"[fe80::a00:27ff:fe51:575%enp0s8]:80", "[fe80::a00:27ff:fe51:575%enp0s8]:80", "enp0s8", 80,
       1},
      {"[fe80::1%2]:80", "[fe80::1%2]:80", "2", 80, 1},
      {"[fe80::1%br-lan.10]:80", "[fe80::1%br-lan.10]:80", "br-lan.10", 80, 1},
      {"[fe80::1%veth0@if3]:80", "[fe80::1%veth0@if3]:80", "veth0@if3", 80, 1},
      {"192.0.2.10:80", "192.0.2.10:80", "", 80, 1},
      {"127.0.0.1:8080", "127.0.0.1:8080", "", 8080, 1},
      {"0.0.0.0:8080", "0.0.0.0:8080", "", 8080, 1},
      {"198.51.100.24:00080", "198.51.100.24:80", "", 80, 1},
      {"255.255.255.255:1", "255.255.255.255:1", "", 1, 1},
      {"8080", "[::]:8080", "", 8080, 2},
      {"80", "[::]:80", "", 80, 2},
      {"65535", "[::]:65535", "", 65535, 2},
  };
  for (const auto& c : cases) {
    const std::string input = c.text;
    CAPTURE(input);
    const auto parsed = parse_listen_spec(c.text);
    REQUIRE(parsed.ok());
    REQUIRE(parsed.specs.size() == c.count);
    CHECK(parsed.specs[0].to_string() == c.canonical);
    CHECK(parsed.specs[0].zone == c.zone);
    CHECK(parsed.specs[0].port == c.port);
    CHECK(parsed.specs[0].text == c.text);
  }
}

TEST_CASE("a bare port means [::]:PORT and 0.0.0.0:PORT") {
  const auto parsed = parse_listen_spec("8080");
  REQUIRE(parsed.specs.size() == 2);
  CHECK(parsed.specs[0].family() == Family::ipv6);
  CHECK(parsed.specs[0].address.is_unspecified());
  CHECK(parsed.specs[1].to_string() == "0.0.0.0:8080");
  CHECK(parsed.specs[1].family() == Family::ipv4);
}

// Every refusal names its reason, and a fix line offers a spec only when it can be built from
// the user's own text; what it offers is itself accepted (users paste it).
TEST_CASE("listen specs that are refused, each with its reason and a fix that is accepted") {
  const Bad cases[] = {
      {"", "empty", ""},
      {"2001:db8::24:80", "cannot be told whether :80 is the port", ""},
      {"fe80::1:8080", "cannot be told whether :8080 is the port", ""},
      {"::1:8080", "cannot be told", ""},
      {"2001:db8::zz:80", "needs brackets", ""},
      {"2001:db8::24", "needs brackets, and the port after them", ""},
      {"0", "port 0 is out of range", ""},
      {"65536", "port 65536 is out of range", ""},
      {"99999999999", "out of range", ""},
      {"[::1]:0", "port 0 is out of range", ""},
      {"[::1]:65536", "out of range", ""},
      {"192.0.2.1:0", "out of range", ""},
      {"[::1]:80x", "'80x' is not a port number", ""},
      {"[::1]:-80", "not a port number", ""},
      {"[::1]:+80", "not a port number", ""},
      {"[::1]", "port is missing", "[::1]:8080"},
      {"[fe80::1%enp0s8]", "port is missing", "[fe80::1%enp0s8]:8080"},
      {"[::1]:", "port is missing", ""},
      {"[::1]80", "expected ':PORT'", ""},
      {"[::1]x:80", "expected ':PORT'", ""},
      {"[::1:80", "without a closing ']'", ""},
      {"[2001:db8::g]:80", "not a numeric IPv6 address", ""},
      {"[2001:db8:::1]:80", "not a numeric IPv6 address", ""},
      {"[]:80", "not a numeric IPv6 address", ""},
      {"[192.0.2.1]:80", "brackets are for IPv6 only", "192.0.2.1:80"},
      {"[::ffff:127.0.0.1]:80", "IPv4-mapped", "127.0.0.1:80"},
      {"[::ffff:192.0.2.1]:8080", "IPv4-mapped", "192.0.2.1:8080"},
      {"[fe80::1%]:80", "not an interface name", ""},
      {"[fe80::1%eth 0]:80", "white space", ""},
      {"[fe80::1%a/b]:80", "not an interface name", ""},
      {"[fe80::1%abcdefghijklmnopq]:80", "not an interface name", ""},
      {"192.0.2.1", "port is missing", "192.0.2.1:8080"},
      {"192.0.2.1:", "port is missing", ""},
      {"127.1:80", "shortened IPv4 address (ping and curl read it as 127.0.0.1)", "127.0.0.1:80"},
      {"127.1", "port is missing", "127.0.0.1:8080"},
      {"192.0.2:80", "read it as 192.0.0.2", "192.0.0.2:80"},
      {"192.0.2.256:80", "not an IPv4 address", ""},
      {"192.0.2.01:80", "without leading zeros", ""},
      {"localhost:80", "host names are not looked up", "127.0.0.1:80"},
      {"example.com:80", "host names are not looked up", ""},
      {"*:80", "'*' is httpd's word for every address", "80"},
      {":80", "no address before ':'", "80"},
      {"http://[::1]:8080/", "this is a URL", "[::1]:8080"},
      {"http://192.0.2.1/", "this is a URL", "192.0.2.1:80"},
      {"https://[2001:db8::24]/x", "then https for TLS", "[2001:db8::24]:443 https"},
      {"[::1]:443  https", "white space", ""},
      {"[::1]:443 https ", "white space", ""},
      {"[::1]:443 tls", "only a protocol may follow it, after one space: https or http", ""},
      {"[::1]:443\thttps", "white space", ""},
      {"[::1] https", "the port is missing", "[::1]:8080 https"},
      {"localhost:443 https", "host names are not looked up", "127.0.0.1:443 https"},
      {"http://example.com/", "this is a URL", ""},
      {" 80", "white space", ""},
      {"80 ", "white space", ""},
      {"abc", "neither a port nor an address", ""},
      {"[::1]:80\n", "white space", ""},
  };
  for (const auto& c : cases) {
    const std::string input = c.text;
    CAPTURE(input);
    const auto parsed = parse_listen_spec(c.text);
    CHECK_FALSE(parsed.ok());
    CHECK(parsed.specs.empty());
    CHECK(parsed.error.find(c.reason_contains) != std::string::npos);
    CHECK(parsed.suggestion == c.suggestion);
    if (!parsed.suggestion.empty()) CHECK(parse_listen_spec(parsed.suggestion).ok());
  }
}

// httpd's protocol word: "Listen [2001:db8:21c::24]:443 https".
TEST_CASE("a protocol after the listen spec") {
  const auto tls = parse_listen_spec("[2001:db8:21c::24]:443 https");
  REQUIRE(tls.ok());
  REQUIRE(tls.specs.size() == 1);
  CHECK(tls.specs[0].tls);
  CHECK(tls.specs[0].to_string() == "[2001:db8:21c::24]:443");
  CHECK(tls.specs[0].to_spec() == "[2001:db8:21c::24]:443 https");
  CHECK(tls.specs[0].text == "[2001:db8:21c::24]:443 https");
  CHECK(parse_listen_spec("192.0.2.24:8443 HTTPS").specs.at(0).tls);
  const auto both = parse_listen_spec("8443 https");
  REQUIRE(both.specs.size() == 2);
  CHECK((both.specs[0].tls && both.specs[1].tls));
  const auto plain = parse_listen_spec("[::1]:80 http");
  REQUIRE(plain.ok());
  CHECK_FALSE(plain.specs.at(0).tls);
  CHECK(plain.specs.at(0).to_spec() == "[::1]:80");
  CHECK_FALSE(parse_listen_spec("[::1]:80").specs.at(0).tls);
}

TEST_CASE("address classification") {
  CHECK(IpAddress::parse("fe80::1")->is_link_local());
  CHECK(IpAddress::parse("febf::1")->is_link_local());
  CHECK_FALSE(IpAddress::parse("fec0::1")->is_link_local());
  CHECK_FALSE(IpAddress::parse("2001:db8::1")->is_link_local());
  CHECK(IpAddress::parse("169.254.1.1")->is_link_local());
  CHECK(IpAddress::parse("::1")->is_loopback());
  CHECK(IpAddress::parse("127.0.0.2")->is_loopback());
  CHECK(IpAddress::parse("::")->is_unspecified());
  CHECK(IpAddress::parse("0.0.0.0")->is_unspecified());
  CHECK(IpAddress::parse("::ffff:192.0.2.1")->is_v4_mapped());
  CHECK_FALSE(IpAddress::parse("fe80::1%eth0"));
  CHECK_FALSE(IpAddress::parse("host.example"));
}

TEST_CASE("numeric zones are interface indexes, checked for range") {
  CHECK_FALSE(parse_zone_index("enp0s8").numeric);
  CHECK(parse_zone_index("2").value == 2);
  CHECK_FALSE(parse_zone_index("2").bad);
  CHECK(parse_zone_index("2147483647").value == 2147483647u);
  CHECK(parse_zone_index("2147483648").bad);
  CHECK(parse_zone_index("4294967297").bad);  // once read as 1, lo
  CHECK(parse_zone_index("0").bad);
  const auto wrapped = parse_listen_spec("[fe80::1%4294967297]:80");
  CHECK_FALSE(wrapped.ok());
  CHECK(wrapped.error.find("no interface index") != std::string::npos);
}
