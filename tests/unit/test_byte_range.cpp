#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "dualhttpd/http/byte_range.hpp"

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
      {"bytes=-0", 100, V::ignore, 0, 0},  // httpd: a suffix of nothing is malformed
      {"bytes=0-", 0, V::ignore, 0, 0},    // an empty file has no ranges
      {"bytes=-5", 0, V::ignore, 0, 0},
      {"bytes=9-5", 100, V::ignore, 0, 0},
      {"bytes=a-b", 100, V::ignore, 0, 0},
      {"bytes=-", 100, V::ignore, 0, 0},
      {"bytes=5", 100, V::ignore, 0, 0},
      {"bytes=", 100, V::ignore, 0, 0},
      {"items=0-5", 100, V::ignore, 0, 0},
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
      REQUIRE(d.ranges.size() == 1);
      CHECK(d.ranges[0].first == c.first);
      CHECK(d.ranges[0].length == c.length);
    }
  }
}

TEST_CASE("several byte ranges, joined as httpd joins them") {
  using V = RangeVerdict;
  struct Multi {
    const char* header;
    V verdict;
    std::vector<ByteRange> ranges;
  };
  const Multi cases[] = {
      {"bytes=0-1,5-6", V::partial, {{0, 2}, {5, 2}}},
      {"bytes=5-6,0-1", V::partial, {{5, 2}, {0, 2}}},  // request order is kept
      {"bytes=0-3,2-12", V::partial, {{0, 13}}},        // overlapping: one range
      {"bytes=0-3,4-6", V::partial, {{0, 7}}},          // adjacent: one range
      {"bytes=4-6,0-3", V::partial, {{0, 7}}},          // adjacent before it, too
      {"bytes=10-20,0-5,3-4", V::partial, {{10, 11}, {0, 6}}},
      {"bytes=0-1, 5-6", V::partial, {{0, 2}, {5, 2}}},
      {"bytes=0-1,,5-6", V::partial, {{0, 2}, {5, 2}}},
      {"bytes=-10,0-1", V::partial, {{90, 10}, {0, 2}}},
      {"bytes=5-6,0-", V::partial, {{0, 100}}},  // "0-" is the whole file, alone
      {"bytes=0-1,200-300", V::partial, {{0, 2}}},
      {"bytes=200-300,100-", V::unsatisfiable, {}},
      {"bytes=0-1,x", V::ignore, {}},  // one bad spec spoils the header
      {"bytes=0-1,9-5", V::ignore, {}},
      {"bytes=0-99,0-99", V::partial, {{0, 100}}},
      {"bytes=0-59,1-2,70-99,50-89", V::ignore, {}},  // more bytes than the file
  };
  for (const auto& c : cases) {
    const std::string input = c.header;
    CAPTURE(input);
    const auto d = evaluate_range(c.header, 100);
    CHECK(d.verdict == c.verdict);
    CHECK(std::vector<ByteRange>(d.ranges.begin(), d.ranges.end()) == c.ranges);
  }
}

TEST_CASE("more ranges than httpd's MaxRanges get the whole file") {
  std::string header = "bytes=0-0";
  for (std::uint64_t i = 1; i < max_byte_ranges; ++i)
    header += "," + std::to_string(2 * i) + "-" + std::to_string(2 * i);
  CHECK(evaluate_range(header, 1000).ranges.size() == max_byte_ranges);
  header += ",998-998";
  CHECK(evaluate_range(header, 1000).verdict == RangeVerdict::ignore);
}
