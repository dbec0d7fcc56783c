#include <doctest/doctest.h>

#include "dualhttpd/address/machine_snapshot.hpp"
#include "dualhttpd/address/port_owner.hpp"

using namespace dualhttpd;

TEST_CASE("/proc/net/if_inet6 gives addresses, interfaces and DAD flags") {
  const auto list = parse_if_inet6(
      "00000000000000000000000000000001 01 80 10 80       lo\n"
      "20010db8021c00000000000000000024 03 40 00 80   enp0s8\n"
      "20010db8021c00000000000000000030 03 40 00 c0   enp0s8\n"
      "20010db8021c00000000000000000040 03 40 00 c8   enp0s8\n"
      "fe800000000000000a0027fffe510575 03 40 20 80   enp0s8\n"
      "garbage\n");
  REQUIRE(list.size() == 5);
  CHECK(list[0].address.to_string() == "::1");
  CHECK(list[0].prefix_length == 128);
  CHECK(list[1].address.to_string() == "2001:db8:21c::24");
  CHECK(list[1].ifindex == 3);
  CHECK(list[1].ifname == "enp0s8");
  CHECK(list[1].usable());
  CHECK(list[2].tentative());
  CHECK_FALSE(list[2].usable());
  CHECK(list[3].dad_failed());
  CHECK_FALSE(list[3].tentative());
  CHECK(list[4].address.to_string() == "fe80::a00:27ff:fe51:575");
  CHECK(list[4].address.is_link_local());
}

TEST_CASE("/proc/net/tcp: inodes of listening sockets on a port") {
  const char* text =
      "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout "
      "inode\n"
      "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 "
      "12345 1 0000000000000000 100 0 0 10 0\n"
      "   1: 0100007F:1F90 0100007F:C000 01 00000000:00000000 00:00000000 00000000     0        0 "
      "777 1 0000000000000000 100 0 0 10 0\n"
      "   2: 00000000:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 "
      "999 1 0000000000000000 100 0 0 10 0\n";
  CHECK(listening_inodes(text, 8080) == std::vector<std::uint64_t>{12345});
  CHECK(listening_inodes(text, 80) == std::vector<std::uint64_t>{999});
  CHECK(listening_inodes(text, 443).empty());
  const char* v6 =
      "  sl  local_address                         remote_address                        st\n"
      "   0: 00000000000000000000000001000000:1F90 00000000000000000000000000000000:0000 0A "
      "00000000:00000000 00:00000000 00000000     0        0 4711 1 0000000000000000 100 0 0 10 "
      "0\n";
  CHECK(listening_inodes(v6, 8080) == std::vector<std::uint64_t>{4711});
}
