// The Range request header (RFC 9110 §14), for a single byte range.
#pragma once

#include <cstdint>
#include <string_view>

namespace dualhttpd {

struct ByteRange {
  std::uint64_t first = 0;
  std::uint64_t length = 0;
  std::uint64_t last() const { return first + length - 1; }
};

enum class RangeVerdict {
  ignore,         // absent, malformed, several ranges or another unit: serve the whole file (200)
  partial,        // 206 with Content-Range: bytes first-last/size
  unsatisfiable,  // 416 with Content-Range: bytes */size
};

struct RangeDecision {
  RangeVerdict verdict = RangeVerdict::ignore;
  ByteRange range;
};

RangeDecision evaluate_range(std::string_view header, std::uint64_t size);

}  // namespace dualhttpd
