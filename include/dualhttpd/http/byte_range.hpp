// The Range request header (RFC 9110 §14): one or more byte ranges, resolved the way
// Apache httpd resolves them, so clients get the same 200, 206 or 416 from both.
#pragma once

#include <boost/container/small_vector.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace dualhttpd {

struct ByteRange {
  std::uint64_t first = 0;
  std::uint64_t length = 0;
  std::uint64_t last() const { return first + length - 1; }
  bool operator==(const ByteRange&) const = default;
};

enum class RangeVerdict {
  ignore,         // absent, malformed, another unit, too many, or more than the file: 200
  partial,        // 206: one range (Content-Range) or several (multipart/byteranges)
  unsatisfiable,  // 416 with Content-Range: bytes */size
};

using ByteRanges = boost::container::small_vector<ByteRange, 1>;

// Its moves cannot throw (a ByteRange is two integers), though small_vector's are not marked
// noexcept.
struct RangeDecision {  // NOLINT(bugprone-exception-escape)
  RangeVerdict verdict = RangeVerdict::ignore;
  ByteRanges ranges;  // partial: in request order, overlapping and adjacent ones joined
};

// More ranges than this (after joining) are not worth a multipart answer: 200 (httpd's MaxRanges).
constexpr std::size_t max_byte_ranges = 200;

// One syntactically bad range makes the whole header ignored. Ranges starting past the
// end are dropped; if none is left, 416. "0-" means the whole file in one range. An empty
// file has no ranges to give: 200.
RangeDecision evaluate_range(std::string_view header, std::uint64_t size);

}  // namespace dualhttpd
