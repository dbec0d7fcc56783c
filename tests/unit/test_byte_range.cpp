#include <doctest/doctest.h>

#include <string>

#include "dualhttpd/byte_range.hpp"

using namespace dualhttpd;

namespace {

struct Case {
  const char* header;
  std::uint64_t size;
  RangeVerdict verdict;
  std::uint64_t first, length;
};

}  // namespace

TEST_CASE("single byte ranges") {
  using V = RangeVerdict;
  const Case cases[] = {
      {"bytes=0-9", 100, V::partial, 0, 10},
      {"bytes=10-", 100, V::partial, 10, 90},
      {"bytes=-10", 100, V::partial, 90, 10},
      {"bytes=-1000", 100, V::partial, 0, 100},
      {"bytes=0-999", 100, V::partial, 0, 100},
      {"bytes=99-99", 100, V::partial, 99, 1},
      {"bytes=0-0", 1, V::partial, 0, 1},
      {"BYTES=5-6", 100, V::partial, 5, 2},
      {"bytes= 5 - 6 ", 100, V::partial, 5, 2},
      {"bytes=100-", 100, V::unsatisfiable, 0, 0},
      {"bytes=100-200", 100, V::unsatisfiable, 0, 0},
      {"bytes=-0", 100, V::unsatisfiable, 0, 0},
      {"bytes=0-", 0, V::unsatisfiable, 0, 0},
      {"bytes=-5", 0, V::unsatisfiable, 0, 0},
      {"bytes=9-5", 100, V::ignore, 0, 0},
      {"bytes=a-b", 100, V::ignore, 0, 0},
      {"bytes=-", 100, V::ignore, 0, 0},
      {"bytes=5", 100, V::ignore, 0, 0},
      {"bytes=", 100, V::ignore, 0, 0},
      {"items=0-5", 100, V::ignore, 0, 0},
      {"bytes=0-1,5-6", 100, V::ignore, 0, 0},
      {"bytes=99999999999999999999-", 100, V::ignore, 0, 0},
      {"bytes=+1-2", 100, V::ignore, 0, 0},
      {"", 100, V::ignore, 0, 0},
  };
  for (const auto& c : cases) {
    const std::string input = c.header;
    CAPTURE(input);
    CAPTURE(c.size);
    const auto d = evaluate_range(c.header, c.size);
    CHECK(d.verdict == c.verdict);
    if (c.verdict == V::partial) {
      CHECK(d.range.first == c.first);
      CHECK(d.range.length == c.length);
    }
  }
}
