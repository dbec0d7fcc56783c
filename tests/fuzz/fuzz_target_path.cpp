// libFuzzer: request target → docroot path. Whatever comes in, an accepted path never
// climbs out, never holds a NUL, and never names a dotfile other than .well-known.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "dualhttpd/files/target_path.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view target(reinterpret_cast<const char*>(data), size);
  const auto m = dualhttpd::map_target(target);
  if (m.verdict != dualhttpd::TargetVerdict::ok) return 0;
  const auto& rel = m.relative;
  if (rel.find('\0') != std::string::npos) __builtin_trap();
  if (!rel.empty() && rel.front() == '/') __builtin_trap();
  std::size_t start = 0;
  while (start <= rel.size() && !rel.empty()) {
    const auto end = std::min(rel.find('/', start), rel.size());
    const auto segment = std::string_view(rel).substr(start, end - start);
    if (segment.empty() || segment == "." || segment == "..") __builtin_trap();
    if (segment.front() == '.' && segment != ".well-known") __builtin_trap();
    start = end + 1;
  }
  return 0;
}
