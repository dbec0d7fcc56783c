#include "dualhttpd/http/http_date.hpp"

#include <array>
#include <cstring>

namespace dualhttpd {

namespace {

// Tries one strptime format; the whole text must be consumed.
std::optional<std::time_t> parse_with(const std::string& text, const char* format) {
  std::tm tm{};
  const char* end = ::strptime(text.c_str(), format, &tm);
  if (!end || *end != '\0') return std::nullopt;
  return ::timegm(&tm);
}

}  // namespace

std::string format_http_date(std::time_t t) {
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  std::array<char, 64> buf{};
  // The C locale's names are the English ones HTTP wants.
  const auto n = std::strftime(buf.data(), buf.size(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return std::string(buf.data(), n);
}

std::optional<std::time_t> parse_http_date(std::string_view text) {
  if (text.empty() || text.size() > 64) return std::nullopt;
  const std::string s(text);
  for (const char* format :
       {"%a, %d %b %Y %H:%M:%S GMT", "%A, %d-%b-%y %H:%M:%S GMT", "%a %b %e %H:%M:%S %Y"})
    if (auto t = parse_with(s, format)) return t;
  return std::nullopt;
}

}  // namespace dualhttpd
