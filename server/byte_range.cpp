#include "dualhttpd/byte_range.hpp"

#include <strings.h>

#include <charconv>
#include <optional>

#include "dualhttpd/http_text.hpp"

namespace dualhttpd {

namespace {

std::optional<std::uint64_t> number(std::string_view s) {
  if (s.empty() || s.size() > 19) return std::nullopt;
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

RangeDecision evaluate_range(std::string_view header, std::uint64_t size) {
  RangeDecision out;
  header = trim_ows(header);
  constexpr std::string_view unit = "bytes=";
  if (header.size() <= unit.size() || ::strncasecmp(header.data(), "bytes=", unit.size()) != 0)
    return out;
  const auto spec = trim_ows(header.substr(unit.size()));
  if (spec.find(',') != std::string_view::npos) return out;  // several ranges: whole file
  const auto dash = spec.find('-');
  if (dash == std::string_view::npos) return out;
  const auto first_text = trim_ows(spec.substr(0, dash));
  const auto last_text = trim_ows(spec.substr(dash + 1));
  if (first_text.empty()) {  // suffix: the last N bytes
    const auto n = number(last_text);
    if (!n) return out;
    if (*n == 0 || size == 0) return {RangeVerdict::unsatisfiable, {}};
    const auto len = std::min(*n, size);
    return {RangeVerdict::partial, {size - len, len}};
  }
  const auto first = number(first_text);
  if (!first) return out;
  std::uint64_t last = size == 0 ? 0 : size - 1;
  if (!last_text.empty()) {
    const auto l = number(last_text);
    if (!l || *l < *first) return out;
    last = std::min(*l, last);
  }
  if (*first >= size) return {RangeVerdict::unsatisfiable, {}};
  return {RangeVerdict::partial, {*first, last - *first + 1}};
}

}  // namespace dualhttpd
