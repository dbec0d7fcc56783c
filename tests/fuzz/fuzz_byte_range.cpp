// libFuzzer: the Range header against file sizes; every partial range lies in the file, and
// together they never ask for more bytes than it has.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "dualhttpd/http/byte_range.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::uint64_t file_size = 0;
  if (size >= sizeof file_size) {
    std::memcpy(&file_size, data, sizeof file_size);
    data += sizeof file_size;
    size -= sizeof file_size;
  }
  file_size %= (1ull << 50);
  const std::string_view header(reinterpret_cast<const char*>(data), size);
  const auto d = dualhttpd::evaluate_range(header, file_size);
  if (d.verdict != dualhttpd::RangeVerdict::partial) return 0;
  if (d.ranges.empty() || d.ranges.size() > dualhttpd::max_byte_ranges) __builtin_trap();
  std::uint64_t total = 0;
  for (const auto& r : d.ranges) {
    if (r.length == 0 || r.first >= file_size || r.first + r.length > file_size) __builtin_trap();
    total += r.length;
  }
  if (total > file_size) __builtin_trap();
  return 0;
}
