#include "dualhttpd/http/byte_range.hpp"

#include <strings.h>

#include <charconv>
#include <optional>

#include "dualhttpd/base/escaping.hpp"

namespace dualhttpd {

namespace {

std::optional<std::uint64_t> number(std::string_view s) {
  if (s.empty() || s.size() > 19) return std::nullopt;
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return v;
}

// One byte-range-spec: first-last, first- or -suffix.
struct Spec {
  std::uint64_t first = 0;
  std::optional<std::uint64_t> last;    // absent: to the end
  std::optional<std::uint64_t> suffix;  // the last N bytes
};

std::optional<Spec> parse_spec(std::string_view text) {
  const auto dash = text.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  const auto first_text = trim_ows(text.substr(0, dash));
  const auto last_text = trim_ows(text.substr(dash + 1));
  Spec spec;
  if (first_text.empty()) {
    spec.suffix = number(last_text);
    if (!spec.suffix || *spec.suffix == 0) return std::nullopt;
    return spec;
  }
  const auto first = number(first_text);
  if (!first) return std::nullopt;
  spec.first = *first;
  if (!last_text.empty()) {
    spec.last = number(last_text);
    if (!spec.last || *spec.last < spec.first) return std::nullopt;
  }
  return spec;
}

// Joins `next` into `current` when they overlap or touch, as httpd does (with the range
// before it only, not sorting the list).
bool join(ByteRange& current, const ByteRange& next) {
  const auto cur_end = current.first + current.length;  // one past the last byte
  const auto next_end = next.first + next.length;
  if (next.first > cur_end || next_end < current.first) return false;
  const auto first = std::min(current.first, next.first);
  current = {first, std::max(cur_end, next_end) - first};
  return true;
}

}  // namespace

RangeDecision evaluate_range(std::string_view header, std::uint64_t size) {
  RangeDecision out;
  header = trim_ows(header);
  constexpr std::string_view unit = "bytes=";
  if (size == 0 || header.size() <= unit.size() ||
      ::strncasecmp(header.data(), "bytes=", unit.size()) != 0)
    return out;
  auto rest = header.substr(unit.size());
  ByteRanges ranges;
  bool dropped = false;
  std::uint64_t total = 0;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    const auto item = trim_ows(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    if (item.empty()) continue;  // "a-b, ,c-d": empty list elements are allowed
    const auto spec = parse_spec(item);
    if (!spec) return out;
    if (spec->first == 0 && !spec->last && !spec->suffix) {
      ranges = {{0, size}};  // "0-" asks for everything, whatever else is listed
      break;
    }
    ByteRange range;
    if (spec->suffix) {
      const auto len = std::min(*spec->suffix, size);
      range = {size - len, len};
    } else if (spec->first >= size) {
      dropped = true;
      continue;
    } else {
      const auto last = std::min(spec->last.value_or(size - 1), size - 1);
      range = {spec->first, last - spec->first + 1};
    }
    if (!ranges.empty() && join(ranges.back(), range)) continue;
    if (ranges.size() == max_byte_ranges) return out;
    ranges.push_back(range);
  }
  if (ranges.empty()) {
    if (dropped) out.verdict = RangeVerdict::unsatisfiable;
    return out;
  }
  for (const auto& r : ranges) total += r.length;
  if (total > size) return out;  // overlapping ranges that cost more than the file: send it once
  out.verdict = RangeVerdict::partial;
  out.ranges = std::move(ranges);
  return out;
}

}  // namespace dualhttpd
