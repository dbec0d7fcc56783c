// libFuzzer: the Range header against file sizes; a partial range always lies in the file.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "dualhttpd/byte_range.hpp"

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
  if (d.verdict == dualhttpd::RangeVerdict::partial &&
      (d.range.length == 0 || d.range.first >= file_size ||
       d.range.first + d.range.length > file_size))
    __builtin_trap();
  return 0;
}
